import Access
import Disposition
import Foundation
import Hummingbird
import Retention
import WebFoundation

/// Disposition: `GET /retention/lists`, `POST /retention/lists` (an eligibility run),
/// `GET /retention/lists/{list}` (its records a page at a time, with their decisions and the
/// approvals), and the review, approval and destruction of a list, through ``DispositionLists``
/// and ``RetentionDestroyer`` exactly as the `/v1/retention/disposition-lists` routes call them.
extension WebApplication {
    func dispositionLists(_ page: PageRequest) async throws -> Response {
        var notice: String?
        if let made = page.query("made").flatMap(Int.init) {
            notice =
                made == 0
                ? "No list was made: no record is eligible that is not on a list, held, excluded or deferred."
                : "\(made) list\(made == 1 ? " was" : "s were") made. Open \(made == 1 ? "it" : "each") to review and approve."
        }
        return try await listsPage(page, notice: notice)
    }

    func runDisposition(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let series = page.form.trimmed("series")
        do {
            let made = try await DispositionLists(store: store, ledger: settings.ledger).make(series: series, actor: principal.actor)
            return PageRenderer.redirect(to: "/retention/lists?made=\(made.count)")
        } catch let error as DispositionError {
            return try await listsPage(page, series: series ?? "", seriesError: Self.recordsSentence(error.description), status: .unprocessableContent)
        }
    }

    private func listsPage(
        _ page: PageRequest, notice: String? = nil, series: String = "", seriesError: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        let lists = DispositionLists(store: store, ledger: settings.ledger)
        try await lists.catchUp()
        let all = try await lists.lists()
        var context: [String: Any] = [
            "lists": all.sorted { $0.listedPosition > $1.listedPosition }.map(Self.listRow), "empty": all.isEmpty, "csrf": page.frame.csrfToken,
        ]
        if WebPages.allows(principal, .staff(.retentionManage)) {
            context["run"] = [
                "field": FormField(
                    id: "series", label: "Series (optional)", value: series,
                    hint: "A DAN such as GS2010-001 to list that series only; leave empty for every series.",
                    error: seriesError, required: false
                ).context
            ]
        }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("records-lists", title: "Disposition lists", frame: page.frame, status: status, context: context)
    }

    func dispositionList(_ page: PageRequest) async throws -> Response {
        let notice: String? =
            switch page.query("done") {
            case "approved": "Your approval is recorded."
            case "reviewed": "Your decision is recorded."
            case "destroyed": "The list's records are destroyed. The destruction log and its certificate show what was destroyed, and on what authority."
            default: nil
            }
        return try await listPage(page, list: try page.requiredParameter("list"), review: RecordsReviewForm(), notice: notice)
    }

    func reviewDispositionList(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let list = try page.requiredParameter("list")
        var review = RecordsReviewForm(page.form)
        if let decided = review.decision() {
            do {
                try await DispositionLists(store: store, ledger: settings.ledger).review(
                    list: list, decision: decided.decision, records: decided.records, reason: review.reason, until: decided.until, actor: principal.actor,
                    role: Self.dispositionRole(principal))
                return PageRenderer.redirect(to: Self.listPath(list) + "?done=reviewed")
            } catch DispositionError.unknownList {
                throw PageError.notFound
            } catch let error as DispositionError {
                review.refused(error)
            }
        }
        return try await listPage(page, list: list, review: review, status: .unprocessableContent)
    }

    func approveDispositionList(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let list = try page.requiredParameter("list")
        do {
            try await DispositionLists(store: store, ledger: settings.ledger).approve(list: list, actor: principal.actor, role: Self.dispositionRole(principal))
            return PageRenderer.redirect(to: Self.listPath(list) + "?done=approved")
        } catch DispositionError.unknownList {
            throw PageError.notFound
        } catch let error as DispositionError {
            return try await listPage(
                page, list: list, review: RecordsReviewForm(), actionError: Self.recordsSentence(error.description), status: .unprocessableContent)
        }
    }

    /// Destroys in the request, as `POST /v1/retention/disposition-lists/{list}/destruction`.
    func destroyDispositionList(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let list = try page.requiredParameter("list")
        do {
            _ = try await RetentionDestroyer(store: store, ledger: settings.ledger).destroy(list: list, actor: principal.actor)
            return PageRenderer.redirect(to: Self.listPath(list) + "?done=destroyed")
        } catch DispositionError.unknownList {
            throw PageError.notFound
        } catch let error as DispositionError {
            return try await listPage(
                page, list: list, review: RecordsReviewForm(), actionError: Self.recordsSentence(error.description), status: .unprocessableContent)
        }
    }

