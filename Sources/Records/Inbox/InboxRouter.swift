import Foundation
public import Ledger
public import LedgerStore
public import Logging
import PostgresNIO
public import ServiceLifecycle
import WhatsApp

/// The inbox router: a `Service` that routes every new conversation to a team by the routing
/// rules in force (``RoutingRuleSet``) and reopens a closed conversation when the citizen
/// writes again (docs/operations.md, "Routing rules").
///
/// Each round reads the `conversations` and `inbox` projections: conversations with an inbound
/// message and no team yet are routed by their first inbound message (its text decrypted from
/// the ledger, its business number and time) as `conversation.routed` (actor `system:router`);
/// closed conversations with an inbound message after their closing get
/// `conversation.reopened` (`automatic: true`). A round's events are appended in one commit.
/// Dedupe keys (one routing per conversation, one reopening per citizen message) make a
/// restart or a second process record nothing twice. A conversation is routed only once the
/// inbox projection has passed its first message, so the rule set recorded before that message
/// is the one in force.
public final class InboxRouter: Service, Sendable {
    public let ledger: String
    let store: LedgerStore
    public let batchSize: Int
    public let pollInterval: Duration
    let logger: Logger
    private let loop = WorkerLoop()

    public init(ledger: String, store: LedgerStore, batchSize: Int = 200, pollInterval: Duration = .seconds(10), logger: Logger) {
        self.ledger = ledger
        self.store = store
        self.batchSize = max(1, batchSize)
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Starts the next round now (call it when the conversations or inbox projection moved).
    public func wake() { loop.wake() }

    public func run() async throws {
        await loop.run(pollInterval: pollInterval, logger: logger, failure: "inbox routing round failed") {
            try await runRound() >= batchSize ? .milliseconds(200) : pollInterval
        }
    }

    /// One round: routes up to ``batchSize`` new conversations and reopens up to ``batchSize``
    /// closed ones the citizen wrote to again.
    /// - Returns: how many events were appended (or found already recorded).
    @discardableResult
    public func runRound(now: LedgerTimestamp = .now()) async throws -> Int {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return 0
        }
        var events: [NewEvent] = []
        let unrouted = try await store.client.query(
            """
            SELECT id, phone_number_id, first_inbound FROM (
                SELECT c.id, c.phone_number_id, c.first_position,
                    (SELECT min(m.position) FROM conversation_messages m
                     WHERE m.ledger_id = c.ledger_id AND m.conversation_id = c.id AND m.direction = 'inbound') AS first_inbound
                FROM conversations c
                LEFT JOIN inbox_conversations i ON i.ledger_id = c.ledger_id AND i.conversation_id = c.id
                WHERE c.ledger_id = \(ref.id) AND c.last_inbound_at_us IS NOT NULL AND i.team IS NULL
            ) AS unrouted
            WHERE first_inbound <= (SELECT last_position FROM projection_state WHERE projection = 'inbox' AND ledger_id = \(ref.id))
            ORDER BY first_position LIMIT \(batchSize)
            """, logger: logger)
        var pending: [(String, String, Int64)] = []
        for try await row in unrouted.decode((String, String, Int64).self) { pending.append(row) }
        if !pending.isEmpty {
            let rules = try await InboxQueries(store: store).routingRules(ledger: ledger).rules
            for (conversation, number, position) in pending {
                let record = try await store.record(ledger: ledger, position: position)
                var text = ""
                if case .bytes(let bytes)? = record?.payload, let json = try? JSONValue.parse(bytes) {
                    text = ClassifiableText.extract(from: json["message"] ?? .null)
                }
                let writtenAt = record?.entry.fields.occurredAt.date ?? now.date
                let (team, rule) = rules.route(phoneNumberID: number, text: text, at: writtenAt)
                events.append(try InboxEvents.automaticRouting(conversation: conversation, team: team, rule: rule, at: now))
            }
        }
        let reopen = try await store.client.query(
            """
            SELECT i.conversation_id, min(m.position) FROM inbox_conversations i
            JOIN conversation_messages m ON m.ledger_id = i.ledger_id AND m.conversation_id = i.conversation_id
                AND m.direction = 'inbound' AND m.position > i.state_position
            WHERE i.ledger_id = \(ref.id) AND i.state = 'closed'
            GROUP BY i.conversation_id ORDER BY min(m.position) LIMIT \(batchSize)
            """, logger: logger)
        for try await (conversation, message) in reopen.decode((String, Int64).self) {
            events.append(try InboxEvents.reopened(
                conversation: conversation, automatic: true, messagePosition: message, actor: InboxEvents.routerActor, at: now))
        }
        guard !events.isEmpty else { return 0 }
        let receipts = try await store.append(events, to: ledger)
        let recorded = receipts.filter { !$0.alreadyRecorded }.count
        if recorded > 0 { logger.debug("inbox router recorded events", metadata: ["events": "\(recorded)"]) }
        return max(pending.count, events.count - pending.count)
    }
}
