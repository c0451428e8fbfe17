import Events
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

/// Automatic acknowledgements and out-of-hours replies (issue 6, item 6): each reply goes
/// through the send path with the rule as actor, once, whatever restarts.
@Suite("Automation service")
struct AutomationServiceTests {
    static let acknowledgement = AutomationRule(id: "ack", kind: .acknowledgement, text: "Thank you, we received your message.")
    static let afterHours = AutomationRule(id: "after-hours", kind: .outOfHours, text: "Our office is closed; we answer from 8:00.")
    /// Monday to Friday, 08:00–17:00 in Olympia.
    static let hours = try! BusinessHours(
        timezone: "America/Los_Angeles",
        weekly: [
            .monday: [.init(open: 480, close: 1020)], .tuesday: [.init(open: 480, close: 1020)], .wednesday: [.init(open: 480, close: 1020)],
            .thursday: [.init(open: 480, close: 1020)], .friday: [.init(open: 480, close: 1020)],
        ])

    static func service(_ store: LedgerStore, at clock: @escaping @Sendable () -> Date) -> AutomationService {
        AutomationService(ledger: mediaLedger, store: store, clock: clock, logger: ScratchDatabase.logger)
    }

    /// The recorded automatic send requests: (header, payload, actor).
    static func replies(_ store: LedgerStore) async throws -> [(header: JSONValue, body: JSONValue, actor: String)] {
        try await recordedEvents(OutboundEventType.sendRequested, store: store).map {
            (try JSONValue.parse(Array($0.entry.header.utf8)), try JSONValue.parse($0.payload), $0.entry.actor)
        }.filter { $0.header.text("via") == "automation" }
    }

    static func receive(_ id: String, at time: LedgerTimestamp, text: String = "Hello?", store: LedgerStore, runner: ProjectionRunner) async throws -> Int64 {
        let events = try SendFixture.inbound(at: time, id: id, text: text)
        let receipts = try await store.append(events, to: mediaLedger)
        try await runner.catchUpAll()
        let index = try #require(events.firstIndex { $0.eventType == WhatsAppEventType.messageReceived })
        return receipts[index].position
    }

    @Test(
        "an acknowledgement answers a new conversation once, as rule:<id> via automation, and the dispatcher sends it; not the second message, not again after a restart"
    )
    func acknowledgesOnce() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let start = LedgerTimestamp.now()
                    let runner = makeRunner(store)
                    try await AutomationRules(store: store, ledger: mediaLedger).set(AutomationRuleSet(rules: [Self.acknowledgement]), actor: "staff:sam")
                    let first = try await Self.receive("wamid.in-1", at: start, store: store, runner: runner)
                    let clock: @Sendable () -> Date = { start.plus(seconds: 5).date }
                    #expect(try await Self.service(store, at: clock).runRound() == 1)

                    var replies = try await Self.replies(store)
                    try #require(replies.count == 1)
                    #expect(replies[0].actor == "rule:ack")
                    #expect(replies[0].header.text("via") == "automation")
                    #expect(replies[0].header.text("idempotency_key") == "auto:ack:\(first)")
                    #expect(replies[0].body["text"]?.text("body") == Self.acknowledgement.text)
                    try await runner.catchUpAll()
                    let dispatcher = try SendFixture.dispatcher(graph, store: store)
                    #expect(try await dispatcher.runRound(now: { start.plus(seconds: 6) }).count == 1)
                    let sent = await graph.sentMessages()
                    try #require(sent.count == 1)
                    #expect(try JSONValue.parse(sent[0].body)["text"]?.text("body") == Self.acknowledgement.text)
                    #expect(try JSONValue.parse(sent[0].body).text("to") == SendFixture.citizen)

                    // The citizen writes again: no second acknowledgement, from a new service (a restart) too.
                    _ = try await Self.receive("wamid.in-2", at: start.plus(seconds: 30), store: store, runner: runner)
                    #expect(try await Self.service(store, at: { start.plus(seconds: 35).date }).runRound() == 1)
                    #expect(try await Self.replies(store).count == 1)

