import API
import Access
import Classification
import Events
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inbox
import Ledger
import LedgerStore
import NIOCore
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// `GET`/`PUT /v1/automation-rules` and `GET /v1/search` through the real application: an
/// acknowledgement reaches the (fake) Graph API as the rule; a search is masked and audited.
@Suite("Automation and search routes", .timeLimit(.minutes(5)))
struct AutomationRoutesTests {
    static let token = SendAPITests.token
    static let reason = HTTPField.Name("X-Recordkeeper-Access-Reason")!

    /// Calls as `token` (default: the test's supervisor and records officer `tester`).
    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers extra: HTTPFields = [:],
        as token: String? = nil
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers = extra
        headers[.authorization] = token.map { "Bearer \($0)" } ?? TestStaff.header(Self.token)
        if body != nil { headers[.contentType] = "application/json" }
        return try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    static func withLiveApp(_ body: @escaping @Sendable (TestGraphServer, ScratchDatabase, any TestClientProtocol) async throws -> Void) async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                try await withConversationApp(
                    db, token: token, runProjections: true, whatsApp: WebhookDeliveries.settings, media: try SendAPITests.graphConfiguration(graph),
                    runClassifier: true, setup: .live
                ) { app in
                    try await body(graph, db, app)
                }
            }
        }
    }

    static func entries(_ type: String, db: ScratchDatabase) async throws -> [(fields: EntryFields, header: JSONValue, payload: JSONValue)] {
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

    @Test(
        "PUT records the rule set as the caller and GET shows it; a wrong field is 422 naming it; a new conversation is acknowledged through the dispatcher as rule:ack"
    )
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
            #expect(set.text("set_by") == "staff:tester")
            let (_, shown) = try await Self.call(app, .get, "/v1/automation-rules")
            #expect(shown == set)
            #expect(try await Self.entries(AutomationEventType.rulesSet, db: db).map(\.fields.actor) == ["staff:tester"])

            let delivery = WebhookDeliveries.textDelivery(
                wamid: "wamid.ack-1", waID: SendAPITests.citizen, text: "Is my permit ready?", timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            try await eventually("the auto-reply was not sent") { await graph.sentMessages().count == 1 }
            let sent = await graph.sentMessages()
            #expect(try JSONValue.parse(sent[0].body)["text"]?.text("body") == "Thank you, we received your message.")
            let requested = try await Self.entries(OutboundEventType.sendRequested, db: db)
            try #require(requested.count == 1)
            #expect(requested[0].fields.actor == "rule:ack")
            #expect(requested[0].header.text("via") == "automation")
            #expect(requested[0].header.text("idempotency_key")?.hasPrefix("auto:ack:") == true)
        }
    }

    /// A user of the test's database with `roles` (and a granted clearance), and their token.
    static func user(
        _ db: ScratchDatabase, _ name: String, roles: Set<StaffRole>, teams: Set<String> = [], clearance: DataCategory? = nil
    ) async throws -> String {
        try await db.withStore { _, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: name, roles: roles, teams: teams, actor: "test")
            if let clearance { try await directory.setClearance(clearance, reason: "records request 42", user: name, actor: "test") }
            return try await directory.issueToken(user: name, actor: "test").token
        }
    }

    @Test(
        "a search finds a message whatever its accents; a records officer sees an SSN, a clearance-2 reader sees it masked, an agent nothing outside their teams; each search is recorded as access.viewed"
    )
    func searchThroughTheApp() async throws {
        try await Self.withLiveApp { _, db, app in
            let body = WebhookDeliveries.textDelivery(
                wamid: "wamid.search-1", waID: SendAPITests.citizen, text: "My SSN is 536-22-4187 for the Café permit",
                timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
            let uri = "/v1/search?q=CAF%C3%89%20permit"

            var found: JSONValue = .null
            try await eventually("the classifier did not decide on the search hit") {
                let (status, page) = try await Self.call(app, .get, uri)
                found = page
                // Until the classifier decides, the hit counts as category 4 (fail closed): wait for its decision.
                return status == .ok && page["items"]?.array?.count == 1 && page["items"]?.array?.first?["category"]?.integer == 3
            }
            let hit = try #require(found["items"]?.array?.first)
            #expect(hit.text("text") == "My SSN is 536-22-4187 for the Café permit", "a records officer's clearance is 4")
            #expect(hit["masked"] == .bool(false))
            #expect(hit["category"]?.integer == 3)
            #expect(hit.text("direction") == "inbound")
            let position = try #require(hit["position"]?.integer)
            #expect(try await Self.call(app, .get, "/v1/search?q=%20").1.text("field") == "q")
            #expect(try await Self.call(app, .get, "/v1/search?q=cafe&limit=0").0 == .badRequest)

            // An auditor granted clearance 2 (every conversation): the SSN (category 3) is masked.
            let auditor = try await Self.user(db, "audrey", roles: [.auditor], clearance: .sensitive)
            let (status, page) = try await Self.call(app, .get, uri, as: auditor)
            #expect(status == .ok)
            let masked = try #require(page["items"]?.array?.first)
            #expect(masked.text("text") == "My SSN is •••-••-4187 for the Café permit")
            #expect(masked["masked"] == .bool(true))

            // An agent sees only their teams' conversations: this one is routed to none of them.
            let agent = try await Self.user(db, "alex", roles: [.agent], teams: ["permits"])
            let (agentStatus, agentPage) = try await Self.call(app, .get, uri, as: agent)
            #expect(agentStatus == .ok)
            #expect(agentPage["items"] == .array([]))

            // An admin needs a stated reason.
            let admin = try await Self.user(db, "ada", roles: [.admin])
            let (refused, problem) = try await Self.call(app, .get, uri, as: admin)
            #expect(refused == .forbidden)
            #expect(problem.text("code") == "reason_required")

            let viewed = try await Self.entries(AccessEvents.viewed, db: db).filter { $0.header.text("route") == "GET /v1/search" }
            let audrey = try #require(viewed.last { $0.header.text("user") == "audrey" })
            #expect(audrey.fields.actor == "staff:audrey")
            #expect(audrey.header["records"] == .array([.string("message:\(position)")]))
            #expect(audrey.header["masked"] == .array([.integer(position)]))
            #expect(audrey.payload.text("query") == "CAFÉ permit")
            #expect(!audrey.fields.header.contains("permit"), "the query stays in the encrypted payload")
            let alex = try #require(viewed.last { $0.header.text("user") == "alex" })
            #expect(alex.header["records"] == .array([]))
            #expect(alex.payload.text("query") == "CAFÉ permit")
            #expect(viewed.contains { $0.header.text("user") == "tester" && $0.header["records"] == .array([.string("message:\(position)")]) })
        }
    }

    @Test("the answers of these routes match the OpenAPI document", .enabled(if: OpenAPIValidatorEnvironment.runs, OpenAPIValidatorEnvironment.skipReason))
    func answersMatchTheDocument() async throws {
        _ = try OpenAPIValidatorEnvironment.requirePython()
        try await Self.withLiveApp { _, db, app in
            let admin = try await Self.user(db, "ada", roles: [.admin])
            var exchanges: [RecordedExchange] = []
            func record(
                _ method: HTTPRequest.Method, _ template: String, _ uri: String, body: String? = nil, as token: String? = nil, auth: Bool = true
            ) async throws {
                var headers: HTTPFields = [:]
                if auth { headers[.authorization] = token.map { "Bearer \($0)" } ?? TestStaff.header(Self.token) }
                if body != nil { headers[.contentType] = "application/json" }
                exchanges.append(
                    try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                        RecordedExchange(
                            method: method.rawValue, path: template, status: Int(response.status.code), contentType: response.headers[.contentType],
                            body: String(decoding: response.body.readableBytesView, as: UTF8.self))
                    })
            }
            try await record(.get, "/v1/automation-rules", "/v1/automation-rules")
            try await record(.put, "/v1/automation-rules", "/v1/automation-rules", body: #"{"rules":[{"id":"x","kind":"nope","text":"t"}]}"#)
            try await record(.put, "/v1/automation-rules", "/v1/automation-rules", body: "{")
            try await record(
                .put, "/v1/automation-rules", "/v1/automation-rules",
                body: #"""
                    {"rules":[{"id":"ack","kind":"acknowledgement","text":"Thanks."},{"id":"night","kind":"out_of_hours","text":"Closed.","phone_number_id":"106540352242922","enabled":false}],
                     "business_hours":{"timezone":"America/Los_Angeles","weekly":{"monday":[{"open":"08:00","close":"17:00"}]}}}
                    """#)
            try await record(.get, "/v1/automation-rules", "/v1/automation-rules")
            try await record(.get, "/v1/automation-rules", "/v1/automation-rules", auth: false)
            let delivery = WebhookDeliveries.textDelivery(
                wamid: "wamid.doc-1", waID: SendAPITests.citizen, text: "My SSN is 536-22-4187, café permit", timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            try await eventually("the search index did not find the message") {
                try await Self.call(app, .get, "/v1/search?q=permit").1["items"]?.array?.count == 1
            }
            try await record(.get, "/v1/search", "/v1/search?q=permit&limit=1")
            try await record(.get, "/v1/search", "/v1/search?q=permit", as: try await Self.user(db, "audrey", roles: [.auditor], clearance: .publicInformation))
            try await record(.get, "/v1/search", "/v1/search?q=x")
            try await record(.get, "/v1/search", "/v1/search?q=permit&cursor=nope")
            try await record(.get, "/v1/search", "/v1/search?q=permit", as: admin)
            #expect(exchanges.map(\.status) == [200, 422, 400, 200, 200, 401, 200, 200, 400, 400, 403])

            let document = Array(try OpenAPISpec.bundled().json.utf8)
            try await withTemporaryDirectory { work in
                let documentFile = work.appendingPathComponent("openapi.json")
                try Data(document).write(to: documentFile)
                let exchangesFile = work.appendingPathComponent("exchanges.json")
                try JSONEncoder().encode(exchanges).write(to: exchangesFile)
                let result = try await OpenAPIValidatorEnvironment.check(["responses", documentFile.path, exchangesFile.path], in: work)
                #expect(result.ok, "\(result.output)")
            }
        }
    }
}
