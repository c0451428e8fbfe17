import Foundation
import HTTPTypes
import Requests

// The searches of public-records requests over HTTP (docs/public-records.md, "Searches"):
// `POST /v1/requests/{id}/searches` runs one (request officers and admins), `GET` lists them
// (auditors too). A member the body schema does not name is a 400 from the generated code; a
// value the filters cannot read, or no filter at all, is a 400 `invalid_parameter` naming it.
extension APIHandler {
    func runRecordsRequestSearch(_ input: Operations.RunRecordsRequestSearch.Input) async throws -> Operations.RunRecordsRequestSearch.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        var parameters: [(name: String, value: String)] = []
        func add(_ name: String, _ values: [String]?) { parameters += (values ?? []).map { (name, $0) } }
        add("citizen", body.citizen)
        add("business_number", body.businessNumber)
        add("team", body.team)
        add("agent", body.agent)
        add("from", body.from.map { [$0] })
        add("to", body.to.map { [$0] })
        add("direction", body.direction)
        add("type", body._type)
        add("category", body.category)
        add("words", body.words.map { [$0] })
        let (requests, role, actor) = try recordsRequests()
        // The request first: an unknown one is a 404 whatever the filters say.
        try await Self.requireRecordsRequest(input.path.id, in: requests, role: role)
        do {
            let filters = try RequestSearchFilters.parse(parameters)
            let outcome = try await RequestSearches(store: requests.store, ledger: requests.ledger).run(
                input.path.id, filters: filters, actor: actor, role: role, now: Date())
            var object = outcome.search.json
            object["hits"] = outcome.hits.map(\.json)
            return .ok(.init(body: .json(try RequestsDocument(object))))
        } catch let error as RequestSearchError {
            throw Self.problem(error)
        }
    }

    func listRecordsRequestSearches(_ input: Operations.ListRecordsRequestSearches.Input) async throws -> Operations.ListRecordsRequestSearches.Output {
        let (requests, role, _) = try recordsRequests()
        let searches = try await RequestSearches(store: requests.store, ledger: requests.ledger).list(input.path.id, role: role)
        return .ok(.init(body: .json(try RequestsDocument(["request": input.path.id, "searches": searches.map(\.json)]))))
    }

    /// A refused search as a problem: 400 for the filters, 422 too many results, 503 words unavailable.
    static func problem(_ error: RequestSearchError) -> ProblemDetails {
        let detail = error.description
        switch error {
        case .unknownParameter(let name), .repeated(let name), .malformed(parameter: let name, _, _):
            return ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: detail, extensions: ["parameter": name])
        case .noFilter, .emptyDateRange:
            return ProblemDetails(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: detail)
        case .tooManyResults:
            return ProblemDetails(status: .unprocessableContent, code: "too_many_results", title: "Too many results", detail: detail)
        case .wordsUnavailable, .indexRebuilding, .notBuilt:
            return ProblemDetails(status: .serviceUnavailable, code: "search_unavailable", title: "Search unavailable", detail: detail)
        case .unknownSearch:
            return ProblemDetails(status: .notFound, code: "unknown_search", title: "No such search", detail: detail)
        }
    }
}
