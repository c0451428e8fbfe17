import Access
import Foundation
import Hummingbird
import Requests
import WebFoundation

/// `POST /requests/{id}/searches`: runs a search for a request with the filters of the form,
/// through the same calls as `POST /v1/requests/{id}/searches` (``RequestSearchFilters/parse(_:)``,
/// ``RequestSearches/run(_:filters:actor:role:now:catchUp:)``): the search is logged and its
/// conversations put on hold for the request; a refused search shows the domain's reason on the
/// form (422) and writes nothing.
extension WebApplication {
    func runRequestSearch(_ page: PageRequest) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        // The request first: an unknown one is a 404 whatever the filters say (as the API).
        try await requireRequest(id, requests, role)
        var form = RequestSearchForm(values: page.form.fields)
        do {
            let filters = try RequestSearchFilters.parse(form.parameters)
            let outcome = try await RequestSearches(store: store, ledger: settings.ledger).run(
                id, filters: filters, actor: principal.actor, role: role, now: Date())
            return PageRenderer.redirect(to: "/requests/\(id)?searched=\(outcome.search.number)")
        } catch let error as RequestSearchError {
            switch error {
            case .malformed(let parameter, _, _), .repeated(let parameter), .unknownParameter(let parameter):
                form.errors[RequestSearchForm.field(of: parameter)] = Self.requestSentence(error.description)
            case .emptyDateRange:
                form.errors["search-to"] = Self.requestSentence(error.description)
            default:
                form.summary = Self.requestSentence(error.description)
            }
        } catch let error as RecordsRequestError {
            form.summary = Self.pageError(error).message
        }
        if form.summary == nil { form.summary = "The search was not run: correct the fields marked “Error” below." }
        return try await requestPageResponse(page, notice: nil, search: form, status: .unprocessableContent)
    }
}

/// The search form of a request's page: its fields (form names `search-<filter>`), the filter
/// parameters they make, and their errors.
struct RequestSearchForm {
    /// The filters the page offers: form field, search parameter, label, hint, input type.
    static let offered: [(field: String, parameter: String, label: String, hint: String, type: String)] = [
        ("search-words", "words", "Words", "Words the messages contain (all of them).", "text"),
        ("search-citizen", "citizen", "Citizen's number", "The citizen's WhatsApp number with its country code, e.g. 16505550001.", "text"),
        ("search-team", "team", "Team", "A team's name, e.g. permits.", "text"),
        ("search-agent", "agent", "Agent", "A member of staff's name.", "text"),
        ("search-from", "from", "From (day)", "The first day searched, e.g. 2026-11-01.", "text"),
        ("search-to", "to", "To (day)", "The last day searched, e.g. 2026-11-30.", "text"),
    ]

    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    /// A message about the whole form, shown above it.
    var summary: String?

    /// The form field of a search parameter (the words field for an unknown one).
    static func field(of parameter: String) -> String {
        offered.first(where: { $0.parameter == parameter })?.field ?? "search-words"
    }

    /// The filled-in fields as search parameters, as the API's body members become them.
    var parameters: [(name: String, value: String)] {
        Self.offered.compactMap { item in
            guard let value = values[item.field]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return (item.parameter, value)
        }
    }

    func context(action: String) -> [String: Any] {
        var context: [String: Any] = [
            "action": action,
            "fields": Self.offered.map { item in
                FormField(
                    id: item.field, label: item.label, type: item.type, value: values[item.field] ?? "", hint: item.hint, error: errors[item.field],
                    required: false, describedBy: summary == nil ? [] : ["search-summary"]
                ).context
            },
        ]
        if let summary { context["summary"] = ["text": summary] }
        return context
    }
}
