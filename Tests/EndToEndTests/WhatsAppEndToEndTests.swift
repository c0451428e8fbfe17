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
import TestGraphServer
import TestSupport
import Testing
import WhatsApp
import Workers

/// The acceptance path of WhatsApp ingest, through the real application on loopback: a signed
/// delivery → its events → the conversations API shows them; media fetched from a (fake) Graph
/// API, checked against Meta's hash and served decrypted; rebuilt projections equal live ones.
@Suite("WhatsApp end to end", .timeLimit(.minutes(5)))
struct WhatsAppEndToEndTests {
    static let token = "e2e-admin-token-4b9d"

    @Test("every message type of the reference: delivered → one event → shown by the API with its content and envelope")
    func everyTypeThroughTheAPI() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, setup: .live) { app in
                var expected: [String: (message: JSONValue, phone: String?, display: String?, profile: JSONValue?)] = [:]
                for name in try WebhookDeliveries.fixtureNames() {
                    let body = try WebhookDeliveries.fixture(name)
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                    guard let root = try? JSONValue.parse(body) else { continue }
                    for entry in root["entry"]?.array ?? [] {
                        for change in entry["changes"]?.array ?? [] {
                            let value = change["value"]
                            for message in value?["messages"]?.array ?? [] {
                                let contact =
                                    value?["contacts"]?.array?.first { $0.text("wa_id") == message.text("from") }
                                    ?? value?["contacts"]?.array?.first { $0.text("user_id") == message.text("from_user_id") }
                                expected[message.text("id") ?? ""] = (
                                    message, value?["metadata"]?.text("phone_number_id"), value?["metadata"]?.text("display_phone_number"),
                                    contact?["profile"]
                                )
                            }
                        }
                    }
                }
                #expect(expected.count == 28)
                let shown = try await waitForTimeline(app, containing: Set(expected.keys))
                for (id, want) in expected {
                    guard let item = shown[id] else {
                        Issue.record("\(id) is not shown by the API")
                        continue
                    }
                    #expect(item.item["direction"] == .string("inbound"))
                    #expect(item.item["content"]?.text("state") == "available", "\(id)")
                    #expect(item.item["content"]?["message"] == want.message, "\(id): the API shows another message than was delivered")
                    #expect(item.conversation.text("phone_number_id") == want.phone)
                    #expect(item.conversation.text("display_phone_number") == want.display)
                    if let profile = want.profile {
                        #expect(item.item["content"]?["profile"] == profile, "\(id): the sender's profile")
                    }
                }
            }
        }
    }

    @Test("media: fetched from the Graph API, checked against Meta's hash, served decrypted; a missing one is unavailable")
    func media() async throws {
        try await TestGraphServer.with { graph in
            let original = Array((0..<20_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
            let image = await graph.register(bytes: original, mimeType: "image/png")
            let gone = await graph.register(bytes: [1, 2, 3], mimeType: "image/jpeg", behaviour: .notFound)
            let graphConfiguration = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken)
            try await withMigratedDatabase { db in
                try await withConversationApp(
                    db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, media: graphConfiguration, setup: .live
                ) { app in
                    for (index, media) in [image, gone].enumerated() {
                        let body = WebhookDeliveries.imageDelivery(
                            wamid: "wamid.media-\(index)", mediaID: media.id, url: media.url, sha256: media.sha256Base64, mimeType: media.mimeType)
                        try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                    }
                    let served = try await waitForMedia(app, id: image.id)
                    #expect(served.status == .ok)
                    let same = served.body == original
                    #expect(same, "the bytes served (\(served.body.count) B) are the bytes Meta had (\(original.count) B)")
                    #expect(served.headers[.contentType] == "image/png")
                    #expect(served.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(served.headers[.contentDisposition]?.hasPrefix("attachment") == true)

                    let missing = try await waitForMedia(app, id: gone.id)
                    #expect(missing.status == .notFound)
                    #expect(String(decoding: missing.body, as: UTF8.self).contains("not_found"))

                    try await app.execute(uri: "/v1/media/\(image.id)", method: .get) { #expect($0.status == .unauthorized) }
                }
                // In the ledger: the stored bytes are encrypted like every payload, and the chain verifies.
                try await db.withStore { client, store in
                    let rows = try await client.query(
                        "SELECT count(*) FROM ledger_payloads WHERE position(\(ByteBuffer(bytes: original.prefix(64))) in sealed) > 0",
                        logger: ScratchDatabase.logger
                    ).collect()
                    #expect(try rows.first?.decode(Int64.self) == 0, "no payload holds the media bytes in clear")
                    let report = try await store.verify(ledger: "main")
                    #expect(report.failure == nil)
                }
            }
        }
    }

    @Test("rebuilt projections show exactly what the live ones showed")
    func rebuildEqualsLive() async throws {
        try await withMigratedDatabase { db in
            let ids: Set<String> = try await withConversationApp(
                db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, setup: .live
            ) { app in
                for name in ["text", "image", "text_bsuid_and_phone", "batched", "status_sent", "status_read", "edit", "revoke"] {
                    let body = try WebhookDeliveries.fixture(name)
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                }
                let ids: Set<String> = ["wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFFRkY20", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFFRkY32"]
                _ = try await waitForTimeline(app, containing: ids)
                return ids
            }
            let live = try await withConversationApp(db, token: Self.token) { app in try await snapshot(app) }
            try await db.withStore { _, store in
                let runner = makeRunner(store)
                for projection in WorkerSet.projections {
                    _ = try await runner.rebuild(projection, ledger: "main")
                }
            }
            let rebuilt = try await withConversationApp(db, token: Self.token) { app in try await snapshot(app) }
            #expect(!live.isEmpty)
            #expect(rebuilt == live)
            #expect(ids.allSatisfy { id in rebuilt.contains { $0.contains(id) } })
        }
    }

    // MARK: Reading the API

    /// Every conversation and its whole timeline, as the API shows them, as sorted JSON texts.
    func snapshot(_ app: any TestClientProtocol) async throws -> [String] {
        var texts: [String] = []
        for conversation in try await getJSON(app, "/v1/conversations?limit=200")["items"]?.array ?? [] {
            texts.append(String(decoding: try conversation.encoded(), as: UTF8.self))
            let id = try #require(conversation.text("id"))
            let timeline = try await getJSON(app, "/v1/conversations/\(id)/messages?limit=200")
            texts.append(String(decoding: try timeline.encoded(), as: UTF8.self))
        }
        return texts.sorted()
    }

    /// Polls the API until every id in `ids` is in some conversation's timeline; returns each
    /// shown message with its conversation.
    func waitForTimeline(_ app: any TestClientProtocol, containing ids: Set<String>) async throws -> [String: (item: JSONValue, conversation: JSONValue)] {
        var shown: [String: (item: JSONValue, conversation: JSONValue)] = [:]
        try await eventually("not every delivered message reached a timeline", interval: .milliseconds(200)) {
            shown = [:]
            for conversation in try await getJSON(app, "/v1/conversations?limit=200")["items"]?.array ?? [] {
                let id = try #require(conversation.text("id"))
                for item in try await getJSON(app, "/v1/conversations/\(id)/messages?limit=200")["items"]?.array ?? [] {
                    if let messageID = item.text("message_id") { shown[messageID] = (item, conversation) }
                }
            }
            return ids.isSubset(of: Set(shown.keys))
        }
        return shown
    }

    struct Served: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: [UInt8]
    }

    /// Polls `GET /v1/media/{id}` until it is no longer pending (or not yet known: the
    /// projections catch up moments after the delivery's commit).
    func waitForMedia(_ app: any TestClientProtocol, id: String) async throws -> Served {
        var served = Served(status: .notFound, headers: [:], body: [])
        try await eventually("media \(id) stayed pending", timeout: .seconds(90), interval: .milliseconds(250)) {
            served = try await app.execute(uri: "/v1/media/\(id)", method: .get, headers: [.authorization: TestStaff.header(Self.token)]) { response in
                Served(status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
            }
            let text = String(decoding: served.body.prefix(2000), as: UTF8.self)
            return !(served.status == .notFound && (text.contains("media_pending") || text.contains("no_media")))
        }
        return served
    }

    func getJSON(_ app: any TestClientProtocol, _ uri: String) async throws -> JSONValue {
        try await app.execute(uri: uri, method: .get, headers: [.authorization: TestStaff.header(Self.token)]) { response in
            #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            return try JSONValue.parse(Array(response.body.readableBytesView))
        }
    }
}
