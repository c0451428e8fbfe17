import Events
public import Foundation
import Ledger
public import LedgerStore
public import Logging
import Messaging
import PostgresNIO

/// The automation service (docs/operations.md, "Automation"): answers received messages with
/// the automation rules in force, each reply a send request through the normal send path
/// (``SendRequests``) with actor `rule:<id>` and via `automation`; the dispatcher sends it.
///
/// It looks at each `whatsapp.message.received` (inbound) once the `conversations` projection
/// holds it, in ledger order, and keeps how far it got in `automation_progress`:
/// - an `out_of_hours` rule answers a message written outside business hours, at most once per
///   conversation per 12 hours (of the citizen's message times);
/// - otherwise an `acknowledgement` rule answers the first inbound message of a conversation,
///   and the first after the conversation was closed (`conversation.closed` on its
///   `inbox/<conversation>` stream, with no inbound message since).
///
/// Each reply's idempotency key is `auto:<rule id>:<message position>`: a round that is cut
/// short (a crash, a second process) and looked at again records nothing twice. Messages older
/// than ``maxReplyDelay`` when looked at (a backlog after an outage, the history when automation
/// is first enabled) are not answered. Wake it (``wake()``) when the conversations projection moved.
public final class AutomationService: Worker {
    let store: LedgerStore
    let sends: SendRequests
    /// The oldest message that still gets an automatic reply.
    public let maxReplyDelay: Duration
    let clock: @Sendable () -> Date
    /// The settings; `batchSize`: the most received messages looked at per round.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "automation round failed"

    /// An out-of-hours rule answers a conversation at most once in this time.
    public static let outOfHoursInterval: Int64 = 12 * 3600 * 1_000_000
    /// Message types that are no message to answer.
    static let unanswered: Set<String> = ["reaction", "system", "unsupported", "errors"]

    public init(
        ledger: String, store: LedgerStore, batchSize: Int = 100, pollInterval: Duration = .seconds(10),
        maxReplyDelay: Duration = .seconds(3600), clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.store = store
        self.sends = SendRequests(store: store, ledger: ledger)
        self.maxReplyDelay = maxReplyDelay
        self.clock = clock
    }

    /// One round as the loop runs it: after a full batch the next starts soon.
    public func round() async throws -> Duration {
        try await runRound() == batchSize ? .milliseconds(50) : pollInterval
    }

    /// A received message the service looks at.
    struct Inbound: Sendable {
        var position: Int64
        var conversation: String
        var occurredUs: Int64
        var type: String?
        var phoneNumberID: String
    }

