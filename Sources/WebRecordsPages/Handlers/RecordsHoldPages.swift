import Access
import Disposition
import Foundation
import Hummingbird
import Messaging
import Retention
import WebFoundation

/// `GET /retention/holds`, `GET /retention/holds/{id}`, `POST /retention/holds` and
/// `POST /retention/holds/{id}/release`: legal holds, through ``LegalHolds`` as
/// `/v1/retention/holds` uses it (the caller places and releases as records officer, or as
/// request officer for public records request holds only).
extension WebApplication {
    func legalHolds(_ page: PageRequest) async throws -> Response {
        let notice = page.query("placed").map { "Hold \($0) is placed. Records it covers will not be listed or destroyed while it lasts." }
        return try await holdsPage(page, form: RecordsHoldForm(), notice: notice)
    }

    func legalHold(_ page: PageRequest) async throws -> Response {
        try await holdPage(page, id: try page.requiredParameter("id"), notice: page.query("released") != nil ? "The hold is released." : nil)
    }

    func placeLegalHold(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        var form = RecordsHoldForm(page.form)
        guard let role = LegalHolds.placingRole(among: principal.roles.map(\.rawValue)) else {
            throw PageError.forbidden(roles: PageRenderer.roleList(principal))
        }
        if let request = form.request(ids: ids) {
            if !LegalHolds.mayPlace(request.type, as: role) {
                form.errors["hold-type"] =
                    "A request officer places public records request holds only; a records officer places \(RecordsText.holdType(request.type).lowercased()) holds."
            } else {
                do {
                    let hold = try await LegalHolds(store: store, ledger: settings.ledger).place(request, actor: principal.actor, role: role)
                    return PageRenderer.redirect(to: "/retention/holds?placed=\(PageGate.percentEncoded(hold.id))")
                } catch let error as LegalHoldError {
                    form.refused(error)
                }
            }
        }
        return try await holdsPage(page, form: form, status: .unprocessableContent)
    }

    func releaseLegalHold(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let id = try page.requiredParameter("id")
        guard let role = LegalHolds.placingRole(among: principal.roles.map(\.rawValue)) else {
            throw PageError.forbidden(roles: PageRenderer.roleList(principal))
        }
        let reason = page.form.trimmed("release-reason") ?? ""
        var error: String?
        if reason.isEmpty {
            error = "Enter why the hold is released."
        } else {
            do {
                _ = try await LegalHolds(store: store, ledger: settings.ledger).release(id: id, reason: reason, actor: principal.actor, role: role)
                return PageRenderer.redirect(to: "/retention/holds/\(PageGate.percentEncoded(id))?released=1")
            } catch LegalHoldError.unknownHold {
                throw PageError.notFound
            } catch let refusal as LegalHoldError {
                error = Self.recordsSentence(refusal.description)
            }
        }
        return try await holdPage(page, id: id, releaseError: error, status: .unprocessableContent)
    }

    private func holdsPage(_ page: PageRequest, form: RecordsHoldForm, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try page.staff()
        let holds = try await LegalHolds(store: store, ledger: settings.ledger).list(active: false)
        let rows = holds.sorted { $0.position > $1.position }.map(Self.holdRow)
        var context: [String: Any] = [
            "active": rows.filter { $0["active"] as? Bool == true }, "released": rows.filter { $0["active"] as? Bool != true },
            "csrf": page.frame.csrfToken,
        ]
        context["noActive"] = (context["active"] as? [[String: Any]])?.isEmpty ?? true
        context["noReleased"] = (context["released"] as? [[String: Any]])?.isEmpty ?? true
        if WebPages.allows(principal, .staff(.legalHoldManage)) { context["form"] = form.context }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("records-holds", title: "Legal holds", frame: page.frame, status: status, context: context)
    }

    private func holdPage(
        _ page: PageRequest, id: String, notice: String? = nil, releaseError: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        try await DispositionLists(store: store, ledger: settings.ledger).catchUp()
        let shown: (hold: LegalHold, coveredRecords: Int)
        do {
            shown = try await LegalHolds(store: store, ledger: settings.ledger).show(id: id)
        } catch LegalHoldError.unknownHold {
            throw PageError.notFound
        }
        var context = Self.holdRow(shown.hold)
        context["covered"] = shown.coveredRecords
        context["scope"] = Self.scopeLines(shown.hold.scope, ids: ids)
        context["csrf"] = page.frame.csrfToken
        if shown.hold.isActive, WebPages.allows(principal, .staff(.legalHoldManage)) {
            context["releaseForm"] = [
                "action": "/retention/holds/\(PageGate.percentEncoded(id))/release",
                "field": FormField(
                    id: "release-reason", label: "Why the hold is released", hint: "For example: the case was settled on 2026-11-30.", error: releaseError
                ).context,
            ]
        }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("records-hold", title: "Legal hold \(shown.hold.id)", frame: page.frame, status: status, context: context)
    }

    static func holdRow(_ hold: LegalHold) -> [String: Any] {
        var row: [String: Any] = [
            "id": hold.id, "path": "/retention/holds/\(PageGate.percentEncoded(hold.id))", "type": RecordsText.holdType(hold.type),
            "matter": hold.matter, "custodian": hold.custodian, "reason": hold.reason, "placedBy": hold.actor,
            "role": hold.role.replacingOccurrences(of: "_", with: " "),
            "placedAt": RecordsText.time(hold.placedAt), "active": hold.isActive, "position": hold.position,
        ]
        if let release = hold.release {
            row["release"] = ["by": release.actor, "reason": release.reason, "at": RecordsText.time(release.releasedAt), "position": release.position]
        }
        return row
    }

    /// The scope's members as `Name: values` lines.
    static func scopeLines(_ scope: LegalHoldScope, ids: ConversationIDCodec) -> [[String: String]] {
        var lines: [[String: String]] = []
        if !scope.conversations.isEmpty { lines.append(["name": "Conversations", "value": scope.conversations.map { ids.apiID($0) }.joined(separator: ", ")]) }
        if !scope.citizens.isEmpty { lines.append(["name": "Citizens", "value": scope.citizens.joined(separator: ", ")]) }
        if !scope.businessNumbers.isEmpty { lines.append(["name": "Business numbers", "value": scope.businessNumbers.joined(separator: ", ")]) }
        if !scope.teams.isEmpty { lines.append(["name": "Teams", "value": scope.teams.joined(separator: ", ")]) }
        if let from = scope.from { lines.append(["name": "Records with activity on or after", "value": RecordsText.time(from)["text"] as? String ?? ""]) }
        if let to = scope.to { lines.append(["name": "Records begun before", "value": RecordsText.time(to)["text"] as? String ?? ""]) }
        return lines
    }

    /// A domain message as a sentence: capitalised (unless it starts with an identifier such as
    /// `staff:rita`), ending with a full stop.
    static func recordsSentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let identifier = text.prefix { $0 != " " }.contains(":")
        let body = identifier ? text : first.uppercased() + text.dropFirst()
        return body.hasSuffix(".") ? body : body + "."
    }
}
