import Access
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Requests

// Redaction over HTTP (docs/public-records.md, "Redaction"; docs/api.md, "Requests"): the
// exemption list, suggestions, redactions applied, reviewed and withdrawn, as
// `recordkeeper requests suggest|redact|review-redaction|withdraw-redaction|redactions|exemptions`
// do. Request officers and admins act (`requests.manage`); auditors read the redactions, never
// the suggestions (which quote what they matched). Every `{id}` operation answers 404 for an
// unknown request before it reads anything else; DomainProblems.swift answers the library's
// refusals, which write nothing.
extension APIHandler {
    /// The exemption list in force, read once from RECORDKEEPER_EXEMPTIONS_FILE (default
    /// Washington's); when it cannot be used, the redaction routes answer 503
    /// `exemptions_misconfigured`.
    static let exemptionList = Result { () throws(ExemptionListError) in
        try ExemptionList.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The redactions of the service's ledger under the list in force, with the caller's role.
    func requestRedactions() throws -> (redactions: RequestRedactions, requests: RecordsRequests, role: StaffRole, actor: String) {
        let (requests, role, actor) = try recordsRequests()
        return (RequestRedactions(store: store, ledger: serviceLedger, exemptions: try Self.exemptionList.get()), requests, role, actor)
    }

    /// Refuses a request id that is malformed or names no request (404), before anything else is
    /// read or checked. Cheap: one row of the `requests` projection (``RecordsRequests/summary(_:role:)``),
    /// never the payloads that ``RecordsRequests/show(_:role:)`` decrypts.
    static func requireRecordsRequest(_ id: String, in requests: RecordsRequests, role: StaffRole) async throws {
        _ = try await requests.summary(id, role: role)
    }

    /// Records that the caller was shown `records` (`access.viewed`), for an operation whose
    /// action does not show content but which does (suggestions quote message text; a bundle holds
    /// the records released). Nothing is shown when it cannot be recorded: 503
    /// `access_not_recorded`.
    func recordAccess(_ records: [String], route: String) async throws {
        let caller = try CurrentRequest.current()
        let principal = try caller.staff()
        let access = AccessRecord(
            action: caller.grant?.action ?? .requestsManage, route: route, records: records, reason: caller.grant?.reason,
            breakGlass: caller.grant?.breakGlass ?? false)
        do {
            _ = try await AccessAuditor(store: store, ledger: serviceLedger).viewed(access, by: principal)
        } catch {
            logger.error("access not recorded: answer withheld", metadata: ["route": "\(route)", "user": "\(principal.name)", "error": "\(error)"])
            throw ProblemDetails(
                status: .serviceUnavailable, code: "access_not_recorded", title: "Access not recorded",
                detail: "the access could not be recorded in the ledger, so nothing is shown; try again shortly")
        }
    }

    static func invalidField(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(status: .badRequest, code: "invalid_field", title: "Invalid field", detail: detail, extensions: ["field": field])
    }

    // MARK: Reads

    func listExemptions(_ input: Operations.ListExemptions.Input) async throws -> Operations.ListExemptions.Output {
        _ = try CurrentRequest.staff()
        return .ok(.init(body: .json(try RequestsDocument(RedactionJSON.list(try Self.exemptionList.get())))))
    }

    /// Suggestions for a search's results and/or given positions (merged, each message once).
    func suggestRecordsRequestRedactions(
        _ input: Operations.SuggestRecordsRequestRedactions.Input
    ) async throws -> Operations.SuggestRecordsRequestRedactions.Output {
        let (redactions, requests, role, _) = try requestRedactions()
        let id = input.path.id
        try await Self.requireRecordsRequest(id, in: requests, role: role)
        var positions = Set((input.query.position ?? []).map(Int64.init))
        guard input.query.search != nil || !positions.isEmpty else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "give search (a search of the request: GET /v1/requests/\(id)/searches lists them) or position (messages of its results)")
        }
        if let search = input.query.search {
            do {
                let hits = try await RequestSearches(store: store, ledger: serviceLedger).results(id, search: search, role: role)
                positions.formUnion(hits.map(\.position))
            } catch let error as RequestSearchError {
                throw Self.problem(error)
            }
        }
        let found = positions.isEmpty ? [] : try await redactions.suggest(id, positions: positions.sorted(), role: role)
        try await recordAccess(
            ["request:\(id)"] + Set(found.map(\.messagePosition)).sorted().map { "message:\($0)" }, route: "GET /v1/requests/{id}/suggestions")
        var object: [String: Any] = ["request": id, "suggestions": found.map(RedactionJSON.suggestion)]
        if let search = input.query.search { object["search"] = search }
        return .ok(.init(body: .json(try RequestsDocument(object))))
    }

    func listRecordsRequestRedactions(
        _ input: Operations.ListRecordsRequestRedactions.Input
    ) async throws -> Operations.ListRecordsRequestRedactions.Output {
        let (redactions, requests, role, _) = try requestRedactions()
        try await Self.requireRecordsRequest(input.path.id, in: requests, role: role)
        let list = try await redactions.list(input.path.id, role: role)
        return .ok(.init(body: .json(try RequestsDocument(["request": input.path.id, "redactions": list.map(RedactionJSON.redaction)]))))
    }

    // MARK: Actions

    func applyRecordsRequestRedaction(
        _ input: Operations.ApplyRecordsRequestRedaction.Input
    ) async throws -> Operations.ApplyRecordsRequestRedaction.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (redactions, requests, role, actor) = try requestRedactions()
        let id = input.path.id
        try await Self.requireRecordsRequest(id, in: requests, role: role)
        let target: RedactionTarget
        switch body.kind {
        case .span:
            guard let start = body.start, let length = body.length else {
                throw Self.invalidField(body.start == nil ? "start" : "length", "a span needs start and length (in Unicode scalars of the message's text)")
            }
            guard body.mediaId == nil else { throw Self.invalidField("media_id", "media_id is for kind media: leave it out of a span") }
            target = .span(start: start, length: length)
        case .message:
            guard body.start == nil, body.length == nil, body.mediaId == nil else {
                throw Self.invalidField(
                    body.mediaId != nil ? "media_id" : body.start != nil ? "start" : "length",
                    "a whole message takes no start, length or media_id: give kind span or media for a part of it")
            }
            target = .message
        case .media:
            guard let media = body.mediaId else { throw Self.invalidField("media_id", "kind media needs media_id, the WhatsApp media id of the file withheld") }
            guard body.start == nil, body.length == nil else {
                throw Self.invalidField(body.start != nil ? "start" : "length", "a media redaction takes no start or length")
            }
            target = .media(media)
        }
        let new = NewRedaction(messagePosition: Int64(body.messagePosition), target: target, exemption: body.exemption, explanation: body.explanation)
        let redaction = try await redactions.apply(new, to: id, actor: actor, role: role, now: Date())
        return .created(.init(body: .json(try RequestsDocument(RedactionJSON.redaction(redaction)))))
    }

    func reviewRecordsRequestRedaction(
        _ input: Operations.ReviewRecordsRequestRedaction.Input
    ) async throws -> Operations.ReviewRecordsRequestRedaction.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (redactions, requests, role, actor) = try requestRedactions()
        try await Self.requireRecordsRequest(input.path.id, in: requests, role: role)
        let redaction = try await redactions.review(
            input.path.id, redaction: "R\(input.path.number)", approve: body.approve, reason: body.reason, actor: actor, role: role, now: Date())
        return .ok(.init(body: .json(try RequestsDocument(RedactionJSON.redaction(redaction)))))
    }

    func withdrawRecordsRequestRedaction(
        _ input: Operations.WithdrawRecordsRequestRedaction.Input
    ) async throws -> Operations.WithdrawRecordsRequestRedaction.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (redactions, requests, role, actor) = try requestRedactions()
        try await Self.requireRecordsRequest(input.path.id, in: requests, role: role)
        let redaction = try await redactions.withdraw(
            input.path.id, redaction: "R\(input.path.number)", reason: body.reason, actor: actor, role: role, now: Date())
        return .ok(.init(body: .json(try RequestsDocument(RedactionJSON.redaction(redaction)))))
    }
}
