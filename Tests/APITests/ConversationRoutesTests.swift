import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import Messaging
import NIOCore
import PostgresNIO
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp
import Workers

/// The conversations read API over a real database: admin-token auth, paging, filters, and
/// content decrypted from the ledger on read.
@Suite("Conversation routes", .timeLimit(.minutes(5)))
struct ConversationRoutesTests {
    typealias F = WhatsAppFixtures
    static let token = "test-admin-token-6f1c"

    @Test("every route needs a staff credential: 401 with a wrong or missing bearer, 200 with a staff token")
    func authentication() async throws {
        try await withMigratedDatabase { db in
            let routes = [
                "/v1/conversations", "/v1/conversations/\(apiID("wa/1/p:2"))",
                "/v1/conversations/\(apiID("wa/1/p:2"))/messages",
            ]
            try await withConversationApp(db, token: Self.token) { app in
                for uri in routes {
                    for header in [
                        nil, "Bearer wrong-token", "Basic \(TestStaff.resolve(Self.token))", "Bearer \(TestStaff.resolve(Self.token))x", "Bearer",
                        "Bearer rkt_unknown",
                    ] {
                        try await app.execute(uri: uri, method: .get, headers: header.map { [.authorization: $0] } ?? [:]) { response in
                            #expect(response.status == .unauthorized, "\(uri) \(header ?? "none")")
                            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                            #expect(String(buffer: response.body).contains("\"unauthorized\""))
                        }
                    }
                }
                let (status, body) = try await get(app, "/v1/conversations", token: Self.token)
                #expect(status == .ok)
                #expect((body["items"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("listing: newest activity first, paged with an opaque cursor, filtered by business number and last-message time")
    func listing() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                var events: [NewEvent] = []
                for i in 1...5 {
                    events.append(F.message("wamid.\(i)", from: FixtureCitizen(waID: "1650555000\(i)"), at: Int64(i) * 100))
                }
                events.append(F.message("wamid.other", from: FixtureCitizen(waID: "16505550009"), at: 250, number: "999000111"))
                _ = try await store.append(events, to: "main")
                try await makeRunner(store).catchUpAll()
            }
            try await withConversationApp(db, token: Self.token) { app in
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let query = "/v1/conversations?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let (status, body) = try await get(app, query, token: Self.token)
                    #expect(status == .ok)
                    let items = try #require(body["items"] as? [[String: Any]])
                    #expect(items.count <= 2)
                    seen += items.compactMap { $0["stream"] as? String }
                    cursor = body["next_cursor"] as? String
                    pages += 1
                } while cursor != nil && pages < 10
                #expect(pages == 3)
                #expect(
                    seen == [
                        "wa/\(F.phoneNumberID)/p:16505550005", "wa/\(F.phoneNumberID)/p:16505550004", "wa/\(F.phoneNumberID)/p:16505550003",
                        "wa/999000111/p:16505550009", "wa/\(F.phoneNumberID)/p:16505550002", "wa/\(F.phoneNumberID)/p:16505550001",
                    ])

                let (_, other) = try await get(app, "/v1/conversations?phone_number_id=999000111", token: Self.token)
                let otherItems = try #require(other["items"] as? [[String: Any]])
                #expect(otherItems.map { $0["stream"] as? String } == ["wa/999000111/p:16505550009"])
                #expect(otherItems.first?["message_count"] as? Int == 1)
                #expect(otherItems.first?["last_message_at"] as? String == "2025-11-01T00:04:10Z")

                let since = "2025-11-01T00:03:20Z"  // 200 s
                let until = "2025-11-01T00:06:40Z"  // 400 s
                let (_, ranged) = try await get(app, "/v1/conversations?phone_number_id=\(F.phoneNumberID)&since=\(since)&until=\(until)", token: Self.token)
                let rangedItems = try #require(ranged["items"] as? [[String: Any]])
                #expect(
                    rangedItems.compactMap { $0["stream"] as? String } == [
                        "wa/\(F.phoneNumberID)/p:16505550003", "wa/\(F.phoneNumberID)/p:16505550002",
                    ])

