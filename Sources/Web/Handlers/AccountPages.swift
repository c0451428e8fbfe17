import Access
import Foundation
import Hummingbird
import WebFoundation

/// `GET /account`, `POST /account/password`, `POST /account/totp`: one's own account, through
/// the staff directory's self-service functions (each checks the current password).
extension WebApplication {
    func account(_ page: PageRequest) async throws -> Response {
        let notice = page.query("changed") == "password" ? "Your password has been changed." : nil
        return try accountPage(page, notice: notice)
    }

    /// Changes the password; 303 back to the account page with a notice.
    func changePassword(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let current = page.form["current-password"] ?? ""
        let new = page.form["new-password"] ?? ""
        var errors: [String: String] = [:]
        if current.isEmpty { errors["current-password"] = "Enter your current password." }
        if new.isEmpty { errors["new-password"] = "Enter a new password." }
        if !new.isEmpty, page.form["confirm-password"] != new { errors["confirm-password"] = "Enter the same new password again." }
        if errors.isEmpty {
            do {
                try await directory().changeOwnPassword(user: principal.name, current: current, new: new)
                return PageRenderer.redirect(to: "/account?changed=password")
            } catch SelfServiceRefusal.wrongCurrentPassword {
                errors["current-password"] = "This is not your current password."
            } catch StaffError.weakPassword(let reason) {
                errors["new-password"] = "This password cannot be used: \(reason)."
            } catch is PasswordChecksBusy {
                throw PageError.unavailable("Many passwords are being checked at this moment. Wait a few seconds, then try again.")
            }
        }
        return try accountPage(page, passwordErrors: errors, status: .unprocessableContent)
    }

    /// Sets up a new authenticator after checking the password and shows its key once.
    func reenrollTOTP(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let current = page.form["totp-password"] ?? ""
        guard !current.isEmpty else {
            return try accountPage(page, totpError: "Enter your current password.", status: .unprocessableContent)
        }
        let enrollment: TOTPEnrollment
        do {
            enrollment = try await directory().reenrollOwnTOTP(user: principal.name, current: current)
        } catch SelfServiceRefusal.wrongCurrentPassword {
            return try accountPage(page, totpError: "This is not your current password.", status: .unprocessableContent)
        } catch StaffError.masterKeyRequired {
            throw PageError.unavailable("Authenticators cannot be set up in this service: its operator has not set a master key.")
        } catch is PasswordChecksBusy {
            throw PageError.unavailable("Many passwords are being checked at this moment. Wait a few seconds, then try again.")
        }
        let grouped = stride(from: 0, to: enrollment.secret.count, by: 4).map { start -> String in
            let from = enrollment.secret.index(enrollment.secret.startIndex, offsetBy: start)
            return String(enrollment.secret[from...].prefix(4))
        }.joined(separator: " ")
        return renderer.page(
            "totp-enrolled", title: "Your new authenticator", frame: page.frame, context: ["secret": grouped, "url": enrollment.url])
    }

    private func accountPage(
        _ page: PageRequest, notice: String? = nil, passwordErrors: [String: String] = [:], totpError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let principal = try page.staff()
        let passwordFields = [
            FormField(
                id: "current-password", label: "Current password", type: "password", autocomplete: "current-password", error: passwordErrors["current-password"]
            ),
            FormField(
                id: "new-password", label: "New password", type: "password", autocomplete: "new-password",
                hint: "At least 12 characters. A passphrase of several words is easiest to remember.", error: passwordErrors["new-password"]),
            FormField(
                id: "confirm-password", label: "New password again", type: "password", autocomplete: "new-password",
                error: passwordErrors["confirm-password"]),
        ]
        let totpFields = [
            FormField(id: "totp-password", label: "Current password", type: "password", autocomplete: "current-password", error: totpError)
        ]
        var context: [String: Any] = [
            "name": principal.name, "roles": PageRenderer.roleList(principal),
            "teams": principal.teams.isEmpty ? "none" : principal.teams.sorted().joined(separator: ", "), "csrf": page.frame.csrfToken,
            "passwordFields": passwordFields.map(\.context), "totpFields": totpFields.map(\.context),
        ]
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("account", title: "Your account", frame: page.frame, status: status, context: context)
    }
}
