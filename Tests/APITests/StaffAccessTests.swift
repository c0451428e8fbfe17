import Access
import Classification
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// Staff accounts as a user meets them: signing in with a second factor, tokens that expire and
/// are revoked, masked content by clearance, and the read audit an auditor lists.
@Suite("Staff access", .timeLimit(.minutes(5)))
struct StaffAccessTests {
    typealias F = WhatsAppFixtures
    static let bootstrap = "staff-access-bootstrap-91ab"
    static let citizen = FixtureCitizen(waID: "16505550142")
    static let ssnText = "Hello, my SSN is 219-09-9999 for the benefits form"

    // MARK: Sign-in

    @Test("sign-in: password and TOTP; a code works once; failures are recorded and lock the account; sign-out ends the session")
    func signIn() async throws {
        try await withMigratedDatabase { db in
            let secret = try await db.withStore { _, store in
                let directory = TestStaff.directory(store)
                let (user, totp) = try await directory.addUser(
                    name: "alex.kim", roles: [.agent], teams: ["benefits"], password: "correct horse battery", enrollTOTP: true, actor: "test")
                #expect(user.hasPassword && user.hasTOTP)
                _ = try await directory.addUser(name: "no.mfa", roles: [.agent], password: "another long passphrase", actor: "test")
                let enrollment = try #require(totp)
                #expect(enrollment.url.hasPrefix("otpauth://totp/"))
                return enrollment.secret
            }
            try await withConversationApp(db, token: nil) { app in
                // The password alone: the second factor is asked for.
                var (status, body, _) = try await Self.signIn(app, name: "alex.kim", password: "correct horse battery", totp: nil)
                #expect(status == .unauthorized && body["code"] as? String == "totp_required")
                // A wrong code, a wrong password, an unknown name: refused alike, recorded.
                (status, body, _) = try await Self.signIn(app, name: "alex.kim", password: "correct horse battery", totp: "000000")
                #expect(status == .unauthorized && body["code"] as? String == "invalid_totp")
                (status, body, _) = try await Self.signIn(app, name: "alex.kim", password: "wrong horse battery", totp: nil)
                #expect(status == .unauthorized && body["code"] as? String == "invalid_credentials")
                (status, body, _) = try await Self.signIn(app, name: "nobody", password: "wrong horse battery", totp: nil)
                #expect(status == .unauthorized && body["code"] as? String == "invalid_credentials")
                // An account without a second factor cannot sign in (RECORDKEEPER_REQUIRE_MFA defaults on).
                (status, body, _) = try await Self.signIn(app, name: "no.mfa", password: "another long passphrase", totp: nil)
                #expect(status == .forbidden && body["code"] as? String == "mfa_not_enrolled")

                // The right code: a session cookie, HttpOnly, Secure, SameSite=Strict.
                let code = TOTPEnrollment.code(secret: secret)
                let (signedIn, session, cookie) = try await Self.signIn(app, name: "alex.kim", password: "correct horse battery", totp: code)
                #expect(signedIn == .created)
                #expect(session["roles"] as? [String] == ["agent"])
                let setCookie = try #require(cookie)
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Strict"))
                let sessionCookie = String(setCookie.split(separator: ";")[0])
                // The same code again: refused (a code is good once).
                (status, body, _) = try await Self.signIn(app, name: "alex.kim", password: "correct horse battery", totp: code)
                #expect(status == .unauthorized && body["code"] as? String == "invalid_totp")

                // The session works; an unsafe method without X-Requested-With does not.
                let me = try await app.execute(uri: "/v1/session", method: .get, headers: [.cookie: sessionCookie]) { $0.status }
                #expect(me == .ok)
                let forged = try await app.execute(uri: "/v1/session", method: .delete, headers: [.cookie: sessionCookie]) { $0.status }
                #expect(forged == .forbidden)
                let signOut = try await app.execute(
                    uri: "/v1/session", method: .delete, headers: [.cookie: sessionCookie, AccessControlMiddleware.csrfHeader: "fetch"]
                ) { $0.status }
                #expect(signOut == .noContent)
                let after = try await app.execute(uri: "/v1/session", method: .get, headers: [.cookie: sessionCookie]) { $0.status }
                #expect(after == .unauthorized)

                // Five failures within 15 minutes lock the name, even for the right password.
                for _ in 0..<5 { _ = try await Self.signIn(app, name: "no.mfa", password: "not the passphrase", totp: nil) }
                (status, body, _) = try await Self.signIn(app, name: "no.mfa", password: "another long passphrase", totp: nil)
                #expect(status == .tooManyRequests && body["code"] as? String == "locked_out")
            }
            // Every failure is on the record with its reason, never the password.
            let failures = try await Self.headers(db, type: StaffEvents.loginFailed)
            let reasons = failures.compactMap { $0.text("reason") }
            for reason in ["wrong_totp", "wrong_password", "unknown_user", "mfa_not_enrolled", "locked_out"] {
                #expect(reasons.contains(reason), "no staff.login.failed with reason \(reason): \(reasons)")
            }
            #expect(try await Self.headers(db, type: StaffEvents.loginSucceeded).count == 1)
            #expect(try await Self.headers(db, type: StaffEvents.sessionEnded).count == 1)
            let everything = try await Self.allHeadersAndPayloads(db)
            #expect(!everything.contains("correct horse battery") && !everything.contains("another long passphrase"))
        }
    }

