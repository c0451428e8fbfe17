import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// The staff operations answer as they did before they moved onto the generated OpenAPI
/// interface: the session cookie set and cleared with the same attributes, secrets never
/// cached, an unknown role 422 `invalid_field` (not a decoding error), a path name that is not
/// a name 404 `not_found`, and the read audit's parameters checked.
@Suite("Staff operations on the wire", .timeLimit(.minutes(5)))
struct StaffOperationsWireTests {
    typealias Answer = EdgeInputHardeningTests.Answer

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ json: String?, _ headers: HTTPFields, _ authenticated: Bool
    ) async throws -> Answer {
        try await OpenAPIAgreementTests.call(app, method, uri, json: json, headers: headers, authenticated: authenticated)
    }
    static let passphrase = "a long staff passphrase"

    @Test("sign-in sets rk_session (HttpOnly, Secure, SameSite=Strict, not cached); sign-out clears it and ends the session")
    func sessionCookie() async throws {
        try await withMigratedDatabase { db in
            let secret = try await db.withStore { _, store in
                let (_, totp) = try await TestStaff.directory(store).addUser(
                    name: "wire.user", roles: [.agent], password: Self.passphrase, enrollTOTP: true, actor: "test")
                return try #require(totp).secret
            }
            try await withConversationApp(db, token: nil, bootstrapToken: OpenAPIAgreementTests.bootstrap) { app in
                let json = #"{"name":"wire.user","password":"\#(Self.passphrase)","totp":"\#(TOTPEnrollment.code(secret: secret))"}"#
                let signedIn = try await Self.call(app, .post, "/v1/session", json, [:], false)
                #expect(signedIn.status == .created, "\(signedIn)")
                #expect(signedIn.headers[.cacheControl] == "no-store")
                let setCookie = try #require(signedIn.headers[.setCookie])
                let id = try #require(setCookie.firstMatch(of: /^rk_session=([^;]+); Path=\/; Max-Age=(\d+); HttpOnly; Secure; SameSite=Strict$/))
                #expect(Int(id.2)! > 0)
                #expect(signedIn.json["user"] as? String == "wire.user" && signedIn.json["credential"] as? String == "session")
                #expect(signedIn.json["expires_at"] is String)

                let cookie: HTTPFields = [.cookie: "rk_session=\(id.1)"]
                let me = try await Self.call(app, .get, "/v1/session", nil, cookie, false)
                #expect(me.status == .ok && me.json["user"] as? String == "wire.user", "\(me)")
                #expect(me.json["expires_at"] == nil, "GET /v1/session has no expires_at: \(me)")
                let signedOut = try await Self.call(app, .delete, "/v1/session", nil, cookie, false)
                #expect(signedOut.status == .noContent, "\(signedOut)")
                #expect(signedOut.headers[.setCookie] == "rk_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
                let after = try await Self.call(app, .get, "/v1/session", nil, cookie, false)
                #expect(after.status == .unauthorized, "the session ended: \(after)")
            }
        }
    }

    @Test("an unknown role is 422 invalid_field; a path name that is not a name is 404 not_found; the one-time secrets are not cached")
    func staffChanges() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: OpenAPIAgreementTests.bootstrap) { app in
                let created = try await Self.call(app, .post, "/v1/staff/users", #"{"name":"desk","roles":["agent"],"enroll_totp":true}"#, [:], true)
                #expect(created.status == .created && created.headers[.cacheControl] == "no-store", "\(created)")
                #expect((created.json["totp_url"] as? String)?.hasPrefix("otpauth://totp/") == true, "\(created)")
                let withoutTOTP = try await Self.call(app, .post, "/v1/staff/users", #"{"name":"desk2","roles":["agent"]}"#, [:], true)
                #expect(withoutTOTP.status == .created && !withoutTOTP.body.contains("totp_url"), "no totp_url member: \(withoutTOTP)")

                for (method, uri, json) in [
                    (HTTPRequest.Method.post, "/v1/staff/users", #"{"name":"desk3","roles":["wizard"]}"#),
                    (.post, "/v1/staff/tokens", #"{"user":"desk","scopes":["wizard"]}"#),
                    (.put, "/v1/staff/users/desk/roles/wizard", nil), (.delete, "/v1/staff/users/desk/roles/wizard", nil),
                ] {
                    let answer = try await Self.call(app, method, uri, json, [:], true)
                    #expect(answer.status == .unprocessableContent && answer.json["code"] as? String == "invalid_field", "\(method) \(uri): \(answer)")
                    #expect((answer.json["detail"] as? String)?.contains("\"wizard\" is not a role") == true, "\(answer)")
                }
                for (method, uri) in [
                    (HTTPRequest.Method.put, "/v1/staff/users/Desk/roles/agent"), (.put, "/v1/staff/users/desk/teams/No%20Team"),
                    (.delete, "/v1/staff/users/-desk/teams/permits"),
                ] {
                    let answer = try await Self.call(app, method, uri, nil, [:], true)
                    #expect(answer.status == .notFound && answer.json["code"] as? String == "not_found", "\(method) \(uri): \(answer)")
                }
                let granted = try await Self.call(app, .put, "/v1/staff/users/desk/roles/auditor", nil, [:], true)
                #expect(granted.status == .ok && Set(granted.json["roles"] as? [String] ?? []) == ["agent", "auditor"], "\(granted)")
                #expect(granted.json["content_clearance"] == nil, "no clearance: no member, as before: \(granted)")

                let token = try await Self.call(app, .post, "/v1/staff/tokens", #"{"user":"desk","expires_in_seconds":3600}"#, [:], true)
                #expect(token.status == .created && token.headers[.cacheControl] == "no-store", "\(token)")
                let info = try #require(token.json["token_info"] as? [String: Any])
                #expect(info["scopes"] == nil && info["revoked_at_us"] == nil && info["expires_at_us"] as? Int != nil, "\(token)")
                let tooShort = try await Self.call(app, .post, "/v1/staff/tokens", #"{"user":"desk","expires_in_seconds":59}"#, [:], true)
                #expect(tooShort.status == .unprocessableContent && tooShort.json["code"] as? String == "invalid_field", "\(tooShort)")
                let revoked = try await Self.call(app, .delete, "/v1/staff/tokens/\(info["id"] as? String ?? "")", nil, [:], true)
                #expect(revoked.status == .ok && revoked.json["revoked_at_us"] as? Int != nil, "\(revoked)")
                let noToken = try await Self.call(app, .delete, "/v1/staff/tokens/0000000000000000", nil, [:], true)
                #expect(noToken.status == .notFound && noToken.json["code"] as? String == "not_found", "\(noToken)")
            }
        }
    }

    @Test("the read audit: a limit out of range or a cursor not its own is 400; no ledger yet is an empty page")
    func accessLog() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: OpenAPIAgreementTests.bootstrap) { app in
                // An auditor reads the access log (an admin does not).
                _ = try await Self.call(app, .post, "/v1/staff/users", #"{"name":"reader","roles":["auditor"]}"#, [:], true)
                let issued = try await Self.call(app, .post, "/v1/staff/tokens", #"{"user":"reader"}"#, [:], true)
                let auditor: HTTPFields = [.authorization: "Bearer \(try #require(issued.json["token"] as? String))"]
                for (uri, code) in [
                    ("/v1/access?limit=0", "invalid_parameter"), ("/v1/access?limit=201", "invalid_parameter"), ("/v1/access?limit=x", "invalid_parameter"),
                    ("/v1/access?since=yesterday", "invalid_parameter"), ("/v1/access?cursor=AAAA", "invalid_cursor"),
                ] {
                    let answer = try await Self.call(app, .get, uri, nil, auditor, false)
                    #expect(answer.status == .badRequest && answer.json["code"] as? String == code, "\(uri): \(answer)")
                }
                let page = try await Self.call(app, .get, "/v1/access?user=nobody&since=2026-01-01T00:00:00Z", nil, auditor, false)
                #expect(page.status == .ok, "\(page)")
                #expect(page.json["items"] as? [Any] != nil && !page.body.contains("next_cursor"), "\(page)")
            }
        }
    }
}
