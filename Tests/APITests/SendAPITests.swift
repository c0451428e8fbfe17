import Events
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
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The send API through the real application on loopback, with the dispatcher sending to a fake
/// Graph API: every outbound kind ends requested → accepted → statuses, in the ledger and on the
/// timeline; the 24-hour rule; idempotency; bad input.
@Suite("Send API", .timeLimit(.minutes(5)))
struct SendAPITests {
    static let token = "send-admin-token-71c2"
    static let citizen = "16505551234"

    /// One request of each kind the send API takes, and what Meta must receive in it.
    static let requests: [(kind: String, body: String)] = [
        ("text", #"{"type":"text","text":{"body":"Your permit is ready — مرحبا 👋","preview_url":false}}"#),
        (
            "template",
            #"{"type":"template","template":{"name":"appointment_reminder","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"}]}]}}"#
        ),
        ("image", #"{"type":"image","image":{"id":"1013859600285441","caption":"Map"}}"#),
        ("document", #"{"type":"document","document":{"link":"https://example.org/permit.pdf","filename":"permit.pdf"}}"#),
        (
            "interactive",
            #"{"type":"interactive","interactive":{"type":"button","body":{"text":"Confirm your appointment?"},"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Confirm"}},{"type":"reply","reply":{"id":"no","title":"Cancel"}}]}}}"#
        ),
        (
            "interactive",
            #"{"type":"interactive","interactive":{"type":"list","body":{"text":"Pick a department"},"action":{"button":"Departments","sections":[{"title":"City","rows":[{"id":"housing","title":"Housing"}]}]}}}"#
        ),
        ("reaction", #"{"type":"reaction","reaction":{"message_id":"wamid.citizen-1","emoji":"👍"}}"#),
        ("location", #"{"type":"location","location":{"latitude":47.6,"longitude":-122.3,"name":"City Hall"}}"#),
        ("mark_read", #"{"type":"mark_read","message_id":"wamid.citizen-1"}"#),
    ]

    @Test("every kind: 202 → sent to Meta as recorded → accepted → statuses, shown on the timeline; the ledger verifies")
    func everyKind() async throws {
        try await Self.withSendingApp { graph, db, app, conversation in
            var positions: [Int64] = []
            for (kind, body) in Self.requests {
                let (status, answer) = try await Self.post(app, conversation: conversation, body: body)
                #expect(status == .accepted, "\(kind): \(answer)")
                #expect(answer.text("kind") == kind)
                #expect(answer.text("status_url") == "/v1/sends/\(answer["position"]?.integer ?? 0)")
                positions.append(try #require(answer["position"]?.integer))
            }
            // The dispatcher sends each; wait until all are accepted.
            var statuses: [JSONValue] = []
            try await eventually("not every send was accepted") {
                statuses = try await positions.asyncMap { try await Self.get(app, "/v1/sends/\($0)").1 }
                return statuses.allSatisfy { $0.text("status") == "accepted" }
            }
            #expect(statuses.map { $0.text("status") } == Array(repeating: "accepted", count: positions.count))

            // Meta received exactly the recorded bodies, in order (one conversation: one at a time).
            let sent = await graph.sentMessages()
            let records = try await Self.records(db)
            let requested = records.filter { $0.entry.fields.eventType == OutboundEventType.sendRequested }
            #expect(
                sent.map(\.body)
                    == requested.map { record -> [UInt8] in
                        if case .bytes(let bytes) = record.payload { return bytes }
                        return []
                    })
            let markRead = try JSONValue.parse(try #require(sent.last).body)
            #expect(markRead == .object(["messaging_product": .string("whatsapp"), "status": .string("read"), "message_id": .string("wamid.citizen-1")]))

            // Statuses arrive from Meta's webhook and attach by wamid.
            for wamid in sent.compactMap(\.answeredID) {
                for state in ["sent", "delivered"] {
                    let body = WebhookDeliveries.statusDelivery(wamid: wamid, status: state, waID: Self.citizen)
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                }
            }
            var timeline: [JSONValue] = []
            try await eventually("the statuses did not mark the sends delivered") {
                timeline = try await Self.get(app, "/v1/conversations/\(conversation)/messages").1["items"]?.array ?? []
                return timeline.filter { $0.text("status") == "delivered" }.count == sent.count - 1
            }
            let outbound = timeline.filter { $0.text("direction") == "outbound" }
            #expect(outbound.map { $0.text("type") } == Self.requests.map(\.kind))
            #expect(outbound.dropLast().allSatisfy { $0.text("status") == "delivered" && $0.text("message_id")?.hasPrefix("wamid.FAKE") == true })
            #expect(outbound.last?.text("status") == "accepted", "a mark-as-read gets no delivery statuses")
            #expect(outbound.first?["content"]?["message"]?["text"]?.text("body") == "Your permit is ready — مرحبا 👋")

            let verify = try await Self.verify(db)
            #expect(verify.ok, "\(verify)")
        }
    }

    @Test("outside the 24-hour window a free-form message is refused with 422 and when the window closed; a template is accepted")
    func windowRule() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, setup: .live) { app in
                // The citizen last wrote 25 hours ago.
                let then = Int64(Date().timeIntervalSince1970) - 25 * 3600
                let conversation = try await Self.openConversation(app, timestamp: then)
                let (refused, problem) = try await Self.post(app, conversation: conversation, body: Self.requests[0].body)
                #expect(refused == .unprocessableContent)
                #expect(problem.text("code") == "window_closed")
                #expect(problem.text("detail")?.contains("template") == true)
                let closedAt = try #require(problem.text("window_closed_at"))
                #expect(closedAt == RFC3339Probe.format(Date(timeIntervalSince1970: TimeInterval(then + 24 * 3600))))
                let (reaction, _) = try await Self.post(app, conversation: conversation, body: Self.requests[6].body)
                #expect(reaction == .unprocessableContent, "a reaction is a free-form message too")

                let (accepted, _) = try await Self.post(app, conversation: conversation, body: Self.requests[1].body)
                #expect(accepted == .accepted)
                let (markRead, _) = try await Self.post(app, conversation: conversation, body: Self.requests[8].body)
                #expect(markRead == .accepted, "marking as read is not a message")

                let records = try await Self.records(db)
                #expect(records.filter { $0.entry.fields.eventType == OutboundEventType.sendRequested }.count == 2, "a refused request records nothing")
            }
        }
    }

    @Test("Idempotency-Key: a retried request is recorded and sent once; the same key with another body is refused")
    func idempotency() async throws {
        try await Self.withSendingApp { graph, db, app, conversation in
            let body = Self.requests[0].body
            let first = try await Self.post(app, conversation: conversation, body: body, key: "retry-me-1")
            let again = try await withThrowingTaskGroup(of: (HTTPResponse.Status, JSONValue).self) { group in
                for _ in 0..<4 { group.addTask { try await Self.post(app, conversation: conversation, body: body, key: "retry-me-1") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(first.0 == .accepted)
            #expect(again.allSatisfy { $0.0 == .accepted && $0.1["position"] == first.1["position"] && $0.1["request_id"] == first.1["request_id"] })
            #expect(again.allSatisfy { $0.1["replayed"] == .bool(true) })

            let (reused, problem) = try await Self.post(app, conversation: conversation, body: Self.requests[7].body, key: "retry-me-1")
            #expect(reused == .unprocessableContent)
            #expect(problem.text("code") == "idempotency_key_reused")

            try await eventually("the send was not accepted") {
                try await Self.get(app, "/v1/sends/\(first.1["position"]?.integer ?? 0)").1.text("status") == "accepted"
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(await graph.sentMessages().count == 1, "sent once")
        }
    }

    @Test("upload a file (recorded, then forwarded to Meta as multipart), then send it as an image by its id")
    func uploadThenSend() async throws {
        try await Self.withSendingApp { graph, db, app, conversation in
            let file = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let uploaded = try await app.execute(
                uri: "/v1/media?phone_number_id=106540352242922&filename=map%20of%20works.png", method: .post,
                headers: [.authorization: TestStaff.header(Self.token), .contentType: "image/png"], body: ByteBuffer(bytes: file)
            ) { response in
                (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
            }
            #expect(uploaded.0 == .created, "\(uploaded.1)")
            let mediaID = try #require(uploaded.1.text("media_id"))

            // Meta received a multipart form holding the file's exact bytes; the ledger holds that body.
            let upload = try #require(await graph.receivedRequests().first { $0.endpoint == "media" })
            #expect(upload.contentType?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(upload.body.firstRange(of: file) != nil)
            #expect(String(decoding: upload.body, as: UTF8.self).contains(#"name="messaging_product"\#r\#n\#r\#nwhatsapp"#))
            let records = try await Self.records(db)
            let requested = try #require(records.first { $0.entry.fields.eventType == "media.upload.requested" })
            #expect(requested.payload == .bytes(upload.body))
            #expect(requested.entry.fields.actor == "staff:tester")
            #expect(records.contains { $0.entry.fields.eventType == "media.upload.accepted" })

            let (status, answer) = try await Self.post(app, conversation: conversation, body: #"{"type":"image","image":{"id":"\#(mediaID)"}}"#)
            #expect(status == .accepted)
            try await eventually("the media send was not accepted") {
                try await Self.get(app, "/v1/sends/\(answer["position"]?.integer ?? 0)").1.text("status") == "accepted"
            }
            let sent = try #require(await graph.sentMessages().last)
            #expect(try JSONValue.parse(sent.body)["image"]?.text("id") == mediaID)

            // Bad uploads: no phone number, a multipart body, an empty file.
            for (uri, type, body, expected) in [
                ("/v1/media", "image/png", file, HTTPResponse.Status.badRequest),
                ("/v1/media?phone_number_id=106540352242922", "multipart/form-data; boundary=x", file, .unsupportedMediaType),
                ("/v1/media?phone_number_id=106540352242922", "image/png", [], .badRequest),
            ] {
                try await app.execute(
                    uri: uri, method: .post, headers: [.authorization: TestStaff.header(Self.token), .contentType: type], body: ByteBuffer(bytes: body)
                ) { #expect($0.status == expected, "\(uri) \(type)") }
            }
        }
    }

    @Test("bad input: clear problem details, nothing recorded")
    func badInput() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, setup: .live) { app in
                let conversation = try await Self.openConversation(app)
                let cases: [(body: String, status: HTTPResponse.Status, code: String, field: String?)] = [
                    ("{not json", .badRequest, "invalid_json", nil),
                    (#"{"text":{"body":"x"}}"#, .unprocessableContent, "invalid_field", "type"),
                    (#"{"type":"fax","fax":{}}"#, .unprocessableContent, "invalid_field", "type"),
                    (#"{"type":"text","text":{"body":""}}"#, .unprocessableContent, "invalid_field", "text.body"),
                    (#"{"type":"text","text":{"body":"\#(String(repeating: "a", count: 4097))"}}"#, .unprocessableContent, "invalid_field", "text.body"),
                    (#"{"type":"image","image":{"id":"1","link":"https://x.org/a.png"}}"#, .unprocessableContent, "invalid_field", "image.id"),
                    (#"{"type":"image","image":{"link":"http://x.org/a.png"}}"#, .unprocessableContent, "invalid_field", "image.link"),
                    (
                        #"{"type":"interactive","interactive":{"type":"button","body":{"text":"?"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"This title is far too long"}}]}}}"#,
                        .unprocessableContent, "invalid_field", "interactive.action.buttons[0].reply.title"
                    ),
                    (#"{"type":"text","text":{"body":"x"},"to":"15550001111"}"#, .unprocessableContent, "invalid_field", "to"),
                ]
                for item in cases {
                    let (status, problem) = try await Self.post(app, conversation: conversation, body: item.body)
                    #expect(status == item.status, "\(item.body.prefix(60)): \(problem)")
                    #expect(problem.text("code") == item.code)
                    #expect(problem.text("field") == item.field)
                }
                let huge = #"{"type":"text","text":{"body":"\#(String(repeating: "a", count: 300_000))"}}"#
                let (tooLarge, tooLargeProblem) = try await Self.post(app, conversation: conversation, body: huge)
                #expect(tooLarge == .contentTooLarge)
                #expect(tooLargeProblem.text("code") == "body_too_large")
                let (missing, _) = try await Self.post(app, conversation: apiID("wa/1/p:1"), body: Self.requests[0].body)
                #expect(missing == .notFound)
                let (badKey, _) = try await Self.post(app, conversation: conversation, body: Self.requests[0].body, key: "has space")
                #expect(badKey == .badRequest)
                try await app.execute(uri: "/v1/conversations/\(conversation)/messages", method: .post, body: ByteBuffer(string: Self.requests[0].body)) {
                    #expect($0.status == .unauthorized)
                }
                let records = try await Self.records(db)
                #expect(!records.contains { $0.entry.fields.eventType == OutboundEventType.sendRequested })
            }
        }
    }

    // MARK: Helpers

    /// Runs `body` with the application (projections, dispatcher) sending to a fake Graph API,
    /// and a conversation whose citizen has just written.
    static func withSendingApp(
        _ body: @escaping @Sendable (TestGraphServer, ScratchDatabase, any TestClientProtocol, String) async throws -> Void
    ) async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                try await withConversationApp(
                    db, token: Self.token, runProjections: true, whatsApp: WebhookDeliveries.settings, media: try Self.graphConfiguration(graph),
                    setup: .live
                ) { app in
                    try await body(graph, db, app, try await Self.openConversation(app))
                }
            }
        }
    }

    static func graphConfiguration(_ graph: TestGraphServer) throws -> GraphAPIConfiguration {
        try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(10))
    }

    /// Delivers a citizen's message (now, or at `timestamp`) and returns its conversation's path id.
    static func openConversation(_ app: any TestClientProtocol, timestamp: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> String {
        let body = WebhookDeliveries.textDelivery(wamid: "wamid.citizen-1", waID: citizen, text: "Is my permit ready?", timestamp: timestamp)
        try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
        var id: String?
        try await eventually("the delivered message opened no conversation") {
            id = try await get(app, "/v1/conversations").1["items"]?.array?.first?.text("id")
            return id != nil
        }
        return try #require(id)
    }

    static func post(
        _ app: any TestClientProtocol, conversation: String, body: String, key: String? = nil
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers: HTTPFields = [.authorization: TestStaff.header(token), .contentType: "application/json"]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await app.execute(
            uri: "/v1/conversations/\(conversation)/messages", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { response in
            let answer = (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null
            if response.status == .accepted {
                // The status URL is also the Location, as a path a client follows as it is.
                #expect(response.headers[.location] == answer.text("status_url"), "Location: \(response.headers[.location] ?? "none")")
            }
            return (response.status, answer)
        }
    }

    static func get(_ app: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, JSONValue) {
        try await app.execute(uri: uri, method: .get, headers: [.authorization: TestStaff.header(token)]) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    /// Every record of the `main` ledger, decrypted.
    static func records(_ db: ScratchDatabase) async throws -> [LedgerRecord] {
        try await db.withStore { _, store in
            var all: [LedgerRecord] = []
            for try await record in store.records(ledger: "main") { all.append(record) }
            return all
        }
    }

    static func verify(_ db: ScratchDatabase) async throws -> LedgerVerificationReport {
        try await db.withStore { _, store in try await store.verify(ledger: "main") }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

/// RFC 3339 as the API writes it (UTC, seconds, `Z`).
enum RFC3339Probe {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
