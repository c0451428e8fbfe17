import Access
import Foundation
import Hummingbird
import Ledger
import WebFoundation

/// The admin's integration pages (issue 16 item 7): `GET /admin/integrations`,
/// `POST /admin/integrations`, `POST /admin/integrations/{name}/revocation`, through
/// ``IntegrationRegistry`` as `recordkeeper integrations add/revoke/list` (each change an
/// `integration.*` event, with the signed-in admin as its actor).
///
/// The recording proxy looks an integration's token up on every request (no cache), so a
/// revocation made here refuses the token from the next request on, as the command's does.
extension WebApplication {
    /// The registry, on the service's ledger.
    func integrations() -> IntegrationRegistry {
        IntegrationRegistry(store: store, ledger: settings.ledger, logger: logger)
    }

    /// Every integration (active and revoked) and the form to add one.
    func integrationList(_ page: PageRequest) async throws -> Response {
        try await integrationListPage(page, notice: page.query("revoked").map { "Revoked integration \($0): the proxy refuses its token from now on." })
    }

    /// Adds an integration named `name` and shows its token once.
    func addIntegration(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let name = page.form.trimmed("name") ?? ""
        var error: String?
        if !Integration.isValidName(name) {
            error = "Enter a name of 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, such as notification-bot."
        } else {
            do {
                let (integration, token) = try await integrations().add(name: name, actor: principal.actor)
                return renderer.page(
                    "admin-secret", title: "Token for integration \(integration.name)", frame: page.frame,
                    context: [
                        "heading": "Token for integration \(integration.name)", "back": "/admin/integrations",
                        "explanation":
                            "Give it to the integration as its Graph API access token, and point its base URL at this service's /graph. Copy it now: it is shown only this once and kept nowhere (only its SHA-256 is stored; its id is \(integration.tokenID)). Revoke the integration on the integrations page when it is no longer needed.",
                        "secret": token.text,
                    ])
            } catch IntegrationError.alreadyExists {
                error = "An active integration is named \(name): revoke it first, or choose another name."
            } catch IntegrationError.notRecorded {
                throw PageError.unavailable(
                    "The integration \(name) could not be recorded in the ledger, so it was revoked again and its token is not shown. Try again in a moment.")
            }
        }
        return try await integrationListPage(page, name: name, error: error, status: .unprocessableContent)
    }

    /// Revokes the integration `{name}`: the proxy refuses its token from the next request.
    func revokeIntegration(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let name = try page.requiredParameter("name")
        do {
            let (_, revokedNow) = try await integrations().revoke(name: name, actor: principal.actor)
            guard revokedNow else {
                throw PageError(status: .notFound, title: "Already revoked", message: "The integration \(name) has no active token: it was revoked already.")
            }
        } catch IntegrationError.notFound {
            throw PageError(status: .notFound, title: "No such integration", message: "No integration is named \(name).")
        } catch IntegrationError.notRecorded {
            throw PageError.unavailable(
                "The integration \(name) is revoked (the proxy refuses its token), but the ledger event could not be appended. Revoke it again in a moment to record it."
            )
        }
        return PageRenderer.redirect(to: "/admin/integrations?revoked=\(PageGate.percentEncoded(name))")
    }

    private func integrationListPage(
        _ page: PageRequest, name: String = "", error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        let all = try await integrations().list()
        var context: [String: Any] = [
            "csrf": page.frame.csrfToken, "canManage": WebPages.allows(principal, .staff(.staffManage)), "empty": all.isEmpty,
            "integrations": all.reversed().map { integration -> [String: Any] in
                [
                    "name": integration.name, "tokenID": integration.tokenID, "created": PageText.time(integration.createdAt.date),
                    "state": integration.revokedAt.map { "revoked \(PageText.timeText($0.date))" } ?? "active",
                    "active": integration.isActive,
                    "revokePath": "/admin/integrations/\(PageGate.percentEncoded(integration.name))/revocation",
                ]
            },
            "field": FormField(
                id: "name", label: "Name", value: name, autocomplete: "off",
                hint: "Lower-case letters, digits, '.', '_' or '-', such as notification-bot.", error: error
            ).context,
        ]
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("admin-integrations", title: "Integrations", frame: page.frame, status: status, context: context)
    }
}