    // MARK: Tokens

    @Test("API tokens: scoped to the user's roles, refused once expired or revoked (at the next request), never stored in clear")
    func tokens() async throws {
        try await withMigratedDatabase { db in
            let (scoped, shortLived, revoked, tokenID) = try await db.withStore { _, store in
                let directory = TestStaff.directory(store)
                _ = try await directory.addUser(name: "sam.lee", roles: [.supervisor, .auditor], actor: "test")
                let scoped = try await directory.issueToken(user: "sam.lee", scopes: [.auditor], actor: "test")
                let shortLived = try await directory.issueToken(user: "sam.lee", expiresIn: .seconds(2), actor: "test")
                let revoked = try await directory.issueToken(user: "sam.lee", actor: "test")
                await #expect(throws: StaffError.scopeNotHeld(.admin)) {
                    _ = try await directory.issueToken(user: "sam.lee", scopes: [.admin], actor: "test")
                }
                return (scoped.token, shortLived.token, revoked.token, revoked.info.id)
            }
            try await withConversationApp(db, token: nil, bootstrapToken: Self.bootstrap) { app in
                // The auditor-scoped token reads the access log but not conversations (a supervisor's power).
                #expect(try await Self.status(app, "/v1/access", token: scoped) == .ok)
                #expect(try await Self.status(app, "/v1/conversations", token: scoped) == .forbidden)
                #expect(try await Self.status(app, "/v1/conversations", token: revoked) == .ok)
                #expect(try await Self.status(app, "/v1/conversations", token: shortLived) == .ok)

                // Revoked through the API by an admin: refused from the next request.
                let revocation = try await app.execute(
                    uri: "/v1/staff/tokens/\(tokenID)", method: .delete, headers: [.authorization: "Bearer \(Self.bootstrap)"]
                ) { $0.status }
                #expect(revocation == .ok)
                #expect(try await Self.status(app, "/v1/conversations", token: revoked) == .unauthorized)

                try await Task.sleep(for: .seconds(2.5))
                #expect(try await Self.status(app, "/v1/conversations", token: shortLived) == .unauthorized)
            }
            let issued = try await Self.headers(db, type: StaffEvents.tokenIssued)
            #expect(issued.count == 3)
            #expect(try await Self.headers(db, type: StaffEvents.tokenRevoked).first?.text("token_id") == tokenID)
            let everything = try await Self.allHeadersAndPayloads(db)
            for token in [scoped, shortLived, revoked] { #expect(!everything.contains(token)) }
            // The bootstrap token's use is on the record.
            let uses = try await Self.headers(db, type: AccessEvents.viewed).filter { $0.text("credential") == "bootstrap" }
            #expect(uses.contains { $0.text("route") == "DELETE /v1/staff/tokens/{token_id}" })
        }
    }

    // MARK: Masking and the read audit

