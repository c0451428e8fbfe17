import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import Records
import RecordsTestSupport
import Server
import TestGraphServer
import Testing
import WhatsApp

/// `GET`/`PUT /v1/automation-rules` and `GET /v1/search` through the real application: an
/// acknowledgement reaches the (fake) Graph API as the rule; a search is masked and audited.
@Suite("Automation and search routes", .timeLimit(.minutes(5)))
struct AutomationRoutesTests {
    static let token = SendAPITests.token
    static let reason = HTTPField.Name("X-Recordkeeper-Access-Reason")!

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        if body != nil { headers[.contentType] = "application/json" }
        return try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    static func withLiveApp(_ body: @escaping @Sendable (TestGraphServer, MigratedDatabase, any TestClientProtocol) async throws -> Void) async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                try await withConversationApp(
                    db, token: token, runProjections: true, whatsApp: WebhookDeliveries.settings, media: try SendAPITests.graphConfiguration(graph),
                    setup: .live
                ) { app in
                    try await body(graph, db, app)
                }
            }
        }
    }

    static func entries(_ type: String, db: MigratedDatabase) async throws -> [(fields: EntryFields, header: JSONValue, payload: JSONValue)] {
        try await db.withStore { _, store in
            var found: [(fields: EntryFields, header: JSONValue, payload: JSONValue)] = []
            for try await record in store.records(ledger: "main") where record.entry.fields.eventType == type {
                guard case .bytes(let bytes) = record.payload else { continue }
                found.append((record.entry.fields, try JSONValue.parse(Array(record.entry.fields.header.utf8)), try JSONValue.parse(bytes)))
            }
            return found
        }
    }

    static let rules = #"""
        {"rules":[{"id":"ack","kind":"acknowledgement","text":"Thank you, we received your message."}],"business_hours":null}
        """#

    @Test("PUT records the rule set as the caller and GET shows it; a wrong field is 422 naming it; a new conversation is acknowledged through the dispatcher as rule:ack")
    func acknowledgementThroughTheApp() async throws {
        try await Self.withLiveApp { graph, db, app in
            let (empty, none) = try await Self.call(app, .get, "/v1/automation-rules")
            #expect(empty == .ok)
            #expect(none["rules"] == .array([]))
            #expect(none["position"] == .null)

            let (bad, problem) = try await Self.call(
                app, .put, "/v1/automation-rules", body: #"{"rules":[{"id":"ack","kind":"acknowledgement","text":""}]}"#)
            #expect(bad == .unprocessableContent)
            #expect(problem.text("code") == "invalid_field")
            #expect(problem.text("field") == "rules[0].text")
            #expect(try await Self.call(app, .put, "/v1/automation-rules", body: "{").0 == .badRequest)

            let (status, set) = try await Self.call(app, .put, "/v1/automation-rules", body: Self.rules)
            #expect(status == .ok)
            #expect(set["rules"]?.array?.first?.text("id") == "ack")
            #expect(set.text("set_by") == "bootstrap-admin")
            let (_, shown) = try await Self.call(app, .get, "/v1/automation-rules")
            #expect(shown == set)
            #expect(try await Self.entries(AutomationEventType.rulesSet, db: db).map(\.fields.actor) == ["bootstrap-admin"])

            let delivery = WebhookDeliveries.textDelivery(
                wamid: "wamid.ack-1", waID: SendAPITests.citizen, text: "Is my permit ready?", timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            try await SendAPITests.eventually { await graph.sentMessages().count == 1 }
            let sent = await graph.sentMessages()
            #expect(try JSONValue.parse(sent[0].body)["text"]?.text("body") == "Thank you, we received your message.")
            let requested = try await Self.entries(OutboundEventType.sendRequested, db: db)
            try #require(requested.count == 1)
            #expect(requested[0].fields.actor == "rule:ack")
            #expect(requested[0].header.text("via") == "automation")
            #expect(requested[0].header.text("idempotency_key")?.hasPrefix("auto:ack:") == true)
        }
    }

    @Test("a search finds a message whatever its accents, masks an SSN at the caller's clearance, needs a reason from an admin, and is recorded as access.viewed")
    func searchThroughTheApp() async throws {
        try await Self.withLiveApp { _, db, app in
            let body = WebhookDeliveries.textDelivery(
                wamid: "wamid.search-1", waID: SendAPITests.citizen, text: "My SSN is 536-22-4187 for the Café permit",
                timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }

            let (refused, problem) = try await Self.call(app, .get, "/v1/search?q=cafe")
            #expect(refused == .forbidden)
            #expect(problem.text("code") == "reason_required")
            #expect(try await Self.call(app, .get, "/v1/search?q=%20", headers: [Self.reason: "request 42"]).1.text("field") == "q")

            var found: JSONValue = .null
            try await SendAPITests.eventually {
                let (status, page) = try await Self.call(app, .get, "/v1/search?q=CAF%C3%89%20permit", headers: [Self.reason: "request 42"])
                found = page
                return status == .ok && page["items"]?.array?.count == 1
            }
            let hit = try #require(found["items"]?.array?.first)
            // Break-glass clearance is 2: the SSN (category 3) is masked.
            #expect(hit.text("text") == "My SSN is •••-••-4187 for the Café permit")
            #expect(hit["masked"] == .bool(true))
            #expect(hit["category"]?.integer == 3)
            #expect(hit.text("direction") == "inbound")
            let position = try #require(hit["position"]?.integer)

            let viewed = try await Self.entries(AccessEvents.viewed, db: db).filter { $0.header.text("route") == "GET /v1/search" }
            let last = try #require(viewed.last)
            #expect(last.header["records"] == .array([.string("message:\(position)")]))
            #expect(last.header["masked"] == .array([.integer(position)]))
            #expect(last.header["break_glass"] == .bool(true))
            #expect(last.header.text("reason") == "request 42")
            #expect(last.payload.text("query") == "CAFÉ permit")
            #expect(!last.fields.header.contains("permit"), "the query stays in the encrypted payload")
        }
    }
}
