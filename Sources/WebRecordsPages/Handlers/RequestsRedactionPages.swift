import Access
import Foundation
import Hummingbird
import Requests
import WebFoundation

/// The redaction review of a request: `GET /requests/{id}/review` (the messages a search found,
/// the suggested redactions marked in their text, the exemption list, the redactions applied),
/// and its forms `POST /requests/{id}/redactions`, `POST /requests/{id}/redactions/{n}/review`
/// and `POST /requests/{id}/redactions/{n}/withdrawal`, through the same calls as the `/v1`
/// redaction routes (``RequestRedactions``). Showing the review records `access.viewed` for the
/// request and the messages shown, as `GET /v1/requests/{id}/suggestions` does.
extension WebApplication {
    /// The messages the review shows at most.
    static let reviewLimit = 50

    /// The exemption list in force, read once from `RECORDKEEPER_EXEMPTIONS_FILE` (default
    /// Washington's), as the API reads it.
    static let exemptionList = Result { () throws(ExemptionListError) in
        try ExemptionList.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    func requestRedactions(_ requests: RecordsRequests) throws(PageError) -> RequestRedactions {
        do {
            return RequestRedactions(store: store, ledger: settings.ledger, exemptions: try Self.exemptionList.get())
        } catch {
            throw PageError.unavailable("The exemption list is not configured correctly (\(error)). Ask the service's operator to fix it.")
        }
    }

    func redactionReview(_ page: PageRequest) async throws -> Response {
        let notice: String? =
            switch page.query("done") {
            case "applied": "The redaction was applied. It waits for review before an installment may release the message."
            case "approved": "The redaction was approved."
            case "returned": "The redaction was returned with your reason."
            case "withdrawn": "The redaction was withdrawn."
            default: nil
            }
        return try await reviewPage(page, search: page.query("search"), notice: notice, errors: ReviewErrors(), status: .ok)
    }

    /// Applies a redaction from a suggestion's form or a whole-message form; 303 back to the review.
    func applyRedaction(_ page: PageRequest) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        let redactions = try requestRedactions(requests)
        try await requireRequest(id, requests, role)
        let form = page.form
        let key = form["form"] ?? ""
        var errors = ReviewErrors(form: key)
        guard let position = form["position"].flatMap(Int64.init) else {
            throw PageError.badRequest("The form does not name a message. Go back to the review page and use its forms.")
        }
        let target: RedactionTarget
        if form["kind"] == "message" {
            target = .message
        } else if let start = form["start"].flatMap(Int.init), let length = form["length"].flatMap(Int.init) {
            target = .span(start: start, length: length)
        } else {
            throw PageError.badRequest("The form does not say what of the message to redact. Go back to the review page and use its forms.")
        }
        let new = NewRedaction(messagePosition: position, target: target, exemption: form["exemption"] ?? "", explanation: form["explanation"] ?? "")
        do {
            _ = try await redactions.apply(new, to: id, actor: principal.actor, role: role, now: Date())
            return PageRenderer.redirect(to: Self.reviewPath(id, search: form["search"], done: "applied"))
        } catch let error as RedactionError {
            switch error {
            case .explanationMissing, .explanationBoilerplate: errors.explanation = Self.requestSentence(error.description)
            case .unknownExemption: errors.exemption = "Choose an exemption of the list."
            default: errors.summary = Self.requestSentence(error.description)
            }
            errors.values = ["exemption": new.exemption, "explanation": new.explanation]
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        }
        errors.summary = errors.summary ?? "The redaction was not applied: correct the fields marked “Error” below."
        return try await reviewPage(page, search: form["search"], notice: nil, errors: errors, status: .unprocessableContent)
    }

    /// Approves or returns a redaction (`decision` = `approve` or `return`, with `reason`).
    func reviewRedaction(_ page: PageRequest) async throws -> Response {
        let approve = page.form["decision"] == "approve"
        return try await decideRedaction(page, done: approve ? "approved" : "returned") { redactions, id, number, actor, role in
            try await redactions.review(id, redaction: number, approve: approve, reason: page.form.trimmed("reason"), actor: actor, role: role, now: Date())
        }
    }

    /// Withdraws a redaction, with `reason`.
    func withdrawRedaction(_ page: PageRequest) async throws -> Response {
        try await decideRedaction(page, done: "withdrawn") { redactions, id, number, actor, role in
            try await redactions.withdraw(id, redaction: number, reason: page.form["reason"] ?? "", actor: actor, role: role, now: Date())
        }
    }

