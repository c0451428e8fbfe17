import Access
import Foundation
import Hummingbird
import Ledger
import WebFoundation

/// The admin's API token pages (issue 16 item 7): `GET /admin/tokens`, `POST /admin/tokens`,
/// `POST /admin/tokens/{id}/revocation`, through the staff directory as the `/v1/staff/tokens…`
/// operations (a token is shown once, when issued, and stored only as its SHA-256).
extension WebApplication {
    /// The most days a token may last (as `POST /v1/staff/tokens`: 366 days).
    static let maxTokenDays = 366

    /// Every token (active, expired, revoked) and the form to issue one.
    func tokenList(_ page: PageRequest) async throws -> Response {
        try await tokenListPage(page, notice: page.query("revoked").map { "Revoked token \($0)." })
    }

    /// Issues a token for `user` (all their roles, or the one in `scope`), lasting `days`; shows it once.
    func issueToken(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        var errors: [String: String] = [:]
        let user = page.form.trimmed("user")
        if user == nil { errors["user"] = "Enter the name of the account the token acts for." }
        let scope = page.form.trimmed("scope")
        let role = scope.flatMap(StaffRole.init(name:))
        if scope != nil, role == nil { errors["scope"] = "Choose one of the roles, or all of the account's roles." }
        let days: Int? = page.form.trimmed("days").map { Int($0) } ?? 90
        if days.map({ !(1...Self.maxTokenDays).contains($0) }) ?? true {
            errors["days"] = "Enter a whole number of days from 1 to \(Self.maxTokenDays)."
        }
        if errors.isEmpty, let user, let days {
            do {
                let issued = try await directory().issueToken(
                    user: user, scopes: role.map { [$0] }, expiresIn: .seconds(days * 86_400), actor: principal.actor)
                return renderer.page(
                    "admin-secret", title: "API token for \(user)", frame: page.frame,
                    context: [
                        "heading": "API token for \(user)", "back": "/admin/tokens",
                        "explanation":
                            "Copy it now into the program that will use it: it is shown only this once and kept nowhere (only its SHA-256 is stored). It expires in \(days) day\(days == 1 ? "" : "s"); revoke it on the tokens page when it is no longer needed.",
                        "secret": issued.token,
                    ])
            } catch let error as StaffError {
                switch error {
                case .scopeNotHeld: errors["scope"] = error.description
                default: errors["user"] = error.description
                }
            }
        }
        return try await tokenListPage(
            page, user: user ?? "", scope: scope ?? "", days: page.form["days"] ?? "90", errors: errors, status: .unprocessableContent)
    }

    /// Revokes the token `{id}`.
    func revokeToken(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let id = try page.requiredParameter("id")
        do {
            _ = try await directory().revokeToken(id: id, actor: principal.actor)
        } catch StaffError.noSuchToken {
            throw PageError(status: .notFound, title: "No such token", message: "There is no active token \(id): it may have been revoked already.")
        }
        return PageRenderer.redirect(to: "/admin/tokens?revoked=\(PageGate.percentEncoded(id))")
    }

    private func tokenListPage(
        _ page: PageRequest, user: String = "", scope: String = "", days: String = "90", errors: [String: String] = [:], notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        let now = LedgerTimestamp.now().microseconds
        let tokens = try await directory().tokens()
        var context: [String: Any] = [
            "csrf": page.frame.csrfToken, "canManage": WebPages.allows(principal, .staff(.staffManage)),
            "tokens": tokens.reversed().map { token -> [String: Any] in
                let state: String
                if let revoked = token.revokedAtUs {
                    state = "revoked \(Self.day(revoked))"
                } else if let expires = token.expiresAtUs, expires <= now {
                    state = "expired \(Self.day(expires))"
                } else {
                    state = token.expiresAtUs.map { "active until \(Self.day($0))" } ?? "active, no expiry"
                }
                return [
                    "id": token.id, "user": token.user, "scopes": token.scopes.map { $0.map(\.rawValue).sorted().joined(separator: ", ") } ?? "all",
                    "created": Self.day(token.createdAtUs), "state": state,
                    "revokable": token.revokedAtUs == nil && (token.expiresAtUs.map { $0 > now } ?? true),
                    "revokePath": "/admin/tokens/\(PageGate.percentEncoded(token.id))/revocation",
                ]
            },
            "fields": [
                FormField(id: "user", label: "Account", value: user, autocomplete: "off", error: errors["user"]).context,
                FormField(
                    id: "days", label: "Days until it expires", value: days, inputMode: "numeric", hint: "1 to \(Self.maxTokenDays).",
                    error: errors["days"]
                ).context,
            ],
            "scopeChoices": [["value": "", "label": "All of the account's roles", "selected": scope.isEmpty]]
                + StaffRole.allCases.map { ["value": $0.rawValue, "label": "Only \($0.rawValue)", "selected": scope == $0.rawValue] },
        ]
        if let scopeError = errors["scope"] { context["scopeError"] = ["text": scopeError] }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("admin-tokens", title: "API tokens", frame: page.frame, status: status, context: context)
    }

    /// `2026-12-07` of a time in microseconds (UTC).
    static func day(_ microseconds: Int64) -> String {
        String(LedgerTimestamp(microseconds: microseconds).date.ISO8601Format().prefix(10))
    }
}
