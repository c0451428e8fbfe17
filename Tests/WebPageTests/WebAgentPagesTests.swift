import Access
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
import Workers

/// The agent's and the supervisor's pages: a conversation (timeline, notes, window), its
/// commands (reply, assign, state, note, read), the polling fragment and the routing rules,
/// each checked against what the ledger and the `/v1` API then hold.
@Suite("Web agent pages", .timeLimit(.minutes(5)))
struct WebAgentPagesTests {
    typealias C = WebPageClient
    static let password = "a long enough passphrase"

    /// The conversations of the fixture by the last four digits of the citizen's number, and
    /// the supervisor's API token.
    struct Fixture: Sendable {
        var ids: [String: String]
        var token: String
    }

    /// sam (supervisor), alice (agent of `permits`); citizens 0001 (a permit question, written
    /// now), 0002 (a pothole, to `general`) and 0003 (a permit question written two days ago:
    /// its window is closed).
    static func withFixture(_ body: @escaping @Sendable (any TestClientProtocol, LedgerStore, Fixture) async throws -> Void) async throws {
        try await withClassifyingApp { app, store in
            let directory = TestStaff.directory(store)
            for (name, role, teams) in [("sam", StaffRole.supervisor, Set<String>()), ("alice", .agent, ["permits"])] {
                _ = try await directory.addUser(name: name, roles: [role], teams: teams, password: password, actor: "test")
            }
            let token = try await directory.issueToken(user: "sam", actor: "test").token
            let rules = #"{"default_team":"general","rules":[{"id":"p","team":"permits","keywords":["permit"]}]}"#
            let set = try await app.execute(
                uri: "/v1/routing/rules", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: rules)
            ) { $0.status }
            #expect(set == .ok)
            let now = Int64(Date().timeIntervalSince1970)
            for (wamid, citizen, text, at) in [
                ("wamid.a1", "16505550001", "Is my PERMIT ready?", now), ("wamid.a2", "16505550002", "Pothole on 5th street", now),
                ("wamid.a3", "16505550003", "Any news on my permit?", now - 2 * 86400),
            ] {
                let body = WebhookDeliveries.textDelivery(wamid: wamid, waID: citizen, text: text, timestamp: at)
                try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
            }
            try await eventually("the inbox did not route the three conversations") {
                let items = try await inbox(app, token: token)
                return items.count == 3 && items.allSatisfy { $0["team"]?.string != nil }
            }
            var ids: [String: String] = [:]
            for item in try await inbox(app, token: token) {
                let id = try #require(item["id"]?.string)
                let waID = try await app.execute(uri: "/v1/conversations/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                    (try? JSONValue.parse(Array($0.body.readableBytesView)))?["wa_id"]?.string
                }
                ids[String(try #require(waID).suffix(4))] = id
            }
            #expect(ids.count == 3)
            try await body(app, store, Fixture(ids: ids, token: token))
        }
    }

    /// ``WebPageClient/withWebApp(requireMFA:runProjections:_:)`` with the classifier running too:
    /// an agent sees a message only once it is classified within their clearance.
    static func withClassifyingApp(_ body: @escaping @Sendable (any TestClientProtocol, LedgerStore) async throws -> Void) async throws {
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            let background = testBackground(client: client, store: store, workers: WorkerSet.Settings(ledger: "main", runClassifier: true))
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: TestStaff.directory(store),
                staffSettings: StaffSettings(requireMFA: false), background: background.services, logger: testLogger)
            try await app.test(.live) { client in try await body(client, store) }
        }
    }

    static func inbox(_ app: any TestClientProtocol, token: String) async throws -> [JSONValue] {
        try await app.execute(uri: "/v1/inbox", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            (try? JSONValue.parse(Array(response.body.readableBytesView)))?["items"]?.array ?? []
        }
    }

    /// The API's view of one conversation of the inbox.
    static func inboxItem(_ app: any TestClientProtocol, token: String, id: String) async throws -> JSONValue? {
        try await inbox(app, token: token).first { $0["id"]?.string == id }
    }

    /// Every entry of the ledger: type, actor and retained header.
    static func entries(_ store: LedgerStore) async throws -> [(type: String, actor: String, header: String)] {
        var entries: [(type: String, actor: String, header: String)] = []
        for try await record in store.records(ledger: "main") {
            entries.append((record.entry.fields.eventType, record.entry.fields.actor, record.entry.fields.header))
        }
        return entries
    }

    @Test("a conversation page: timeline, notes and reply window for its team, recorded as viewed; another team's or an unknown one is a 404 page")
    func conversationPage() async throws {
        try await Self.withFixture { app, store, fixture in
            let alice = try await C.session(store, name: "alice", password: Self.password)
            let mine = try #require(fixture.ids["0001"])
            try await eventually("the citizen's message is not shown to the agent (not classified yet?)") {
                try await C.get(app, "/conversations/\(mine)", session: alice).body.contains("Is my PERMIT ready?")
            }
            let page = try await C.get(app, "/conversations/\(mine)", session: alice)
            #expect(page.status == .ok)
            C.expectPageHeaders(page, "conversation")
            #expect(page.body.contains("<h1>Conversation with Number •••• 0001</h1>"), "\(page.body)")
            #expect(page.body.contains("Is my PERMIT ready?") && page.body.contains("<strong>Citizen</strong>"))
            #expect(page.body.contains("<dt>Team</dt><dd>permits</dd>") && page.body.contains("Open: 23 h"))
            #expect(page.body.contains("<label for=\"reply-text\">Your reply</label>") && page.body.contains("No notes yet."))
            #expect(page.body.contains("data-timeline-poll=\"/conversations/\(mine)?after=\""))
            #expect(page.body.contains("<a href=\"/conversations/\(mine)?check=new#latest\">Check for new messages</a>"))
            #expect(!page.body.contains("16505550001"), "the whole number is never shown")

            let viewed = try await Self.entries(store).filter { $0.type == "access.viewed" && $0.actor == "staff:alice" }
            #expect(viewed.contains { $0.header.contains("GET /conversations/{id}") && $0.header.contains("messages.read") }, "\(viewed)")
            #expect(viewed.contains { $0.header.contains("GET /conversations/{id}") && $0.header.contains("notes.read") }, "\(viewed)")

            // Another team's conversation, a made-up id: the 404 page; the probe is on the record.
            let theirs = try #require(fixture.ids["0002"])
            for path in ["/conversations/\(theirs)", "/conversations/not-an-id", "/conversations/\(theirs)?after=0"] {
                let answer = try await C.get(app, path, session: alice)
                #expect(answer.status == .notFound && answer.body.contains("<h1>Page not found</h1>"), "\(path)")
                #expect(!answer.body.contains("Pothole"), "\(path)")
            }
            let denied = try await Self.entries(store).filter { $0.type == "access.denied" && $0.actor == "staff:alice" }
            #expect(denied.contains { $0.header.contains("GET /conversations/{id}") }, "\(denied)")

            // The polling fragment: the messages after a position, nothing when there is none.
            let fragment = try await C.get(app, "/conversations/\(mine)?after=0", session: alice)
            #expect(fragment.status == .ok && fragment.body.hasPrefix("<li class=\"message message-in\" data-position=\""), "\(fragment.body)")
            #expect(fragment.body.contains("Is my PERMIT ready?") && !fragment.body.contains("<html"))
            let nothing = try await C.get(app, "/conversations/\(mine)?after=999999", session: alice)
            #expect(nothing.status == .ok && nothing.body.isEmpty)

            // Outside the window: the template form and why.
            let old = try await C.get(app, "/conversations/\(try #require(fixture.ids["0003"]))", session: alice)
            #expect(old.status == .ok && old.body.contains("more than 24 hours old") && old.body.contains("<label for=\"template-name\">"))
            #expect(!old.body.contains("reply-text"))
        }
    }

    @Test("reply, note, assignment, state and read mark do what the API's commands do; a forged form changes nothing")
    func commands() async throws {
        try await Self.withFixture { app, store, fixture in
            let alice = try await C.session(store, name: "alice", password: Self.password)
            let id = try #require(fixture.ids["0001"])
            let page = try await C.get(app, "/conversations/\(id)", session: alice)
            let csrf = try #require(C.csrf(in: page.body))
            let count = { (type: String) in try await Self.entries(store).filter { $0.type == type && $0.actor == "staff:alice" }.count }

            // Forged: no token, a wrong token.
            for token in [nil, "forged"] {
                let forged = try await C.post(app, "/conversations/\(id)/reply", session: alice, csrf: token, [("text", "Forged reply")])
                #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"))
                let note = try await C.post(app, "/conversations/\(id)/notes", session: alice, csrf: token, [("text", "Forged note")])
                #expect(note.status == .forbidden)
            }
            #expect(try await count("message.send.requested") == 0)
            #expect(try await count("note.added") == 0)

            // Reply: recorded as the send API records it, and shown on the timeline.
            let empty = try await C.post(app, "/conversations/\(id)/reply", session: alice, csrf: csrf, [("text", "  ")])
            #expect(empty.status == .unprocessableContent && empty.body.contains("id=\"reply-text-error\""))
            #expect(empty.body.contains("aria-describedby=\"reply-text-hint reply-text-error\""))
            let key = "form-key-1"
            let sent = try await C.post(
                app, "/conversations/\(id)/reply", session: alice, csrf: csrf, [("text", "Your permit is ready."), ("idempotency", key)])
            #expect(sent.status == .seeOther && sent.headers[.location] == "/conversations/\(id)?done=sent")
            let again = try await C.post(
                app, "/conversations/\(id)/reply", session: alice, csrf: csrf, [("text", "Your permit is ready."), ("idempotency", key)])
            #expect(again.status == .seeOther)
            #expect(try await count("message.send.requested") == 1, "the same form sent twice records one message")
            try await eventually("the reply is not on the timeline") {
                let after = try await C.get(app, "/conversations/\(id)?done=sent", session: alice)
                return after.body.contains("Your permit is ready.") && after.body.contains("Sent by the agency")
                    && after.body.contains("role=\"status\">Your message is recorded")
            }

            // A note, on the record and in the API's notes.
            let note = try await C.post(app, "/conversations/\(id)/notes", session: alice, csrf: csrf, [("text", "Called the citizen back.")])
            #expect(note.status == .seeOther && note.headers[.location] == "/conversations/\(id)?done=note")
            try await eventually("the note is not in GET /v1/conversations/{id}/notes") {
                try await app.execute(uri: "/v1/conversations/\(id)/notes", method: .get, headers: [.authorization: "Bearer \(fixture.token)"]) {
                    String(buffer: $0.body)
                }.contains("Called the citizen back.")
            }

            // Assignment: to herself; to someone else is refused with the command's reason.
            let me = try await C.post(app, "/conversations/\(id)/assignment", session: alice, csrf: csrf, [("assignee", "alice")])
            #expect(me.status == .seeOther)
            let other = try await C.post(app, "/conversations/\(id)/assignment", session: alice, csrf: csrf, [("assignee", "sam")])
            #expect(other.status == .unprocessableContent && other.body.contains("An agent may assign a conversation only to themselves"))
            #expect(other.body.contains("id=\"assign-to-error\""))

            // State and read mark.
            let closed = try await C.post(app, "/conversations/\(id)/state", session: alice, csrf: csrf, [("state", "closed")])
            #expect(closed.status == .seeOther)
            let bad = try await C.post(app, "/conversations/\(id)/state", session: alice, csrf: csrf, [("state", "gone")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("role=\"alert\""))
            let read = try await C.post(app, "/conversations/\(id)/read", session: alice, csrf: csrf, [])
            #expect(read.status == .seeOther)
            try await eventually("the inbox does not show the assignment, state and read mark") {
                let item = try await Self.inboxItem(app, token: fixture.token, id: id)
                return item?["assignee"]?.string == "alice" && item?["state"]?.string == "closed"
            }
            for type in ["conversation.assigned", "conversation.closed", "note.added", "conversation.read_marked"] {
                #expect(try await count(type) == 1, "\(type)")
            }

            // Another team's conversation: the 404 page, nothing recorded.
            let theirs = try #require(fixture.ids["0002"])
            let refused = try await C.post(app, "/conversations/\(theirs)/reply", session: alice, csrf: csrf, [("text", "Not mine")])
            #expect(refused.status == .notFound)
            #expect(try await count("message.send.requested") == 1)

            // Outside the window: text is refused by the send path, a template goes through.
            let oldID = try #require(fixture.ids["0003"])
            let text = try await C.post(app, "/conversations/\(oldID)/reply", session: alice, csrf: csrf, [("text", "Hello again")])
            #expect(text.status == .unprocessableContent && text.body.contains("24-hour window has closed"))
            let template = try await C.post(
                app, "/conversations/\(oldID)/reply", session: alice, csrf: csrf, [("template", "hello_world"), ("language", "en_US")])
            #expect(template.status == .seeOther)
            let requested = try await Self.entries(store).filter { $0.type == "message.send.requested" }
            #expect(requested.count == 2 && requested.last?.header.contains("template") == true, "\(requested)")
        }
    }

    @Test("the routing page lists the rules; a supervisor adds and removes one as PUT /v1/routing/rules does; an agent may not")
    func routing() async throws {
        try await Self.withFixture { app, store, fixture in
            let sam = try await C.session(store, name: "sam", password: Self.password)
            let page = try await C.get(app, "/routing", session: sam)
            #expect(page.status == .ok && page.body.contains("<th scope=\"row\">p</th>") && page.body.contains("<strong>general</strong>"))
            C.expectPageHeaders(page, "routing")
            let csrf = try #require(C.csrf(in: page.body))
            let rules = {
                try await app.execute(uri: "/v1/routing/rules", method: .get, headers: [.authorization: "Bearer \(fixture.token)"]) {
                    String(buffer: $0.body)
                }
            }
            /// The rule set position the page's forms are based on.
            let basedOn = { (html: String) -> String in
                guard let range = html.range(of: "name=\"based_on\" value=\"") else { return "" }
                return String(html[range.upperBound...].prefix { $0 != "\"" })
            }
            let shown = basedOn(page.body)
            #expect(!shown.isEmpty && shown != "0")

            let forged = try await C.post(
                app, "/routing", session: sam, csrf: nil, [("action", "add"), ("based_on", shown), ("id", "roads"), ("team", "roads")])
            #expect(forged.status == .forbidden)
            #expect(!(try await rules()).contains("roads"))

            let added = try await C.post(
                app, "/routing", session: sam, csrf: csrf,
                [("action", "add"), ("based_on", shown), ("id", "roads"), ("team", "roads"), ("keywords", "pothole, street light")])
            #expect(added.status == .seeOther && added.headers[.location]?.hasPrefix("/routing?done=added&set=") == true)
            try await eventually("the new rule is not in GET /v1/routing/rules") {
                let after = try await rules()
                return after.contains("\"roads\"") && after.contains("street light")
            }
            let listed = try await C.get(app, "/routing?done=added", session: sam)
            #expect(listed.body.contains("<th scope=\"row\">roads</th>") && listed.body.contains("pothole, street light"))
            #expect(listed.body.contains("role=\"status\">The rule is added."))

            // A form based on rules that have changed since changes nothing.
            let stale = try await C.post(app, "/routing", session: sam, csrf: csrf, [("action", "remove"), ("based_on", shown), ("rule", "p")])
            #expect(stale.status == .unprocessableContent && stale.body.contains("have changed since this page was opened"))
            let current = basedOn(listed.body)
            let bad = try await C.post(
                app, "/routing", session: sam, csrf: csrf, [("action", "add"), ("based_on", current), ("id", "x"), ("team", "no spaces allowed")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("id=\"rule-team-error\""), "\(bad.body)")
            let twice = try await C.post(
                app, "/routing", session: sam, csrf: csrf, [("action", "add"), ("based_on", current), ("id", "roads"), ("team", "roads")])
            #expect(twice.status == .unprocessableContent && twice.body.contains("id=\"rule-id-error\""))

            let removed = try await C.post(app, "/routing", session: sam, csrf: csrf, [("action", "remove"), ("based_on", current), ("rule", "p")])
            #expect(removed.status == .seeOther)
            try await eventually("the removed rule is still in GET /v1/routing/rules") {
                let final = try await rules()
                return !final.contains("\"permits\"") && final.contains("\"roads\"")
            }
            let sets = try await Self.entries(store).filter { $0.type == "routing.rules.set" && $0.actor == "staff:sam" }
            #expect(sets.count == 3, "the fixture's rule set and the two accepted changes, nothing for the refused ones")

            let alice = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, "/routing", session: alice).status == .forbidden)
        }
    }

    @Test("the analytics page: per team an SVG bar chart and the same figures as a table, every day's row; a bad range is a field error")
    func analytics() async throws {
        try await Self.withFixture { app, store, _ in
            let sam = try await C.session(store, name: "sam", password: Self.password)
            try await eventually("the analytics page does not show both teams") {
                let page = try await C.get(app, "/analytics", session: sam)
                return page.status == .ok && page.body.contains("<th scope=\"row\">permits</th>") && page.body.contains("<th scope=\"row\">general</th>")
            }
            let page = try await C.get(app, "/analytics", session: sam)
            C.expectPageHeaders(page, "analytics")
            #expect(page.body.contains("<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\""))
            #expect(page.body.contains(">permits</text>") && page.body.contains(">1 in</text>"))
            #expect(page.body.contains("<caption id=\"days-caption\">") && page.body.contains("counted in the UTC time zone"))
            let reversed = try await C.get(app, "/analytics?from=2026-12-07&to=2026-12-01", session: sam)
            #expect(reversed.status == .unprocessableContent && reversed.body.contains("id=\"analytics-to-error\""), "\(reversed.body)")
            let bad = try await C.get(app, "/analytics?from=yesterday&to=2026-12-01", session: sam)
            #expect(bad.status == .unprocessableContent && bad.body.contains("id=\"analytics-from-error\""))
        }
    }
}
