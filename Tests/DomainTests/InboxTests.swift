import Access
import Foundation
import Inbox
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The team inbox over a real database: routing rules, the router, state changes, assignment
/// rules, notes and read marks, all as ledger events; the inbox projection rebuilds equal to live.
@Suite("Team inbox")
struct InboxTests {
    static let supervisor = StaffPrincipal(name: "sam", roles: [.supervisor], credential: .token(id: "t-sam"))
    static let alice = StaffPrincipal(name: "alice", roles: [.agent], teams: ["permits"], credential: .token(id: "t-alice"))
    static let bob = StaffPrincipal(name: "bob", roles: [.agent], teams: ["permits"], credential: .token(id: "t-bob"))

    /// Numbers, a keyword rule (phrases, accents), after hours in Los Angeles, default front-desk.
    static let rules = #"""
        {"default_team":"front-desk","timezone":"America/Los_Angeles","rules":[
          {"id":"licences","team":"licensing","phone_number_ids":["2222"]},
          {"id":"permits","team":"permits","keywords":["building permit","licencia"]},
          {"id":"after-hours","team":"night","from":"18:00","to":"08:00"}
        ]}
        """#

    static func citizen(_ n: Int) -> FixtureCitizen { FixtureCitizen(waID: "1650555\(String(format: "%04d", n))") }

    /// A citizen's text; `seconds` after 2025-11-01T00:00:00Z (17:00 on Friday in Los Angeles).
    static func message(_ id: String, from n: Int, text: String, at seconds: Int64, number: String = WhatsAppFixtures.phoneNumberID) -> NewEvent {
        WhatsAppFixtures.message(id, from: citizen(n), at: seconds, body: ["body": text], number: number)
    }

    static func conversation(_ n: Int, number: String = WhatsAppFixtures.phoneNumberID) -> String {
        WhatsAppFixtures.stream(citizen(n), number: number)
    }

    static func router(_ store: LedgerStore) -> InboxRouter {
        InboxRouter(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
    }

    static func item(_ store: LedgerStore, _ conversation: String, user: String = "sam") async throws -> InboxItem {
        try #require(try await InboxQueries(store: store).item(ledger: mediaLedger, conversation: conversation, user: user))
    }

    static func withInbox(_ body: @Sendable (LedgerStore, ProjectionRunner) async throws -> Void) async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                try await body(store, makeRunner(store))
            }
        }
    }

    @Test("new conversations are routed by business number, keyword (case and accents ignored), time of day, else the default team; once")
    func routing() async throws {
        try await Self.withInbox { store, runner in
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            _ = try await commands.setRoutingRules(try RoutingRuleSet.parse(Array(Self.rules.utf8)), by: Self.supervisor)
            let afternoon: Int64 = 20 * 3600  // 13:00 on Saturday in Los Angeles
            _ = try await store.append(
                [
                    Self.message("wamid.a", from: 1, text: "hello", at: afternoon, number: "2222"),
                    Self.message("wamid.b", from: 2, text: "Necesito una LICÉNCIA, por favor", at: afternoon),
                    Self.message("wamid.c", from: 3, text: "Where do I get a Building-Permit?", at: afternoon),
                    Self.message("wamid.d", from: 4, text: "hello", at: 5 * 3600),  // 22:00 on Friday in Los Angeles
                    Self.message("wamid.e", from: 5, text: "permits for building?", at: afternoon),
                ], to: mediaLedger)
            try await runner.catchUpAll()
            let router = Self.router(store)
            #expect(try await router.runRound() == 5)
            try await runner.catchUpAll()

            let queries = InboxQueries(store: store)
            var teams: [String?] = []
            for (n, number) in [
                (1, "2222"), (2, WhatsAppFixtures.phoneNumberID), (3, WhatsAppFixtures.phoneNumberID), (4, WhatsAppFixtures.phoneNumberID),
                (5, WhatsAppFixtures.phoneNumberID),
            ] {
                teams.append(try await queries.team(ledger: mediaLedger, conversation: Self.conversation(n, number: number)))
            }
            #expect(teams == ["licensing", "permits", "permits", "night", "front-desk"])
            let routed = try await SendFixture.headers(InboxEventType.routed, store: store)
            #expect(routed.map { $0.text("rule") } == ["licences", "permits", "permits", "after-hours", "default"])
            #expect(try await recordedEvents(InboxEventType.routed, store: store).allSatisfy { $0.entry.actor == "system:router" })
            let item = try await Self.item(store, Self.conversation(3))
            #expect(item.state == "open" && item.assignee == nil)

            // Nothing left; a restart that lost the projection's rows records nothing twice.
            #expect(try await router.runRound() == 0)
            try await store.client.query("UPDATE inbox_conversations SET team = NULL", logger: ScratchDatabase.logger)
            _ = try await Self.router(store).runRound()
            #expect(try await SendFixture.headers(InboxEventType.routed, store: store).count == 5)

            // The rule set is on the record, with who set it; the projection holds it.
            let current = try await queries.routingRules(ledger: mediaLedger)
            #expect(current.rules.defaultTeam == "front-desk" && current.rules.rules.map(\.id) == ["licences", "permits", "after-hours"])
            #expect(current.actor == "staff:sam")
        }
    }

    @Test("the router waits until the inbox projection has passed a conversation's first message: a rule set recorded just before it applies")
    func rulesBeforeMessage() async throws {
        try await Self.withInbox { store, runner in
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            _ = try await commands.setRoutingRules(try RoutingRuleSet.parse(Array(#"{"default_team":"permits"}"#.utf8)), by: Self.supervisor)
            _ = try await store.append(Self.message("wamid.1", from: 1, text: "hi", at: 100), to: mediaLedger)
            _ = try await runner.catchUp(ConversationsProjection(), ledger: mediaLedger)
            let router = Self.router(store)
            #expect(try await router.runRound() == 0, "the inbox projection has not seen the rule set yet")
            try await runner.catchUpAll()
            #expect(try await router.runRound() == 1)
            try await runner.catchUpAll()
            #expect(try await InboxQueries(store: store).team(ledger: mediaLedger, conversation: Self.conversation(1)) == "permits")
        }
    }

    @Test("the router looks at the ledger window by window: with a window of 2 positions every conversation is still routed once")
    func smallWindows() async throws {
        try await Self.withInbox { store, runner in
            for n in 1...5 { _ = try await store.append(Self.message("wamid.\(n)", from: n, text: "hi", at: Int64(100 + n)), to: mediaLedger) }
            _ = try await store.append(Self.message("wamid.6", from: 1, text: "again", at: 200), to: mediaLedger)
            try await runner.catchUpAll()
            let router = InboxRouter(ledger: mediaLedger, store: store, batchSize: 2, logger: ScratchDatabase.logger)
            var appended: [Int] = []
            for _ in 0..<6 { appended.append(try await router.runRound()) }
            // Two positions a round. The sixth message is the first citizen's again: their routing is
            // not applied yet, so it is asked again and found already recorded (its dedupe key).
            #expect(appended == [2, 2, 2, 0, 0, 0])
            try await runner.catchUpAll()
            #expect(try await SendFixture.headers(InboxEventType.routed, store: store).count == 5)
            let page = try await InboxQueries(store: store).list(ledger: mediaLedger, scope: .teams(["general"]), user: "sam")
            #expect(page.items.count == 5)
        }
    }

    @Test("invalid routing rules are refused naming the field")
    func invalidRules() throws {
        let cases: [(String, String)] = [
            (#"{"rules":[{"id":"x"}]}"#, "rules[0].team"),
            (#"{"rules":[{"id":"x","team":"a","from":"25:00","to":"08:00"}]}"#, "rules[0].from"),
            (#"{"rules":[{"id":"x","team":"a","from":"08:00"}]}"#, "rules[0].to"),
            (#"{"timezone":"Mars/Olympus"}"#, "timezone"),
            (#"{"rules":[{"id":"x","team":"a","days":["funday"]}]}"#, "rules[0].days"),
            (#"{"rules":[{"id":"x","team":"a"},{"id":"x","team":"b"}]}"#, "rules[1].id"),
            (#"{"default_team":"two words"}"#, "default_team"),
            (#"{"rules":[{"id":"x","team":"a","keywrds":["x"]}]}"#, "rules[0].keywrds"),
        ]
        for (body, field) in cases {
            #expect(throws: RoutingRulesError.self, "\(body)") { try RoutingRuleSet.parse(Array(body.utf8)) }
            do {
                _ = try RoutingRuleSet.parse(Array(body.utf8))
            } catch RoutingRulesError.invalid(let named, _) {
                #expect(named == field, "\(body)")
            }
        }
        #expect(RoutingRuleSet.initial.route(phoneNumberID: "1", text: "x", at: Date()) == ("general", "default"))
    }

    @Test("a closed conversation reopens automatically (once) when the citizen writes again; staff reopen is not automatic; rebuild equals live")
    func reopen() async throws {
        try await Self.withInbox { store, runner in
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            let conversation = Self.conversation(1)
            _ = try await store.append(Self.message("wamid.1", from: 1, text: "hi", at: 100), to: mediaLedger)
            try await runner.catchUpAll()
            let router = Self.router(store)
            try await router.runRound()
            try await runner.catchUpAll()
            #expect(try await Self.item(store, conversation).team == "general")

            let closed = try await commands.changeState(try await Self.item(store, conversation), to: "closed", by: Self.supervisor)
            #expect(closed.state == "closed" && closed.positions.count == 1)
            try await runner.catchUpAll()
            #expect(try await router.runRound() == 0, "no message since the closing")
            #expect(try await Self.item(store, conversation).state == "closed")

            _ = try await store.append(Self.message("wamid.2", from: 1, text: "one more thing", at: 200), to: mediaLedger)
            _ = try await store.append(Self.message("wamid.3", from: 1, text: "and another", at: 201), to: mediaLedger)
            try await runner.catchUpAll()
            try await router.runRound()
            _ = try await Self.router(store).runRound()  // a second process before the projection moved
            try await runner.catchUpAll()
            #expect(try await router.runRound() == 0)
            let reopened = try await SendFixture.headers(InboxEventType.reopened, store: store)
            #expect(reopened.count == 1)
            #expect(reopened.first?["automatic"] == .bool(true))
            #expect(try await Self.item(store, conversation).state == "reopened")

            // Staff: pending, then closed, then open again by hand.
            for state in ["pending", "closed", "open"] {
                let outcome = try await commands.changeState(
                    try await Self.item(store, conversation), to: state, by: Self.supervisor)
                #expect(outcome.positions.count == 1, "\(state)")
                try await runner.catchUpAll()
            }
            let again = try await commands.changeState(try await Self.item(store, conversation), to: "open", by: Self.supervisor)
            #expect(again.positions.isEmpty, "already open: nothing recorded")
            let all = try await SendFixture.headers(InboxEventType.reopened, store: store)
            #expect(all.map { $0["automatic"] } == [.bool(true), .bool(false)])
            #expect(try await Self.item(store, conversation).state == "reopened")
            await #expect(throws: InboxCommandError.invalid(field: "state", #"must be "pending", "closed" or "open""#)) {
                try await commands.changeState(try await Self.item(store, conversation), to: "done", by: Self.supervisor)
            }

            let live = try await dumpProjections(store.client)
            #expect(live.contains { $0.hasPrefix("inbox_conversations ") })
            _ = try await runner.rebuild(InboxProjection(), ledger: mediaLedger)
            #expect(try await dumpProjections(store.client) == live)
        }
    }

    @Test("agents assign and unassign only themselves within their teams; a supervisor assigns anyone and transfers")
    func assignment() async throws {
        try await Self.withInbox { store, runner in
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            _ = try await commands.setRoutingRules(try RoutingRuleSet.parse(Array(#"{"rules":[{"id":"all","team":"permits"}]}"#.utf8)), by: Self.supervisor)
            _ = try await store.append(Self.message("wamid.1", from: 1, text: "hi", at: 100), to: mediaLedger)
            try await runner.catchUpAll()
            try await Self.router(store).runRound()
            try await runner.catchUpAll()
            let conversation = Self.conversation(1)
            let assign = { (assignee: String?, team: String?, principal: StaffPrincipal) async throws -> InboxCommands.Outcome in
                let outcome = try await commands.assign(
                    try await Self.item(store, conversation), InboxCommands.Assignment(assignee: assignee, team: team), by: principal)
                try await runner.catchUpAll()
                return outcome
            }
            await #expect(throws: InboxCommandError.self) { try await assign("bob", nil, Self.alice) }
            #expect(try await assign("alice", nil, Self.alice).assignee == "alice")
            await #expect(throws: InboxCommandError.self, "bob may not unassign alice") { try await assign(nil, nil, Self.bob) }
            await #expect(throws: InboxCommandError.self, "not alice's team") { try await assign("alice", "licensing", Self.alice) }
            await #expect(throws: InboxCommandError.invalid(field: "assignee", "must be a user name ([a-z0-9][a-z0-9._-]*, at most 64 characters) or null")) {
                try await assign("Bob Smith", nil, Self.supervisor)
            }
            #expect(try await assign(nil, nil, Self.alice).assignee == nil)
            #expect(try await Self.item(store, conversation).assignee == nil)

            let transfer = try await assign("carol", "licensing", Self.supervisor)
            #expect(transfer.positions.count == 2 && transfer.team == "licensing" && transfer.assignee == "carol")
            let item = try await Self.item(store, conversation)
            #expect(item.team == "licensing" && item.assignee == "carol")
            let routed = try await SendFixture.headers(InboxEventType.routed, store: store)
            #expect(routed.last?.text("rule") == "transfer" && routed.last?.text("previous_team") == "permits")
            #expect(try await recordedEvents(InboxEventType.routed, store: store).last?.entry.actor == "staff:sam")
            let assigned = try await SendFixture.headers(InboxEventType.assigned, store: store)
            #expect(assigned.map { $0["assignee"] } == [.string("alice"), .null, .string("carol")])

            // Alice no longer sees it in her scope (licensing is not her team).
            let page = try await InboxQueries(store: store).list(ledger: mediaLedger, scope: Self.alice.scope(for: .inboxRead), user: "alice")
            #expect(page.items.isEmpty)
            #expect(!Self.alice.scope(for: .inboxRead).includes(team: item.team))
        }
    }

    @Test("unread counts are per agent: inbound messages after each one's read position")
    func unreadPerAgent() async throws {
        try await Self.withInbox { store, runner in
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            _ = try await commands.setRoutingRules(try RoutingRuleSet.parse(Array(#"{"default_team":"permits"}"#.utf8)), by: Self.supervisor)
            _ = try await store.append(Self.message("wamid.1", from: 1, text: "hi", at: 100), to: mediaLedger)
            _ = try await store.append(Self.message("wamid.x", from: 2, text: "other", at: 100), to: mediaLedger)
            try await runner.catchUpAll()
            try await Self.router(store).runRound()
            try await runner.catchUpAll()
            let conversation = Self.conversation(1)
            let latest = try await InboxQueries(store: store).latestMessagePosition(ledger: mediaLedger, conversation: conversation)
            let mark = try await commands.markRead(try await Self.item(store, conversation, user: "alice"), upTo: nil, latest: latest, by: Self.alice)
            #expect(mark.read == latest)
            await #expect(throws: InboxCommandError.self) {
                try await commands.markRead(
                    try await Self.item(store, conversation, user: "bob"), upTo: latest + 100, latest: latest, by: Self.bob)
            }
            _ = try await store.append(Self.message("wamid.2", from: 1, text: "and", at: 200), to: mediaLedger)
            _ = try await store.append(Self.message("wamid.3", from: 1, text: "more", at: 201), to: mediaLedger)
            try await runner.catchUpAll()

            let queries = InboxQueries(store: store)
            #expect(try await Self.item(store, conversation, user: "alice").unread == 2)
            #expect(try await Self.item(store, conversation, user: "bob").unread == 3)
            let unreadForAlice = try await queries.list(
                ledger: mediaLedger, scope: Self.alice.scope(for: .inboxRead), user: "alice", filter: InboxFilter(unreadOnly: true))
            #expect(unreadForAlice.items.map(\.conversationID).sorted() == [conversation, Self.conversation(2)].sorted())
            _ = try await commands.markRead(
                try await Self.item(store, conversation, user: "alice"), upTo: nil,
                latest: try await queries.latestMessagePosition(ledger: mediaLedger, conversation: conversation), by: Self.alice)
            try await runner.catchUpAll()
            let after = try await queries.list(
                ledger: mediaLedger, scope: Self.alice.scope(for: .inboxRead), user: "alice", filter: InboxFilter(unreadOnly: true))
            #expect(after.items.map(\.conversationID) == [Self.conversation(2)])
            #expect(try await Self.item(store, conversation, user: "bob").unread == 3)

            // Filters: assignee none, state, paging.
            let firstPage = try await queries.list(
                ledger: mediaLedger, scope: .all, user: "sam", filter: InboxFilter(state: "open", assignee: .nobody), limit: 1)
            #expect(firstPage.items.count == 1)
            let secondPage = try await queries.list(
                ledger: mediaLedger, scope: .all, user: "sam", filter: InboxFilter(state: "open", assignee: .nobody), limit: 1, cursor: firstPage.nextCursor)
            #expect(secondPage.items.count == 1 && secondPage.nextCursor == nil && secondPage.items[0].conversationID != firstPage.items[0].conversationID)
            #expect(try await queries.list(ledger: mediaLedger, scope: .all, user: "sam", filter: InboxFilter(state: "closed")).items.isEmpty)
        }
    }

    @Test("a note is recorded as note.added with its text in the payload only, and never sent: the Graph API gets nothing")
    func notes() async throws {
        try await SendFixture.with { graph, store, runner, _ in
            try await Self.router(store).runRound()
            try await runner.catchUpAll()
            let commands = InboxCommands(store: store, ledger: mediaLedger)
            let item = try await Self.item(store, SendFixture.conversation)
            let note = try await commands.addNote(item, text: "Citizen called too; permit 42 is late", by: Self.alice)
            await #expect(throws: InboxCommandError.self) { try await commands.addNote(item, text: "   ", by: Self.alice) }
            try await runner.catchUpAll()
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            _ = try await dispatcher.runRound()

            let recorded = try #require(try await recordedEvents(InboxEventType.noteAdded, store: store).first)
            #expect(!recorded.entry.header.contains("permit 42"), "the header never holds the text")
            #expect(try JSONValue.parse(recorded.payload).text("text") == "Citizen called too; permit 42 is late")
            #expect(recorded.entry.actor == "staff:alice")
            let notes = try await InboxQueries(store: store).notes(ledger: mediaLedger, conversation: SendFixture.conversation)
            #expect(notes.map(\.text) == ["Citizen called too; permit 42 is late"] && notes.first?.noteID == note.noteID)
            #expect(await graph.receivedRequests().isEmpty, "nothing reached Meta")
            #expect(try await scalar(store.client, "SELECT count(*) FROM outbox", as: Int64.self) == 0)
        }
    }
}
