import Access
import Foundation
import Hummingbird
import WebFoundation

/// `GET /signin`, `POST /signin`, `POST /signout`: the same sign-in, sessions and cookie as
/// `POST /v1/session` and `DELETE /v1/session`.
extension WebApplication {
    /// The sign-in form; `next` is carried through, `expired=1` and `signedout=1` show a notice.
    func signInForm(_ page: PageRequest) async throws -> Response {
        var notice: String?
        if page.query("expired") != nil { notice = "Your session has ended. Sign in again to continue." }
        if page.query("signedout") != nil { notice = "You have signed out." }
        return signInPage(page, next: PageGate.localPath(page.query("next")), notice: notice)
    }

    /// Signs in with name, password and authenticator code; on success 303 to `next` (a path
    /// of this site) with the `rk_session` cookie. A refusal never says which part was wrong.
    func signIn(_ page: PageRequest) async throws -> Response {
        let next = PageGate.localPath(page.form["next"])
        let name = page.form.trimmed("name")
        let password = page.form["password"] ?? ""
        var fieldErrors: [String: String] = [:]
        if name == nil { fieldErrors["name"] = "Enter your name." }
        if password.isEmpty { fieldErrors["password"] = "Enter your password." }
        guard let name, fieldErrors.isEmpty else {
            return signInPage(page, next: next, name: name ?? "", fieldErrors: fieldErrors, status: .unprocessableContent)
        }
        guard let staff else {
            throw PageError.unavailable("Sign-in is not configured in this service: ask its operator to set up staff accounts.")
        }
        let session: StaffSession
        do {
            session = try await staff.signIn(
                name: name, password: password, totp: page.form.trimmed("totp"), requireMFA: settings.requireMFA,
                lifetime: settings.sessionLifetime)
        } catch let refusal as SignInRefusal {
            let failure: String
            if case .lockedOut(let seconds) = refusal {
                failure = "Too many failed sign-ins for this name. Wait \(max(1, seconds / 60)) minutes, then try again."
            } else {
                failure = "Sign-in failed: the name, password or authenticator code is not right. Check them and try again."
            }
            return signInPage(page, next: next, name: name, failure: failure, status: .unprocessableContent)
        } catch is PasswordChecksBusy {
            throw PageError.unavailable("Many people are signing in at this moment. Wait a few seconds, then try again.")
        }
        let maxAge = Int(settings.sessionLifetime.components.seconds)
        return PageRenderer.redirect(to: next, cookies: [SessionCookies.set(session.id, maxAge: maxAge)])
    }

    /// Ends the session server-side, clears the cookie, 303 to the sign-in page.
    func signOut(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        if let session = page.session, let staff {
            try await staff.endSession(session, user: principal.name)
        }
        return PageRenderer.redirect(to: "/signin?signedout=1", cookies: [SessionCookies.cleared])
    }

    private func signInPage(
        _ page: PageRequest, next: String, name: String = "", notice: String? = nil, failure: String? = nil, fieldErrors: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let summary = failure == nil ? [] : ["signin-error"]
        let fields = [
            FormField(id: "name", label: "Name", value: name, autocomplete: "username", error: fieldErrors["name"], describedBy: summary),
            FormField(
                id: "password", label: "Password", type: "password", autocomplete: "current-password", error: fieldErrors["password"],
                describedBy: summary),
            FormField(
                id: "totp", label: "Authenticator code", autocomplete: "one-time-code", inputMode: "numeric",
                hint: "The 6-digit code your authenticator app shows now.", required: settings.requireMFA, describedBy: summary),
        ]
        var context: [String: Any] = ["csrf": page.frame.csrfToken, "next": next, "fields": fields.map(\.context)]
        if let notice { context["notice"] = ["text": notice] }
        if let failure { context["failure"] = ["text": failure] }
        return renderer.page("signin", title: "Sign in", frame: page.frame, status: status, context: context)
    }
}