    private func listPage(
        _ page: PageRequest, list id: String, review: RecordsReviewForm, notice: String? = nil, actionError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        let lists = DispositionLists(store: store, ledger: settings.ledger)
        try await lists.catchUp()
        let list: DispositionList
        do {
            list = try await lists.show(list: id)
        } catch DispositionError.unknownList {
            throw PageError.notFound
        }
        let size = settings.pageSize
        let pages = max(1, (list.items.count + size - 1) / size)
        var number = 1
        if let text = page.query("page") {
            guard let value = Int(text), (1...pages).contains(value) else {
                throw PageError.badRequest("List \(list.list) has \(pages) page\(pages == 1 ? "" : "s") of records. Choose a page from 1 to \(pages).")
            }
            number = value
        }
        let offset = (number - 1) * size
        let manage = WebPages.allows(principal, .staff(.retentionManage))
        let open = list.transferredPosition == nil
        var context = Self.listRow(list)
        context["csrf"] = page.frame.csrfToken
        context["listedBy"] = list.listedBy
        context["listedPosition"] = list.listedPosition
        context["digest"] = list.digest
        context["approvalsGiven"] = list.approvals.map { ["actor": $0.actor, "at": RecordsText.time($0.at), "position": $0.position] as [String: Any] }
        context["noApprovals"] = list.approvals.isEmpty
        context["items"] = list.items.enumerated().dropFirst(offset).prefix(size).map { index, item -> [String: Any] in
            var row: [String: Any] = [
                "index": index + 1, "record": item.record.description, "decision": Self.decisionText(item),
                "selectable": manage && open && (item.state == .listed || item.state == .confirmed) && !item.destroyed,
                "checked": review.selected.contains(item.record.description),
            ]
            if let by = item.reviewedBy { row["reviewedBy"] = by }
            return row
        }
        context["firstIndex"] = offset + 1
        context["lastIndex"] = min(offset + size, list.items.count)
        if number > 1 { context["previous"] = ["path": Self.listPath(list.list) + (number == 2 ? "" : "?page=\(number - 1)")] }
        if number < pages { context["next"] = ["path": Self.listPath(list.list) + "?page=\(number + 1)"] }
        if manage, open {
            context["review"] = review.context(reviewList: list.review)
            if !list.approved { context["approveAction"] = ["path": Self.listPath(list.list) + "/approval"] }
            if list.approved, list.action == .destroy, !list.remaining.isEmpty {
                context["destroyAction"] = ["path": Self.listPath(list.list) + "/destruction"]
            }
        }
        if list.action == .destroy, list.items.contains(where: \.destroyed) {
            context["certificate"] = ["path": "/retention/destructions/\(PageGate.percentEncoded(list.list))/certificate"]
        }
        if let notice { context["notice"] = ["text": notice] }
        if let actionError { context["actionError"] = ["text": actionError] }
        return renderer.page("records-list", title: "Disposition list \(list.list)", frame: page.frame, status: status, context: context)
    }

    static func listRow(_ list: DispositionList) -> [String: Any] {
        [
            "list": list.list, "path": listPath(list.list), "series": list.series,
            "action": list.action == .destroy ? "Destroy" : "Transfer to the archives", "status": list.status, "records": list.items.count,
            "remaining": list.remaining.count, "approvals": list.approvals.count, "required": list.required, "listedAt": RecordsText.time(list.listedAt),
            "reviewList": list.review,
        ]
    }

    static func listPath(_ list: String) -> String { "/retention/lists/\(PageGate.percentEncoded(list))" }

    /// A record's decision on its list, in words.
    static func decisionText(_ item: DispositionListItem) -> String {
        var text: String =
            switch item.state {
            case .listed: "Listed"
            case .confirmed: "Confirmed"
            case .excluded: "Excluded"
            case .deferred: "Deferred"
            }
        if let until = item.until { text += " until \(RecordsText.day(until)["text"] as? String ?? "")" }
        if let reason = item.reason { text += ": \(reason)" }
        if item.destroyed { text += " (destroyed)" }
        if item.transferred { text += " (transferred)" }
        return text
    }

    /// The role a caller reviews and approves as, as the API's `dispositionRole`: records officer
    /// when they are one (the domain refuses any other role with its message).
    static func dispositionRole(_ principal: StaffPrincipal) -> String {
        principal.roles.contains(.recordsOfficer) ? DispositionLists.recordsOfficer : (principal.roles.min()?.rawValue ?? "none")
    }
}