    /// One round: looks at up to ``batchSize`` received messages the conversations projection holds.
    /// - Returns: how many messages were looked at.
    @discardableResult
    public func runRound() async throws -> Int {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return 0
        }
        let bound = try await conversationsPosition(ref)
        try await store.client.perform(
            "INSERT INTO automation_progress (ledger_id) VALUES (\(ref.id)) ON CONFLICT (ledger_id) DO NOTHING", logger: logger)
        let rules = try await AutomationRules.current(ledger: ref, on: store.client, logger: logger)?.rules
        let now = clock()
        return try await store.withTransaction { connection in
            // The row lock makes a second process wait for this round, then go on from where it ended.
            var last: Int64 = 0
            for try await position in try await connection.query(
                "SELECT last_position FROM automation_progress WHERE ledger_id = \(ref.id) FOR UPDATE", logger: logger
            ).decode(Int64.self) { last = position }
            guard bound > last else { return 0 }
            guard let rules, rules.hasEnabledRules else {
                try await self.advance(ref, to: bound, on: connection)
                return 0
            }
            var messages: [Inbound] = []
            let rows = try await connection.query(
                """
                SELECT m.position, m.conversation_id, m.occurred_at_us, m.message_type, c.phone_number_id
                FROM conversation_messages m JOIN conversations c ON c.ledger_id = m.ledger_id AND c.id = m.conversation_id
                WHERE m.ledger_id = \(ref.id) AND m.direction = 'inbound' AND m.position > \(last) AND m.position <= \(bound)
                ORDER BY m.position LIMIT \(self.batchSize)
                """, logger: self.logger)
            for try await (position, conversation, occurred, type, number) in rows.decode((Int64, String, Int64, String?, String).self) {
                messages.append(Inbound(position: position, conversation: conversation, occurredUs: occurred, type: type, phoneNumberID: number))
            }
            for message in messages {
                try await self.answer(message, rules: rules, ledger: ref, now: now, on: connection)
            }
            let reached = messages.count == self.batchSize ? messages[messages.count - 1].position : bound
            try await self.advance(ref, to: reached, on: connection)
            return messages.count
        }
    }

    private func advance(_ ref: LedgerRef, to position: Int64, on connection: PostgresConnection) async throws {
        try await connection.perform(
            """
            UPDATE automation_progress SET last_position = GREATEST(last_position, \(position)), updated_at = now()
            WHERE ledger_id = \(ref.id)
            """, logger: logger)
    }

    /// How far the conversations projection has applied this ledger.
    private func conversationsPosition(_ ref: LedgerRef) async throws -> Int64 {
        let rows = try await store.client.query(
            "SELECT last_position FROM projection_state WHERE projection = 'conversations' AND ledger_id = \(ref.id)", logger: logger)
        for try await position in rows.decode(Int64.self) { return position }
        return 0
    }

    /// Decides which rules answer `message` and records their replies.
    private func answer(_ message: Inbound, rules: AutomationRuleSet, ledger: LedgerRef, now: Date, on connection: PostgresConnection) async throws {
        if let type = message.type, Self.unanswered.contains(type) { return }
        let nowUs = LedgerTimestamp(now).microseconds
        let maxDelayUs = maxReplyDelay.components.seconds * 1_000_000 + maxReplyDelay.components.attoseconds / 1_000_000_000_000
        guard message.occurredUs >= nowUs - maxDelayUs else { return }
        let written = LedgerTimestamp(microseconds: message.occurredUs).date
        if let rule = rules.rule(.outOfHours, forNumber: message.phoneNumberID), let hours = rules.businessHours, !hours.isOpen(at: written) {
            // Outside hours the out-of-hours rule speaks (or, within its 12 hours, nobody does).
            if try await !repliedOutOfHours(message, ledger: ledger, on: connection) {
                try await reply(rule, to: message, ledger: ledger, now: now, on: connection)
            }
            return
        }
        if let rule = rules.rule(.acknowledgement, forNumber: message.phoneNumberID), try await opensConversation(message, ledger: ledger, on: connection) {
            try await reply(rule, to: message, ledger: ledger, now: now, on: connection)
        }
    }

    /// Whether an out-of-hours reply answered this conversation in the 12 hours before `message`.
    private func repliedOutOfHours(_ message: Inbound, ledger: LedgerRef, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT 1 FROM automation_replies
            WHERE ledger_id = \(ledger.id) AND conversation_id = \(message.conversation) AND kind = 'out_of_hours'
              AND message_at_us > \(message.occurredUs - Self.outOfHoursInterval) AND message_position < \(message.position)
            LIMIT 1
            """, logger: logger
        ).collect()
        return !rows.isEmpty
    }

    /// Whether `message` is the first inbound message of its conversation, or the first since it
    /// was closed (the last state change before it is `conversation.closed`, after the previous
    /// inbound message).
    func opensConversation(_ message: Inbound, ledger: LedgerRef, on connection: PostgresConnection) async throws -> Bool {
        var previous: Int64?
        for try await position in try await connection.query(
            """
            SELECT max(position) FROM conversation_messages
            WHERE ledger_id = \(ledger.id) AND conversation_id = \(message.conversation) AND direction = 'inbound' AND position < \(message.position)
            """, logger: logger
        ).decode(Int64?.self) { previous = position }
        guard let previous else { return true }
        let stream = "inbox/\(message.conversation)"
        for try await (position, type) in try await connection.query(
            """
            SELECT position, event_type FROM ledger_entries
            WHERE ledger_id = \(ledger.id) AND stream = \(stream) AND position < \(message.position)
              AND event_type IN ('conversation.closed', 'conversation.reopened')
            ORDER BY position DESC LIMIT 1
            """, logger: logger
        ).decode((Int64, String).self) {
            return type == "conversation.closed" && position > previous
        }
        return false
    }

    /// Records `rule`'s reply to `message` through the send path, and remembers it.
    private func reply(_ rule: AutomationRule, to message: Inbound, ledger: LedgerRef, now: Date, on connection: PostgresConnection) async throws {
        let key = "auto:\(rule.id):\(message.position)"
        let requestPosition: Int64
        do {
            let receipt = try await sends.request(
                conversation: message.conversation, body: rule.replyBody, idempotencyKey: key, actor: rule.actor, via: .automation, now: now)
            requestPosition = receipt.position
        } catch SendRequestError.idempotencyKeyReused(let original) {
            // Recorded before, with the rule's earlier text: it is answered.
            requestPosition = original
        } catch let error as SendRequestError {
            logger.warning(
                "automatic reply not recorded", metadata: ["rule": "\(rule.id)", "position": "\(message.position)", "error": "\(describeError(error))"])
            return
        }
        try await connection.perform(
            """
            INSERT INTO automation_replies (ledger_id, message_position, rule_id, kind, conversation_id, message_at_us, request_position)
            VALUES (\(ledger.id), \(message.position), \(rule.id), \(rule.kind.rawValue), \(message.conversation), \(message.occurredUs),
                    \(requestPosition))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