    @Test(
        "an SSN is category 3 with its reason; shown to a records officer, masked for a reader without clearance, withheld from an auditor; every view listed for the auditor"
    )
    func maskingAndReadAudit() async throws {
        try await withMigratedDatabase { db in
            let (tokens, position, otherTeam) = try await db.withStore { _, store in
                let receipt = try await store.append(
                    F.message("wamid.ssn-1", from: Self.citizen, at: 100, body: ["body": Self.ssnText]), to: "main")
                // The classifier's decision, as the classifier service records it.
                let decision = SensitiveDataClassifier.classify(Self.ssnText)
                #expect(decision.category == .confidential)
                _ = try await store.append(
                    try ClassificationEvents.classified(
                        decision, stream: F.stream(Self.citizen), targetPosition: receipt.position), to: "main")
                try await makeRunner(store).catchUpAll()
                var tokens: [StaffRole: String] = [:]
                for role in [StaffRole.recordsOfficer, .auditor, .supervisor] {
                    tokens[role] = try await TestStaff.token(store, name: role.rawValue.replacingOccurrences(of: "_", with: "-"), roles: [role])
                }
                // Agents of the team the router gives new conversations to (`general`), and of another.
                tokens[.agent] = try await TestStaff.token(store, name: "agent-general", roles: [.agent], teams: ["general"])
                let otherTeam = try await TestStaff.token(store, name: "agent-permits", roles: [.agent], teams: ["permits"])
                return (tokens, receipt.position, otherTeam)
            }
            // The service's projections run: staff changes and accesses reach the API from the ledger.
            try await withConversationApp(db, token: nil, runProjections: true, bootstrapToken: Self.bootstrap) { app in
                let list = try await get(app, "/v1/conversations", token: tokens[.recordsOfficer]!)
                let conversation = try #require((list.1["items"] as? [[String: Any]])?.first)
                #expect(conversation["category"] as? Int == 3, "a conversation takes its highest message's category")
                let id = try #require(conversation["id"] as? String)
                let timeline = "/v1/conversations/\(id)/messages"

                // The records officer (clearance 4) sees the number, with the category and its reason.
                let officer = try await Self.firstItem(app, timeline, headers: [.authorization: "Bearer \(tokens[.recordsOfficer]!)"])
                #expect(officer["category"] as? Int == 3)
                #expect(officer["classification_reasons"] as? [String] == ["ssn"])
                #expect(officer["masked"] as? Bool == false)
                #expect(Self.text(officer) == Self.ssnText)

                // The agent of the conversation's team (clearance 2) sees it masked once the router routed it;
                // an agent of another team does not see the conversation at all.
                var agentView: [String: Any] = [:]
                try await eventually("the agent cannot read the timeline") {
                    let status = try await Self.status(app, timeline, token: tokens[.agent]!)
                    if status == .ok { agentView = try await Self.firstItem(app, timeline, headers: [.authorization: "Bearer \(tokens[.agent]!)"]) }
                    return status == .ok
                }
                #expect(agentView["masked"] as? Bool == true)
                #expect(Self.text(agentView).map { !$0.contains("219-09-9999") && $0.contains("•••-••-9999") } == true)
                #expect(try await Self.status(app, timeline, token: otherTeam) == .notFound)
                let (_, otherList) = try await get(app, "/v1/conversations", token: otherTeam)
                #expect((otherList["items"] as? [Any])?.isEmpty == true, "another team's agent lists nothing")

                // An admin with a stated reason (break-glass, clearance 2): masked, last four shown.
                let admin = try await Self.firstItem(
                    app, timeline, headers: [.authorization: "Bearer \(Self.bootstrap)", AccessControlMiddleware.reasonHeader: "records request 2026-114"])
                #expect(admin["masked"] as? Bool == true)
                let masked = try #require(Self.text(admin))
                #expect(!masked.contains("219-09-9999") && masked.contains("9999") && masked.contains("benefits form"))
                // Without a reason the admin is refused.
                let noReason = try await app.execute(uri: timeline, method: .get, headers: [.authorization: "Bearer \(Self.bootstrap)"]) { $0.status }
                #expect(noReason == .forbidden)

                // The auditor has no content clearance: refused, and the attempt recorded.
                #expect(try await Self.status(app, timeline, token: tokens[.auditor]!) == .forbidden)

                // Staff raise it to 4 with a reason: the admin's view is then withheld.
                let raised = try await app.execute(
                    uri: "/v1/conversations/\(id)/messages/\(position)/classification", method: .put,
                    headers: [.authorization: "Bearer \(tokens[.supervisor]!)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"category":4,"reason":"medical context in the thread"}"#)
                ) { response in
                    (response.status, try JSONValue.parse(Array(response.body.readableBytesView)))
                }
                #expect(raised.0 == .ok && raised.1["previous_category"]?.integer == 3)
                try await eventually("the classifier did not decide category 4") {
                    try await Self.firstItem(app, timeline, headers: [.authorization: "Bearer \(tokens[.recordsOfficer]!)"])["category"] as? Int == 4
                }
                let withheld = try await Self.firstItem(
                    app, timeline, headers: [.authorization: "Bearer \(Self.bootstrap)", AccessControlMiddleware.reasonHeader: "follow-up"])
                #expect((withheld["content"] as? [String: Any])?["state"] as? String == "withheld")

                // The auditor lists who saw the conversation, once the access log has caught up with the last
                // view above (the admin's withheld "follow-up" view). Refusals are listed too, so a count alone
                // would not show that the log caught up.
                var entries: [[String: Any]] = []
                try await eventually("the read with reason follow-up is not in the access log") {
                    let (_, body) = try await get(app, "/v1/access?record=conversation:\(id)", token: tokens[.auditor]!)
                    entries = body["items"] as? [[String: Any]] ?? []
                    return entries.contains { $0["reason"] as? String == "follow-up" }
                }
                let viewers = Set(entries.compactMap { $0["user"] as? String })
                #expect(viewers.isSuperset(of: ["records-officer", "bootstrap-admin", "agent-general"]))
                let breakGlass = entries.filter { $0["break_glass"] as? Bool == true }
                #expect(
                    breakGlass.contains { $0["reason"] as? String == "records request 2026-114" && ($0["masked"] as? [Int])?.contains(Int(position)) == true })
                let (_, byUser) = try await get(app, "/v1/access?user=auditor", token: tokens[.auditor]!)
                let denied = (byUser["items"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "denied" }
                #expect(denied.contains { $0["route"] as? String == "GET /v1/conversations/{id}/messages" })
            }
        }
    }

    // MARK: Helpers

    static func signIn(
        _ app: any TestClientProtocol, name: String, password: String, totp: String?
    ) async throws -> (HTTPResponse.Status, [String: Any], String?) {
        var body: [String: Any] = ["name": name, "password": password]
        if let totp { body["totp"] = totp }
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await app.execute(
            uri: "/v1/session", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: Array(data))
        ) { response in
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            return (response.status, object ?? [:], response.headers[.setCookie])
        }
    }

