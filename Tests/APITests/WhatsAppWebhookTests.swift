import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// `GET/POST /webhooks/whatsapp` over real HTTP on loopback and a real database: the handshake,
/// authentication, every item recorded once before 200, nothing authentic lost.
@Suite("WhatsApp webhook", .timeLimit(.minutes(5)))
struct WhatsAppWebhookTests {
    static let masterKey = MasterKey.generate()

    /// A scratch database, migrated, and the real application over it with the webhook configured.
    func withWebhookServer(_ body: @escaping @Sendable (any TestClientProtocol, ScratchDatabase) async throws -> Void) async throws {
        let migrations = try ScratchDatabase.migrations()
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            try await withRecordkeeperApp(
                databaseURL: database.serviceURL, migrations: migrations, masterKey: Self.masterKey,
                whatsApp: WebhookDeliveries.settings, setup: .live
            ) { client in
                try await body(client, database)
            }
        }
    }

    @Test("the subscription handshake answers the challenge only with the right token")
    func handshake() async throws {
        try await withWebhookServer { client, _ in
            let good = "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=\(WebhookDeliveries.verifyToken)&hub.challenge=1158201444"
            try await client.execute(uri: good, method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "1158201444")
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
            for bad in [
                "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
                "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=\(WebhookDeliveries.verifyToken)&hub.challenge=1",
                "/webhooks/whatsapp?hub.challenge=1",
            ] {
                try await client.execute(uri: bad, method: .get) { response in
                    #expect(response.status == .forbidden, "\(bad)")
                    #expect(String(buffer: response.body) != "1")
                }
            }
        }
    }

    @Test("every fixture is recorded as its events; the message comes back with its content and envelope")
    func everyTypeRoundTrips() async throws {
        try await withWebhookServer { client, database in
            let names = try WebhookDeliveries.fixtureNames()
            for name in names {
                let body = try WebhookDeliveries.fixture(name)
                try await client.deliver(body, signature: WebhookDeliveries.signature(body)) { response in
                    #expect(response.status == .ok, "\(name): \(String(buffer: response.body))")
                }
            }
            let records = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            let messages = records.filter { $0.entry.fields.eventType == "whatsapp.message.received" }
            // Each message fixture's wamid is recorded exactly once, with its message object whole.
            for name in names {
                guard let root = try? JSONValue.parse(try WebhookDeliveries.fixture(name)) else { continue }  // truncated.json
                for entry in root["entry"]?.array ?? [] {
                    for change in entry["changes"]?.array ?? [] {
                        for message in change["value"]?["messages"]?.array ?? [] {
                            let id = try #require(message.text("id"))
                            let matches = messages.filter { $0.entry.fields.dedupeKey == "wa:msg:\(id)" }
                            #expect(matches.count == 1, "\(name): \(id) recorded \(matches.count) times")
                            guard let record = matches.first else { continue }
                            let payload = try record.payloadJSON()
                            #expect(payload["message"] == message, "\(name): the archived message differs from the delivered one")
                            #expect(payload["envelope"]?.text("phone_number_id") == change["value"]?["metadata"]?.text("phone_number_id"))
                            #expect(payload["envelope"]?.text("waba_id") == entry.text("id"))
                            #expect(try record.headerJSON().text("message_type") == message.text("type"))
                            #expect(record.entry.fields.stream.hasPrefix("wa/\(change["value"]?["metadata"]?.text("phone_number_id") ?? "")/"))
                        }
                    }
                }
            }
            let byType = Dictionary(grouping: records, by: \.entry.fields.eventType).mapValues(\.count)
            #expect(byType["whatsapp.status.updated"] == 6, "5 status fixtures + 1 in the batch: \(byType)")
            #expect(byType["whatsapp.error.received"] == 1)
            #expect(byType["whatsapp.notification.received"] == 1)
            #expect(byType["whatsapp.webhook.unparsed"] == 2, "the truncated body and the unknown field: \(byType)")
            // Headers never hold message content.
            for record in records where record.entry.fields.eventType == "whatsapp.message.received" {
                #expect(!record.entry.fields.header.contains("permit office"))
            }
            // The streams follow the contract: BSUID first, phone number otherwise.
            let streams = Set(messages.map(\.entry.fields.stream))
            #expect(streams.contains("wa/106540352242922/p:16505551234"))
            #expect(streams.contains("wa/106540352242922/u:US.13491208655302741918"))
            #expect(streams.contains("wa/106540352242922/u:US.99990000111122223333"))
            #expect(streams.contains("wa/106540352242923/p:16505553333"))
        }
    }

    @Test("re-delivering, in any batching, adds no message or status event")
    func redelivery() async throws {
        try await withWebhookServer { client, database in
            let names = try WebhookDeliveries.fixtureNames()
            func deliverAll() async throws {
                for name in names {
                    let body = try WebhookDeliveries.fixture(name)
                    try await client.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                }
            }
            try await deliverAll()
            let first = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            try await deliverAll()
            // The batched delivery's items again, one delivery each (a different body, the same items).
            let batched = try JSONValue.parse(try WebhookDeliveries.fixture("batched"))
            for entry in batched["entry"]?.array ?? [] {
                for change in entry["changes"]?.array ?? [] {
                    let single: JSONValue = .object([
                        "object": .string("whatsapp_business_account"), "entry": .array([.object(["id": entry["id"] ?? .null, "changes": .array([change])])]),
                    ])
                    let body = try single.encoded()
                    try await client.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                }
            }
            let second = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            func count(_ records: [LedgerRecord], _ type: String) -> Int { records.filter { $0.entry.fields.eventType == type }.count }
            #expect(count(second, "whatsapp.message.received") == count(first, "whatsapp.message.received"))
            #expect(count(second, "whatsapp.status.updated") == count(first, "whatsapp.status.updated"))
            #expect(second.count == first.count, "an identical redelivery adds nothing at all")
        }
    }

    @Test("a forged or unsigned delivery is answered 401 and recorded as rejected, without its body")
    func rejected() async throws {
        try await withWebhookServer { client, database in
            let body = WebhookDeliveries.textDelivery(wamid: "wamid.forged-1", text: "forged secret text")
            try await client.deliver(body, signature: WebhookDeliveries.signature(body, secret: "not-the-secret")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.deliver(body, signature: nil) { #expect($0.status == .unauthorized) }
            try await client.deliver(body, signature: "sha256=zz") { #expect($0.status == .unauthorized) }
            // Signed over other bytes (a body altered in transit).
            var altered = body
            altered[altered.count - 10] = UInt8(ascii: "X")
            try await client.deliver(altered, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .unauthorized) }

            let records = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            #expect(!records.contains { $0.entry.fields.eventType == "whatsapp.message.received" }, "nothing unauthenticated is recorded as a message")
            let rejected = records.filter { $0.entry.fields.eventType == "whatsapp.webhook.rejected" }
            #expect(rejected.count == 4)
            let reasons = Set(try rejected.map { try $0.headerJSON().text("reason") ?? "" })
            #expect(reasons == ["signature_mismatch", "missing_signature", "malformed_signature"])
            for record in rejected {
                let payload = try record.payloadJSON()
                #expect(payload.text("body_sha256")?.count == 64)
                #expect(payload["body_size"]?.integer == Int64(body.count))
                #expect(payload.text("remote_address") == "127.0.0.1")
                #expect(!String(decoding: try record.payloadBytes(), as: UTF8.self).contains("forged secret text"), "the body is never kept")
                #expect(record.entry.fields.actor == "whatsapp:unauthenticated")
            }
        }
    }

    @Test("an authentic delivery that cannot be parsed is answered 200 and archived byte for byte")
    func unparsed() async throws {
        try await withWebhookServer { client, database in
            let truncated = try WebhookDeliveries.fixture("truncated")
            let notADelivery = Array(#"{"hello":"world"}"#.utf8)
            let binary: [UInt8] = [0xff, 0x00, 0x7b, 0x22]
            for body in [truncated, notADelivery, binary] {
                // Signed with the second app's secret: several apps are accepted.
                try await client.deliver(body, signature: WebhookDeliveries.signature(body, secret: "another-secret")) { response in
                    #expect(response.status == .ok)
                }
            }
            let records = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            let unparsed = records.filter { $0.entry.fields.eventType == "whatsapp.webhook.unparsed" }
            #expect(try unparsed.map { try $0.payloadBytes() } == [truncated, notADelivery, binary])
            for record in unparsed {
                #expect(try record.headerJSON().text("review") == "pending")
                #expect(record.entry.fields.actor == "whatsapp:second-app")
            }
        }
    }

    @Test("a body over Meta's maximum is answered 413 and nothing is recorded")
    func tooLarge() async throws {
        try await withWebhookServer { client, database in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: WebhookDeliveries.settings.maxBodyBytes + 1)
            try await client.deliver(body, signature: WebhookDeliveries.signature(body)) { response in
                #expect(response.status == .contentTooLarge)
            }
            #expect(try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey).isEmpty)
        }
    }

    @Test("concurrent deliveries with duplicates: each message once, the ledger verifies")
    func concurrent() async throws {
        try await withWebhookServer { client, database in
            let bodies = (0..<40).map { WebhookDeliveries.textDelivery(wamid: "wamid.concurrent-\($0 % 20)", waID: "1650555\(1000 + $0 % 7)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for body in bodies {
                    group.addTask {
                        try await client.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                    }
                }
                try await group.waitForAll()
            }
            let records = try await ledgerRecords(database.serviceURL, masterKey: Self.masterKey)
            // Twenty distinct wamids, each delivered twice with different citizens only in the
            // second copy's wa_id modulo: the first committed copy wins, once.
            // (The classifier records its decisions too: count the messages.)
            let messages = records.filter { $0.entry.fields.eventType == "whatsapp.message.received" }
            #expect(Set(messages.compactMap(\.entry.fields.dedupeKey)).count == 20)
            #expect(messages.count == 20)
            let report = try await withPostgresClient(database.serviceURL) { pg in
                try await LedgerStore.withStore(client: pg, masterKey: Self.masterKey, logger: testLogger) { store in
                    try await store.verify(ledger: WebhookDeliveries.ledger)
                }
            }
            #expect(report.failure == nil)
            #expect(report.entries >= records.count)
        }
    }
}