    private func decideRedaction(
        _ page: PageRequest, done: String,
        _ act: (RequestRedactions, String, String, String, StaffRole) async throws -> Redaction
    ) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        let number = try page.requiredParameter("number")
        let redactions = try requestRedactions(requests)
        try await requireRequest(id, requests, role)
        guard Int(number) != nil else { throw PageError.notFound }
        var errors = ReviewErrors(form: "R\(number)-\(done == "withdrawn" ? "withdraw" : "review")")
        do {
            _ = try await act(redactions, id, "R\(number)", principal.actor, role)
            return PageRenderer.redirect(to: Self.reviewPath(id, search: page.form["search"], done: done))
        } catch let error as RedactionError {
            if case .unknownRedaction = error { throw PageError.notFound }
            if case .reasonMissing = error {
                errors.reason = Self.requestSentence(error.description)
            } else {
                errors.summary = Self.requestSentence(error.description)
            }
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        }
        errors.summary = errors.summary ?? "Nothing was recorded: correct the field marked “Error” below."
        return try await reviewPage(page, search: page.form["search"], notice: nil, errors: errors, status: .unprocessableContent)
    }

    /// 404 for an unknown or malformed request, before anything else is read (as the API).
    func requireRequest(_ id: String, _ requests: RecordsRequests, _ role: StaffRole) async throws {
        do {
            _ = try await requests.summary(id, role: role)
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        }
    }

    /// The review page of `search` (the latest search when nil).
    private func reviewPage(
        _ page: PageRequest, search: String?, notice: String?, errors: ReviewErrors, status: HTTPResponse.Status
    ) async throws
        -> Response
    {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        let redactions = try requestRedactions(requests)
        try await requireRequest(id, requests, role)
        let searches = try await RequestSearches(store: store, ledger: settings.ledger).list(id, role: role)
        var context: [String: Any] = [
            "id": id, "requestID": id, "requestPath": "/requests/\(id)", "csrf": page.frame.csrfToken,
            "exemptions": redactions.exemptions.exemptions.map(ReviewView.exemption),
        ]
        if let notice { context["notice"] = ["text": notice] }
        if let summary = errors.summary { context["errorSummary"] = ["text": summary] }
        let chosen: Int?
        if let search {
            guard let number = Int(search), searches.contains(where: { $0.number == number }) else { throw PageError.notFound }
            chosen = number
        } else {
            chosen = searches.last?.number
        }
        context["searches"] = searches.map { item -> [String: Any] in
            [
                "title": "Search \(item.number) (\(item.resultCount) messages)", "path": Self.reviewPath(id, search: String(item.number), done: nil),
                "current": item.number == chosen,
            ]
        }
        var shownRecords = ["request:\(id)"]
        if let chosen {
            let found: (messages: [ReviewMessage], total: Int)
            do {
                found = try await redactions.reviewMessages(id, search: chosen, limit: Self.reviewLimit, role: role)
            } catch let error as RecordsRequestError {
                throw Self.pageError(error)
            }
            shownRecords += found.messages.map { "message:\($0.position)" }
            let view = ReviewView(exemptions: redactions.exemptions.exemptions, search: chosen, errors: errors)
            context["review"] = [
                "search": chosen, "messages": found.messages.map(view.message), "empty": found.messages.isEmpty,
                "more": found.total > found.messages.count ? ["shown": found.messages.count, "total": found.total] as Any : false,
            ]
            let applied = try await redactions.list(id, role: role)
            context["redactions"] = applied.map(view.redaction)
            context["noRedactions"] = applied.isEmpty
        } else {
            context["noSearch"] = true
        }
        // What the page shows is on the record before it is answered (as the API's suggestions).
        try await recordViewed(
            AccessRecord(action: .requestsManage, route: "GET /requests/{id}/review", records: shownRecords), by: principal)
        return renderer.page("requests-review", title: "Redaction review of \(id)", frame: page.frame, status: status, context: context)
    }

    /// `/requests/PRR-2026-1/review?search=2&done=applied`.
    static func reviewPath(_ id: String, search: String?, done: String?) -> String {
        var query: [String] = []
        if let search, Int(search) != nil { query.append("search=\(search)") }
        if let done { query.append("done=\(done)") }
        return "/requests/\(id)/review" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// A domain message as a sentence: capital first, full stop last.
    static func requestSentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }
}

/// The errors of the review form that was sent (``form`` names it), and what it held.
struct ReviewErrors {
    var form = ""
    var summary: String?
    var exemption: String?
    var explanation: String?
    var reason: String?
    var values: [String: String] = [:]
}