                for (uri, code) in [
                    ("/v1/conversations?cursor=bm90LWEtY3Vyc29y", "invalid_cursor"),
                    ("/v1/conversations?since=yesterday", "invalid_parameter"),
                    ("/v1/conversations?limit=0", "invalid_parameter"),
                    ("/v1/conversations/not%20an%20id", "invalid_conversation_id"),
                ] {
                    let (status, body) = try await get(app, uri, token: Self.token)
                    #expect(status == .badRequest, "\(uri)")
                    #expect(body["code"] as? String == code, "\(uri)")
                }
                let (missing, body) = try await get(app, "/v1/conversations/\(apiID("wa/1/p:404"))", token: Self.token)
                #expect(missing == .notFound)
                #expect(body["code"] as? String == "no_conversation")
            }
        }
    }

    @Test("a conversation and its timeline: content decrypted from the ledger, statuses, destroyed payloads shown as destroyed")
    func timeline() async throws {
        try await withMigratedDatabase { db in
            let citizen = FixtureCitizen(userID: "US.1349", waID: "16505551234")
            let stream = F.stream(citizen)
            try await db.withStore { client, store in
                _ = try await store.append(
                    [
                        // An old message, in a month whose data key retention destroys below.
                        F.message("wamid.old", from: citizen, at: -40 * 86_400, body: ["body": "an old question"]),
                        F.message("wamid.q", from: citizen, at: 100, body: ["body": "when is my permit ready?"]),
                    ] + F.sent("wamid.a", to: citizen, at: 200, text: "tomorrow") + [
                        F.status("read", of: "wamid.a", to: citizen, at: 260),
                        F.status("delivered", of: "wamid.a", to: citizen, at: 230),
                        F.message("wamid.t", from: citizen, at: 300, body: ["body": "thanks"]),
                    ], to: "main")
                let key = try #require(
                    try await client.query(
                        "SELECT id FROM data_keys WHERE stream = \(stream) AND period = '2025-09'", logger: testLogger
                    ).collect().first?.decode(Int64.self))
                let destruction = try await store.append(
                    NewEvent(
                        stream: "retention", eventType: "record.destroyed", actor: "records-officer",
                        header: #"{"data_key_ids":[\#(key)]}"#, payload: []), to: "main")
                _ = try await client.query("SELECT rk_destroy_data_key(\(key), \(destruction.position))", logger: testLogger).collect()
                try await makeRunner(store).catchUpAll()
            }
            try await withConversationApp(db, token: Self.token) { app in
                let id = apiID(stream)
                let (status, conversation) = try await get(app, "/v1/conversations/\(id)", token: Self.token)
                #expect(status == .ok)
                #expect(conversation["id"] as? String == id)
                #expect(conversation["stream"] as? String == stream)
                #expect(conversation["user_id"] as? String == "US.1349")
                #expect(conversation["wa_id"] as? String == "16505551234")
                #expect(conversation["profile_name"] as? String == "Sheena Nelson")
                #expect(conversation["message_count"] as? Int == 4)
                #expect(conversation["last_inbound_at"] as? String == "2025-11-01T00:05:00Z")
                #expect(conversation["streams"] as? [String] == [stream])

                var items: [[String: Any]] = []
                var cursor: String?
                repeat {
                    let uri = "/v1/conversations/\(id)/messages?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let (status, page) = try await get(app, uri, token: Self.token)
                    #expect(status == .ok)
                    items += try #require(page["items"] as? [[String: Any]])
                    cursor = page["next_cursor"] as? String
                } while cursor != nil && items.count < 20
                #expect(items.compactMap { $0["message_id"] as? String } == ["wamid.old", "wamid.q", "wamid.a", "wamid.t"])

                let old = try #require(items.first?["content"] as? [String: Any])
                #expect(old["state"] as? String == "destroyed")
                #expect(old["destroyed_by"] as? Int != nil)
                #expect(old["message"] == nil)

                let question = try #require(items[1]["content"] as? [String: Any])
                #expect(question["state"] as? String == "available")
                let message = try #require(question["message"] as? [String: Any])
                #expect((message["text"] as? [String: Any])?["body"] as? String == "when is my permit ready?")
                #expect(message["from_user_id"] as? String == "US.1349")
                #expect((question["profile"] as? [String: Any])?["name"] as? String == "Sheena Nelson")
                #expect(items[1]["direction"] as? String == "inbound")
                #expect(items[1]["occurred_at"] as? String == "2025-11-01T00:01:40Z")

                let answer = items[2]
                #expect(answer["direction"] as? String == "outbound")
                #expect(answer["status"] as? String == "read")
                #expect(answer["status_at"] as? String == "2025-11-01T00:04:20Z")
                #expect(((answer["content"] as? [String: Any])?["message"] as? [String: Any])?["text"] as? [String: String] == ["body": "tomorrow"])
            }
        }
    }

    @Test("the service's own projection runner fills the API after an append")
    func liveProjection() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, runProjections: true) { app in
                try await db.withStore { _, store in
                    _ = try await store.append(F.message("wamid.live", from: FixtureCitizen(waID: "1"), at: 1), to: "main")
                }
                var count = 0
                try await eventually("the live projection did not list the conversation") {
                    let (_, body) = try await get(app, "/v1/conversations", token: Self.token)
                    count = (body["items"] as? [Any])?.count ?? 0
                    return count != 0
                }
                #expect(count == 1)
            }
        }
    }

    @Test("docs/api.md documents every conversation route and error code")
    func documented() throws {
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/api.md"), encoding: .utf8)
        for needle in [
            "GET /v1/conversations", "/v1/conversations/{id}", "/v1/conversations/{id}/messages", "RECORDKEEPER_ADMIN_TOKEN",
            "docs/access.md", "unauthorized", "invalid_cursor", "no_conversation", "invalid_conversation_id", "destroyed",
        ] {
            #expect(text.contains(needle), "docs/api.md does not mention \(needle)")
        }
    }
}

/// GETs `uri` with the bearer token; the status and the JSON object body.
func get(_ app: any TestClientProtocol, _ uri: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
    try await app.execute(uri: uri, method: .get, headers: [.authorization: TestStaff.header(token)]) { response in
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
        return (response.status, object ?? [:])
    }
}
