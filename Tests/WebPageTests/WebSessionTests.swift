import API
import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceTestSupport
import TestSupport
import Testing

/// Signing in and out of the pages, the account forms, and forms without their token.
@Suite("Web sessions", .timeLimit(.minutes(5)))
struct WebSessionTests {
    typealias C = WebPageClient

    @Test("sign-in with password and code sets the API's session cookie (Secure, HttpOnly, SameSite=Strict); sign-out ends it")
    func signInAndOut() async throws {
        try await C.withWebApp(requireMFA: true) { app, store in
            let (_, totp) = try await TestStaff.directory(store).addUser(
                name: "alex.kim", roles: [.agent], teams: ["permits"], password: "correct horse battery", enrollTOTP: true, actor: "test")
            let secret = try #require(totp?.secret)

            // The form: the ids the browser tests use, its double-submit cookie.
            let form = try await C.get(app, "/signin?next=%2Faccount")
            #expect(form.status == .ok)
            for id in ["id=\"name\"", "id=\"password\"", "id=\"totp\"", "<button type=\"submit\">Sign in</button>", "value=\"/account\""] {
                #expect(form.body.contains(id), "\(id)")
            }
            let csrfCookie = try #require(form.setCookieLine("rk_csrf"))
            for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] { #expect(csrfCookie.contains(flag), "\(csrfCookie)") }

            // A wrong password, and a right password without the code: the same refusal, no session.
            for (password, code) in [("wrong horse battery", Optional<String>.none), ("correct horse battery", nil)] {
                let refused = try await C.signIn(app, name: "alex.kim", password: password, totp: code)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.body.contains("Sign-in failed: the name, password or authenticator code is not right."))
                #expect(refused.body.contains("aria-describedby=\"signin-error\"") && refused.body.contains("value=\"alex.kim\""))
                #expect(!refused.body.contains(password))
                #expect(refused.setCookie("rk_session") == nil)
            }
            let empty = try await C.signIn(app, name: " ", password: "")
            #expect(empty.status == .unprocessableContent && empty.body.contains("id=\"name-error\"") && empty.body.contains("id=\"password-error\""))

            // Right: 303 to `next`, the session cookie with its three flags.
            let signedIn = try await C.signIn(
                app, name: "alex.kim", password: "correct horse battery", totp: TOTPEnrollment.code(secret: secret), next: "/account")
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/account")
            let line = try #require(signedIn.setCookieLine("rk_session"))
            for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] { #expect(line.contains(flag), "\(line)") }
            let session = try #require(signedIn.setCookie("rk_session"))
            #expect(SessionCookie.name == "rk_session")

            // The same session serves the pages and the API.
            let account = try await C.get(app, "/account", session: session)
            #expect(account.status == .ok && account.body.contains("<dd>alex.kim</dd>"))
            let api = try await app.execute(uri: "/v1/session", method: .get, headers: [.cookie: "rk_session=\(session)"]) { $0.status }
            #expect(api == .ok)

            // Sign-out without the token does nothing.
            let forged = try await C.post(app, "/signout", session: session, csrf: nil, [])
            #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"))
            #expect(try await C.get(app, "/account", session: session).status == .ok)

            // Sign-out: the session ends server-side, the cookie is cleared, the next page goes to sign-in.
            let out = try await C.post(app, "/signout", session: session, csrf: C.csrf(in: account.body), [])
            #expect(out.status == .seeOther && out.headers[.location] == "/signin?signedout=1")
            #expect(out.setCookieLine("rk_session")?.contains("Max-Age=0") == true && out.setCookie("rk_session") == "")
            let after = try await C.get(app, "/account", session: session)
            #expect(after.status == .seeOther && after.headers[.location] == "/signin?next=%2Faccount&expired=1")
            let expiredNotice = try await C.get(app, "/signin?next=%2Faccount&expired=1")
            #expect(expiredNotice.body.contains("Your session has ended. Sign in again to continue."))
            let apiAfter = try await app.execute(uri: "/v1/session", method: .get, headers: [.cookie: "rk_session=\(session)"]) { $0.status }
            #expect(apiAfter == .unauthorized)
        }
    }

    @Test("an expired session sends the next page to sign-in with a notice and clears the cookie")
    func expiry() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "dana", roles: [.agent], teams: ["permits"], password: "a long enough passphrase", actor: "test")
            let session = try await directory.signIn(
                name: "dana", password: "a long enough passphrase", totp: nil, requireMFA: false, lifetime: .seconds(1)
            ).id
            #expect(try await C.get(app, "/inbox?state=open", session: session).status == .ok)
            try await Task.sleep(for: .milliseconds(1500))
            let expired = try await C.get(app, "/inbox?state=open", session: session)
            #expect(expired.status == .seeOther && expired.headers[.location] == "/signin?next=%2Finbox%3Fstate%3Dopen&expired=1")
            #expect(expired.setCookieLine("rk_session") == "rk_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
            C.expectPageHeaders(expired, "expired")
        }
    }

    @Test("a form without or with a wrong _csrf is a 403 page and changes nothing; the account forms change the password and the authenticator")
    func forgedFormsAndAccount() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "casey", roles: [.agent], teams: ["permits"], password: "first long passphrase", actor: "test")
            let signedIn = try await C.signIn(app, name: "casey", password: "first long passphrase")
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/")
            let session = try #require(signedIn.setCookie("rk_session"))
            let account = try await C.get(app, "/account", session: session)
            let token = try #require(C.csrf(in: account.body))
            let change = [
                ("current-password", "first long passphrase"), ("new-password", "second long passphrase"), ("confirm-password", "second long passphrase"),
            ]

            // Without, with a wrong, with another session's token: refused, the password unchanged.
            let other = try await C.session(store, name: "casey", password: "first long passphrase")
            let otherToken: String = try #require(C.csrf(in: try await C.get(app, "/account", session: other).body))
            #expect(otherToken != token)
            for csrf in [nil, "wrong", String(token.dropLast()), otherToken] {
                let refused = try await C.post(app, "/account/password", session: session, csrf: csrf, change)
                #expect(refused.status == .forbidden && refused.body.contains("<h1>Form not accepted</h1>"), "\(csrf ?? "none")")
                C.expectPageHeaders(refused, "refused form")
            }
            _ = try await directory.signIn(name: "casey", password: "first long passphrase", totp: nil, requireMFA: false)
            // The sign-in form without its cookie: refused, no session.
            let noCookie = try await C.request(app, .post, "/signin", form: [("_csrf", "x"), ("name", "casey"), ("password", "first long passphrase")])
            #expect(noCookie.status == .forbidden && noCookie.setCookie("rk_session") == nil)

            // Errors tied to their fields.
            let wrong = try await C.post(
                app, "/account/password", session: session, csrf: token,
                [("current-password", "not my password"), ("new-password", "second long passphrase"), ("confirm-password", "second long passphrase")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("aria-describedby=\"current-password-error\""))
            #expect(wrong.body.contains("This is not your current password."))
            let mismatch = try await C.post(
                app, "/account/password", session: session, csrf: token,
                [("current-password", "first long passphrase"), ("new-password", "second long passphrase"), ("confirm-password", "other")])
            #expect(mismatch.status == .unprocessableContent && mismatch.body.contains("id=\"confirm-password-error\""))
            let weak = try await C.post(
                app, "/account/password", session: session, csrf: token,
                [("current-password", "first long passphrase"), ("new-password", "short"), ("confirm-password", "short")])
            #expect(weak.status == .unprocessableContent && weak.body.contains("id=\"new-password-error\""))

            // Changed: back to the account page with a notice; the new password signs in, the old one does not.
            let changed = try await C.post(app, "/account/password", session: session, csrf: token, change)
            #expect(changed.status == .seeOther && changed.headers[.location] == "/account?changed=password")
            #expect(try await C.get(app, "/account?changed=password", session: session).body.contains("Your password has been changed."))
            _ = try await directory.signIn(name: "casey", password: "second long passphrase", totp: nil, requireMFA: false)
            await #expect(throws: SignInRefusal.invalidCredentials) {
                try await directory.signIn(name: "casey", password: "first long passphrase", totp: nil, requireMFA: false)
            }

            // A new authenticator: its key shown once, and its codes sign in.
            let refusedTOTP = try await C.post(app, "/account/totp", session: session, csrf: token, [("totp-password", "first long passphrase")])
            #expect(refusedTOTP.status == .unprocessableContent && refusedTOTP.body.contains("id=\"totp-password-error\""))
            let enrolled = try await C.post(app, "/account/totp", session: session, csrf: token, [("totp-password", "second long passphrase")])
            #expect(enrolled.status == .ok && enrolled.body.contains("<h1>Your new authenticator</h1>"))
            let code = try #require(
                enrolled.body.range(of: "<code>").flatMap { start in
                    enrolled.body[start.upperBound...].range(of: "</code>").map { String(enrolled.body[start.upperBound..<$0.lowerBound]) }
                })
            let secret = code.replacingOccurrences(of: " ", with: "")
            #expect(secret.count >= 16 && enrolled.body.contains("otpauth://totp/"))
            _ = try await directory.signIn(
                name: "casey", password: "second long passphrase", totp: TOTPEnrollment.code(secret: secret), requireMFA: true)
        }
    }
}