    static func status(_ app: any TestClientProtocol, _ uri: String, token: String) async throws -> HTTPResponse.Status {
        try await app.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { $0.status }
    }

    static func firstItem(_ app: any TestClientProtocol, _ uri: String, headers: HTTPFields) async throws -> [String: Any] {
        try await app.execute(uri: uri, method: .get, headers: headers) { response in
            #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            return (object?["items"] as? [[String: Any]])?.first ?? [:]
        }
    }

    /// The text body of a timeline item's content.
    static func text(_ item: [String: Any]) -> String? {
        (((item["content"] as? [String: Any])?["message"] as? [String: Any])?["text"] as? [String: Any])?["body"] as? String
    }

    /// The headers of every entry of `type` in ledger `main`, in order.
    static func headers(_ db: ScratchDatabase, type: String) async throws -> [JSONValue] {
        try await db.withStore { client, _ in
            let rows = try await client.query(
                "SELECT header FROM ledger_entries WHERE event_type = \(type) ORDER BY position", logger: testLogger)
            var headers: [JSONValue] = []
            for try await header in rows.decode(String.self) { headers.append(try JSONValue.parse(Array(header.utf8))) }
            return headers
        }
    }

    /// Every header and every decrypted payload of ledger `main`, as one text.
    static func allHeadersAndPayloads(_ db: ScratchDatabase) async throws -> String {
        try await db.withStore { client, store in
            var text = ""
            for try await record in store.records(ledger: "main", from: 1, through: Int64.max, pageSize: 500) {
                text += record.entry.fields.header + "\n"
                if case .bytes(let bytes) = record.payload { text += String(decoding: bytes, as: UTF8.self) + "\n" }
            }
            return text
        }
    }
}