                    // A crash after recording the reply but before saving progress: looked at again, nothing new.
                    try await database.asSuperuser { owner in
                        try await owner.perform("UPDATE automation_progress SET last_position = 0", logger: ScratchDatabase.logger)
                        try await owner.perform("DELETE FROM automation_replies", logger: ScratchDatabase.logger)
                    }
                    #expect(try await Self.service(store, at: { start.plus(seconds: 40).date }).runRound() == 2)
                    replies = try await Self.replies(store)
                    #expect(replies.count == 1, "the idempotency key auto:ack:\(first) recorded it once")
                    #expect(try await scalar(store.client, "SELECT count(*) FROM automation_replies", as: Int64.self) == 1)
                    try await runner.catchUpAll()
                    #expect(try await dispatcher.runRound(now: { start.plus(seconds: 45) }).isEmpty)
                    #expect(await graph.sentMessages().count == 1)
                }
            }
        }
    }

    @Test("the first message after the conversation was closed is acknowledged again; the next one is not")
    func acknowledgesAfterClose() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let start = LedgerTimestamp.now()
                let runner = makeRunner(store)
                try await AutomationRules(store: store, ledger: mediaLedger).set(AutomationRuleSet(rules: [Self.acknowledgement]), actor: "staff:sam")
                let service = Self.service(store, at: { start.plus(seconds: 600).date })
                _ = try await Self.receive("wamid.a", at: start, store: store, runner: runner)
                _ = try await Self.receive("wamid.b", at: start.plus(seconds: 10), store: store, runner: runner)
                try await service.runRound()
                #expect(try await Self.replies(store).count == 1)

                try await Self.inboxEvent("conversation.closed", at: start.plus(seconds: 20), store: store)
                let reopening = try await Self.receive("wamid.c", at: start.plus(seconds: 30), store: store, runner: runner)
                try await Self.inboxEvent("conversation.reopened", at: start.plus(seconds: 31), store: store, automatic: true)
                _ = try await Self.receive("wamid.d", at: start.plus(seconds: 40), store: store, runner: runner)
                try await service.runRound()
                let replies = try await Self.replies(store)
                #expect(replies.count == 2)
                #expect(replies.last?.header.text("idempotency_key") == "auto:ack:\(reopening)")
            }
        }
    }

    static func inboxEvent(_ type: String, at time: LedgerTimestamp, store: LedgerStore, automatic: Bool? = nil) async throws {
        var header: [String: JSONValue] = ["v": .integer(1), "conversation": .string(SendFixture.conversation)]
        if let automatic { header["automatic"] = .bool(automatic) }
        let text = try JSONValue.object(header).encoded()
        _ = try await store.append(
            NewEvent(
                stream: "inbox/\(SendFixture.conversation)", eventType: type, occurredAt: time, actor: "staff:sam",
                header: String(decoding: text, as: UTF8.self), payload: text), to: mediaLedger)
    }

    @Test("an out-of-hours rule answers only outside business hours, at most once per conversation per 12 hours; it replaces the acknowledgement")
    func outOfHours() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let runner = makeRunner(store)
                try await AutomationRules(store: store, ledger: mediaLedger).set(
                    AutomationRuleSet(rules: [Self.afterHours, Self.acknowledgement], businessHours: Self.hours), actor: "staff:sam")
                // Monday 30 November 2026, 22:00 in Olympia (Tuesday 06:00 UTC): closed.
                let night = LedgerTimestamp(microseconds: 1_796_104_800 * 1_000_000)
                #expect(!Self.hours.isOpen(at: night.date))
                let service = Self.service(store, at: { night.plus(seconds: 60).date })
                let first = try await Self.receive("wamid.n1", at: night, store: store, runner: runner)
                try await service.runRound()
                var replies = try await Self.replies(store)
                try #require(replies.count == 1, "the out-of-hours reply, and no acknowledgement besides")
                #expect(replies[0].actor == "rule:after-hours")
                #expect(replies[0].header.text("idempotency_key") == "auto:after-hours:\(first)")

                // An hour later, still night: within 12 hours, no second reply.
                _ = try await Self.receive("wamid.n2", at: night.plus(seconds: 3600), store: store, runner: runner)
                try await Self.service(store, at: { night.plus(seconds: 3660).date }).runRound()
                #expect(try await Self.replies(store).count == 1)

                // Tuesday 10:00 in Olympia: open, no reply (and the conversation is not new).
                let morning = night.plus(seconds: 12 * 3600)
                #expect(Self.hours.isOpen(at: morning.date))
                _ = try await Self.receive("wamid.m1", at: morning, store: store, runner: runner)
                try await Self.service(store, at: { morning.plus(seconds: 60).date }).runRound()
                #expect(try await Self.replies(store).count == 1)

                // Tuesday 21:00: closed again, 23 hours after the last out-of-hours reply.
                let evening = night.plus(seconds: 23 * 3600)
                let late = try await Self.receive("wamid.e1", at: evening, store: store, runner: runner)
                try await Self.service(store, at: { evening.plus(seconds: 60).date }).runRound()
                replies = try await Self.replies(store)
                #expect(replies.count == 2)
                #expect(replies.last?.header.text("idempotency_key") == "auto:after-hours:\(late)")
            }
        }
    }

    @Test("during business hours a new conversation gets the acknowledgement, not the out-of-hours reply; a rule for another number stays silent")
    func inHoursAcknowledgement() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let runner = makeRunner(store)
                var other = Self.acknowledgement
                other.id = "ack-other"
                other.phoneNumberID = "999"
                try await AutomationRules(store: store, ledger: mediaLedger).set(
                    AutomationRuleSet(rules: [Self.afterHours, other], businessHours: Self.hours), actor: "staff:sam")
                // Tuesday 1 December 2026, 10:00 in Olympia.
                let morning = LedgerTimestamp(microseconds: (1_796_104_800 + 12 * 3600) * 1_000_000)
                _ = try await Self.receive("wamid.m1", at: morning, store: store, runner: runner)
                try await Self.service(store, at: { morning.plus(seconds: 60).date }).runRound()
                #expect(try await Self.replies(store).isEmpty, "in hours, and the only acknowledgement is for number 999")

                var mine = Self.acknowledgement
                mine.phoneNumberID = SendFixture.phoneNumberID
                try await AutomationRules(store: store, ledger: mediaLedger).set(
                    AutomationRuleSet(rules: [Self.afterHours, other, mine], businessHours: Self.hours), actor: "staff:sam")
                try await store.client.perform("UPDATE automation_progress SET last_position = 0", logger: ScratchDatabase.logger)
                try await Self.service(store, at: { morning.plus(seconds: 120).date }).runRound()
                let replies = try await Self.replies(store)
                #expect(replies.map(\.actor) == ["rule:ack"])
            }
        }
    }

    @Test("messages older than the reply delay (a backlog, history) get no reply; without enabled rules the service only moves on")
    func staleAndDisabled() async throws {
        try await SendFixture.with { _, store, runner, start in
            // No rules: progress moves to the projection's position.
            #expect(try await Self.service(store, at: { start.plus(seconds: 5).date }).runRound() == 0)
            let progress = try await scalar(store.client, "SELECT last_position FROM automation_progress", as: Int64.self)
            #expect(
                progress == (try await scalar(store.client, "SELECT last_position FROM projection_state WHERE projection = 'conversations'", as: Int64.self)))

            var disabled = Self.acknowledgement
            disabled.enabled = false
            try await AutomationRules(store: store, ledger: mediaLedger).set(AutomationRuleSet(rules: [disabled]), actor: "staff:sam")
            try await store.client.perform("UPDATE automation_progress SET last_position = 0", logger: ScratchDatabase.logger)
            try await Self.service(store, at: { start.plus(seconds: 5).date }).runRound()
            #expect(try await Self.replies(store).isEmpty, "a disabled rule answers nothing")

            try await AutomationRules(store: store, ledger: mediaLedger).set(AutomationRuleSet(rules: [Self.acknowledgement]), actor: "staff:sam")
            try await store.client.perform("UPDATE automation_progress SET last_position = 0", logger: ScratchDatabase.logger)
            try await Self.service(store, at: { start.plus(seconds: 2 * 3600).date }).runRound()
            #expect(try await Self.replies(store).isEmpty, "two hours late: no acknowledgement")
            _ = runner
        }
    }

    @Test("a rule set is recorded as automation.rules.set with its setter as actor; the newest wins; rebuild equals live")
    func recordsRuleSets() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let rules = AutomationRules(store: store, ledger: mediaLedger)
                #expect(try await rules.current() == nil)
                try await rules.set(AutomationRuleSet(rules: [Self.acknowledgement]), actor: "staff:sam")
                let second = try await rules.set(
                    AutomationRuleSet(rules: [Self.afterHours, Self.acknowledgement], businessHours: Self.hours), actor: "staff:kim")
                let current = try #require(try await rules.current())
                #expect(current == second)
                #expect(current.setBy == "staff:kim")
                #expect(current.rules.rules.map(\.id) == ["after-hours", "ack"])
                #expect(current.rules.businessHours == Self.hours)

                let events = try await recordedEvents(AutomationEventType.rulesSet, store: store)
                #expect(events.map(\.entry.actor) == ["staff:sam", "staff:kim"])
                #expect(events.map(\.entry.stream) == [AutomationEvents.stream, AutomationEvents.stream])
                let header = try JSONValue.parse(Array(events[1].entry.header.utf8))
                #expect(header["enabled"] == .array([.string("after-hours"), .string("ack")]))
                #expect(!events[1].entry.header.contains("closed"), "reply texts stay in the encrypted payload")

                let runner = makeRunner(store)
                try await runner.catchUpAll()
                let live = try await dumpProjections(store.client)
                _ = try await runner.rebuild(AutomationRulesProjection(), ledger: mediaLedger)
                #expect(try await dumpProjections(store.client) == live)
                #expect(try await rules.current() == second)
            }
        }
    }
}
