import API
import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inbox
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

/// The team inbox API with staff tokens, a live router and a fake Graph API.
@Suite("Inbox routes", .timeLimit(.minutes(5)))
struct InboxRoutesTests {
    /// User name → their API token, issued by the real staff directory of the test's database.
    @TaskLocal static var tokens: [String: String] = [:]

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, as user: String, body: String? = nil
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers: HTTPFields = [.authorization: "Bearer \(Self.tokens[user] ?? "none")"]
        if body != nil { headers[.contentType] = "application/json" }
        return try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    static func deliver(_ app: any TestClientProtocol, wamid: String, from citizen: String, text: String) async throws {
        let body = WebhookDeliveries.textDelivery(wamid: wamid, waID: citizen, text: text, timestamp: Int64(Date().timeIntervalSince1970))
        try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
    }

    static func inbox(_ app: any TestClientProtocol, as user: String, query: String = "") async throws -> [JSONValue] {
        let (status, answer) = try await call(app, .get, "/v1/inbox\(query)", as: user)
        #expect(status == .ok, "\(answer)")
        return answer["items"]?.array ?? []
    }

    static func withInboxApp<T: Sendable>(
        _ body: @escaping @Sendable (TestGraphServer, ScratchDatabase, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
                let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
                let media = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(10))
                let background = testBackground(
                    client: client, store: store, workers: WorkerSet.Settings(ledger: "main", graph: media, runClassifier: false))
                let app = RecordkeeperServer.makeApplication(
                    configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                    migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings, media: media,
                    conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: TestStaff.directory(store),
                    background: background.services, logger: testLogger)
                return try await app.test(.live) { client in
                    // A supervisor, and two agents of the permits team (once the store runs).
                    var issued: [String: String] = [:]
                    for (name, role, teams) in [("sam", StaffRole.supervisor, Set<String>()), ("alice", .agent, ["permits"]), ("bob", .agent, ["permits"])] {
                        issued[name] = try await TestStaff.token(store, name: name, roles: [role], teams: teams)
                    }
                    return try await Self.$tokens.withValue(issued) { try await body(graph, db, client) }
                }
            }
        }
    }

    @Test("routing rules, scope (404 outside the agent's teams), assignment rules, notes, read marks, close and automatic reopen")
    func inboxFlow() async throws {
        try await Self.withInboxApp { graph, db, app in
            // Routing rules: validated (422 naming the field), supervisors only.
            let bad = try await Self.call(
                app, .put, "/v1/routing/rules", as: "sam", body: #"{"rules":[{"id":"p","team":"permits","from":"8am","to":"17:00"}]}"#)
            #expect(bad.0 == .unprocessableContent && bad.1.text("field") == "rules[0].from", "\(bad.1)")
            let rules = #"{"default_team":"general","rules":[{"id":"p","team":"permits","keywords":["permit"]}]}"#
            #expect(try await Self.call(app, .put, "/v1/routing/rules", as: "alice", body: rules).0 == .forbidden)
            let set = try await Self.call(app, .put, "/v1/routing/rules", as: "sam", body: rules)
            #expect(set.0 == .ok && set.1.text("set_by") == "staff:sam", "\(set.1)")

            try await Self.deliver(app, wamid: "wamid.a1", from: "16505550001", text: "Is my PERMIT ready?")
            try await Self.deliver(app, wamid: "wamid.b1", from: "16505550002", text: "Pothole on 5th street")
            var items: [JSONValue] = []
            try await eventually("the inbox did not route both conversations to a team") {
                items = try await Self.inbox(app, as: "sam")
                return items.count == 2 && items.allSatisfy { $0.text("team") != nil }
            }
            let byTeam = Dictionary(items.map { ($0.text("team") ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            let permit = try #require(byTeam["permits"]?.text("id"))
            let pothole = try #require(byTeam["general"]?.text("id"))
            #expect(byTeam["permits"]?["window_open"] == .bool(true) && byTeam["permits"]?.text("window_closes_at") != nil)
            #expect(byTeam["permits"]?["unread"] == .integer(1) && byTeam["permits"]?.text("state") == "open")

            // Alice (permits) sees only the permit conversation; the other does not exist for her.
            #expect(try await Self.inbox(app, as: "alice").map { $0.text("id") } == [permit])
            for (method, path, body) in [
                (HTTPRequest.Method.post, "assignment", #"{"assignee":"alice"}"#), (.post, "state", #"{"state":"closed"}"#),
                (.get, "notes", nil), (.post, "notes", #"{"text":"x"}"#), (.post, "read", nil),
            ] {
                let (status, answer) = try await Self.call(app, method, "/v1/conversations/\(pothole)/\(path)", as: "alice", body: body)
                #expect(status == .notFound && answer.text("code") == "no_conversation", "\(method) \(path): \(answer)")
            }

            // Assignment: an agent only herself.
            let other = try await Self.call(app, .post, "/v1/conversations/\(permit)/assignment", as: "alice", body: #"{"assignee":"bob"}"#)
            #expect(other.0 == .forbidden && other.1.text("code") == "assignment_not_allowed")
            let own = try await Self.call(app, .post, "/v1/conversations/\(permit)/assignment", as: "alice", body: #"{"assignee":"alice"}"#)
            #expect(own.0 == .ok && own.1.text("assignee") == "alice", "\(own.1)")
            let missing = try await Self.call(app, .post, "/v1/conversations/\(permit)/assignment", as: "alice", body: #"{"team":"permits"}"#)
            #expect(missing.0 == .unprocessableContent && missing.1.text("field") == "assignee")

            // Notes: recorded, read back with their text (the read is audited), never sent.
            let note = try await Self.call(app, .post, "/v1/conversations/\(permit)/notes", as: "alice", body: #"{"text":"Checked with the permits desk"}"#)
            #expect(note.0 == .created && note.1.text("author") == "staff:alice", "\(note.1)")
            var notes: (HTTPResponse.Status, JSONValue) = (.ok, .null)
            try await eventually("the note was not listed") {  // the inbox projection lists it once it applied the note
                notes = try await Self.call(app, .get, "/v1/conversations/\(permit)/notes", as: "bob")
                return notes.1["items"]?.array?.isEmpty == false
            }
            #expect(notes.0 == .ok && notes.1["items"]?.array?.map { $0.text("text") } == ["Checked with the permits desk"], "\(notes.1)")

            // Read marks are per agent.
            #expect(try await Self.call(app, .post, "/v1/conversations/\(permit)/read", as: "alice").0 == .ok)
            try await eventually("the conversation stayed unread for alice") { try await Self.inbox(app, as: "alice", query: "?unread=true").isEmpty }
            #expect(try await Self.inbox(app, as: "bob", query: "?unread=true").map { $0.text("id") } == [permit])
            #expect(try await Self.inbox(app, as: "alice", query: "?assignee=me").map { $0.text("id") } == [permit])
            #expect(try await Self.call(app, .get, "/v1/inbox?state=done", as: "alice").0 == .badRequest)

            // Close; the citizen writes again: reopened automatically.
            let closed = try await Self.call(app, .post, "/v1/conversations/\(permit)/state", as: "alice", body: #"{"state":"closed"}"#)
            #expect(closed.0 == .ok && closed.1.text("state") == "closed")
            try await eventually("the conversation was not closed") { try await Self.inbox(app, as: "alice", query: "?state=closed").count == 1 }
            try await Self.deliver(app, wamid: "wamid.a2", from: "16505550001", text: "Any news?")
            try await eventually("a new message did not reopen the conversation") { try await Self.inbox(app, as: "alice").first?.text("state") == "reopened" }

            // A supervisor transfers the pothole to permits: now alice sees it.
            let transfer = try await Self.call(app, .post, "/v1/conversations/\(pothole)/assignment", as: "sam", body: #"{"assignee":null,"team":"permits"}"#)
            #expect(transfer.0 == .ok && transfer.1.text("team") == "permits", "\(transfer.1)")
            try await eventually("the transfer to permits was not applied") { try await Self.inbox(app, as: "alice").count == 2 }

            // On the record: the events, their actors and the notes' read audit; nothing sent to Meta.
            let records = try await SendAPITests.records(db)
            let types = records.map(\.entry.fields.eventType)
            for type in [
                InboxEventType.rulesSet, InboxEventType.routed, InboxEventType.assigned, InboxEventType.noteAdded, InboxEventType.readMarked,
                InboxEventType.closed, InboxEventType.reopened,
            ] {
                #expect(types.contains(type), "\(type)")
            }
            let reopened = try #require(records.first { $0.entry.fields.eventType == InboxEventType.reopened })
            #expect(reopened.entry.fields.actor == "system:router" && reopened.entry.fields.header.contains(#""automatic":true"#))
            let viewed = records.filter { $0.entry.fields.eventType == AccessEvents.viewed && $0.entry.fields.actor == "staff:bob" }
            #expect(viewed.count >= 1 && viewed.first?.entry.fields.header.contains("conversation:") == true)
            #expect(await graph.receivedRequests().isEmpty, "a note is never sent")
        }
    }
    @Test(
        "the inbox routes' answers match the OpenAPI document's schemas", .enabled(if: OpenAPIValidatorEnvironment.runs, OpenAPIValidatorEnvironment.skipReason)
    )
    func answersMatchDocument() async throws {
        _ = try OpenAPIValidatorEnvironment.requirePython()
        let exchanges: [RecordedExchange] = try await Self.withInboxApp { _, _, app in
            func call(
                _ method: HTTPRequest.Method, _ template: String, _ uri: String, as user: String = "sam", body: String? = nil, expect: HTTPResponse.Status
            ) async throws -> RecordedExchange {
                var headers: HTTPFields = [.authorization: "Bearer \(Self.tokens[user] ?? "none")"]
                if body != nil { headers[.contentType] = "application/json" }
                let exchange = try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                    RecordedExchange(
                        method: method.rawValue, path: template, status: Int(response.status.code), contentType: response.headers[.contentType],
                        body: String(decoding: response.body.readableBytesView, as: UTF8.self))
                }
                #expect(exchange.status == Int(expect.code), "\(method) \(uri): \(exchange.body)")
                return exchange
            }
            var all: [RecordedExchange] = []
            all.append(try await call(.get, "/v1/routing/rules", "/v1/routing/rules", expect: .ok))
            all.append(
                try await call(
                    .put, "/v1/routing/rules", "/v1/routing/rules",
                    body: #"{"rules":[{"id":"p","team":"permits","keywords":["permit"],"days":["mon"],"from":"08:00","to":"17:00"}]}"#, expect: .ok))
            all.append(try await call(.put, "/v1/routing/rules", "/v1/routing/rules", body: #"{"rules":[{"id":"p"}]}"#, expect: .unprocessableContent))
            all.append(try await call(.put, "/v1/routing/rules", "/v1/routing/rules", as: "alice", body: "{}", expect: .forbidden))
            try await Self.deliver(app, wamid: "wamid.o1", from: "16505550009", text: "hello")
            var id: String?
            try await eventually("no conversation was routed to a team") {
                id = try await Self.inbox(app, as: "sam").first { $0.text("team") != nil }?.text("id")
                return id != nil
            }
            let conversation = try #require(id)
            all.append(try await call(.get, "/v1/inbox", "/v1/inbox?state=open&assignee=none", expect: .ok))
            all.append(try await call(.get, "/v1/inbox", "/v1/inbox?cursor=nonsense", expect: .badRequest))
            let base = "/v1/conversations/\(conversation)"
            all.append(
                try await call(.post, "/v1/conversations/{id}/assignment", "\(base)/assignment", body: #"{"assignee":"alice","team":"permits"}"#, expect: .ok))
            all.append(
                try await call(.post, "/v1/conversations/{id}/assignment", "\(base)/assignment", body: #"{"assignee":5}"#, expect: .unprocessableContent))
            try await eventually("the transfer was not applied") { try await Self.inbox(app, as: "alice").count == 1 }
            all.append(
                try await call(.post, "/v1/conversations/{id}/assignment", "\(base)/assignment", as: "alice", body: #"{"assignee":"bob"}"#, expect: .forbidden))
            all.append(try await call(.post, "/v1/conversations/{id}/state", "\(base)/state", body: #"{"state":"pending"}"#, expect: .ok))
            all.append(try await call(.post, "/v1/conversations/{id}/state", "\(base)/state", body: "not json", expect: .badRequest))
            all.append(try await call(.post, "/v1/conversations/{id}/notes", "\(base)/notes", body: #"{"text":"a note"}"#, expect: .created))
            all.append(try await call(.get, "/v1/conversations/{id}/notes", "\(base)/notes", expect: .ok))
            all.append(try await call(.post, "/v1/conversations/{id}/read", "\(base)/read", expect: .ok))
            all.append(try await call(.post, "/v1/conversations/{id}/read", "\(base)/read", body: #"{"position":-1}"#, expect: .unprocessableContent))
            all.append(try await call(.post, "/v1/conversations/{id}/read", "/v1/conversations/d2EvMS9wOjI/read", expect: .notFound))
            return all
        }
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
