import Classification
import Foundation
public import Ledger
public import LedgerStore
public import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import RecordkeeperCore

/// The inbox router: a `Service` that routes every new conversation to a team by the routing
/// rules in force (``RoutingRuleSet``) and reopens a closed conversation when the citizen
/// writes again (docs/operations.md, "Routing rules").
///
/// Each round looks at the citizen messages of the next window of ledger positions that both
/// the `conversations` and the `inbox` projections have applied (so a round costs the window,
/// not the whole inbox): a conversation among them with no team yet is routed by its first
/// inbound message (its text decrypted from the ledger, its business number and time) as
/// `conversation.routed` (actor `system:router`); a closed one with a message after its closing
/// gets `conversation.reopened` (`automatic: true`). A round's events are appended in one commit.
/// Dedupe keys (one routing per conversation, one reopening per citizen message) make a
/// restart (which looks at the whole ledger once again) or a second process record nothing twice.
/// A conversation is routed only once the inbox projection has passed its first message, so the
/// rule set recorded before that message is the one in force. Wake it (``wake()``) when the
/// conversations or inbox projection moved.
public final class InboxRouter: Worker {
    let store: LedgerStore
    /// The settings; `batchSize`: how many ledger positions one round looks at.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "inbox routing round failed"
    /// The ledger position up to which every citizen message has been looked at (0 after a
    /// start: the first rounds look at the whole ledger once, window by window).
    private let scanned = NIOLockedValueBox<Int64>(0)

    public init(ledger: String, store: LedgerStore, batchSize: Int = 2000, pollInterval: Duration = .seconds(10), logger: Logger) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.store = store
    }

    /// One round as the loop runs it: while windows are left to look at, the next starts at once.
    public func round() async throws -> Duration {
        try await routeWindow().more ? .zero : pollInterval
    }

    /// One round: looks at the citizen messages of the next window of positions that both the
    /// conversations and the inbox projections have applied; routes the new conversations among
    /// them and reopens the closed ones they were written to.
    /// - Returns: how many events were appended (or found already recorded).
    @discardableResult
    public func runRound(now: LedgerTimestamp = .now()) async throws -> Int {
        try await routeWindow(now: now).events
    }

    private func routeWindow(now: LedgerTimestamp = .now()) async throws -> (events: Int, more: Bool) {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return (0, false)
        }
        // Messages up to `upper` are on the timeline, and the inbox shows every state and rule set
        // recorded before them.
        var upper: Int64?
        for try await position in try await store.client.query(
            """
            SELECT min(last_position) FROM projection_state
            WHERE ledger_id = \(ref.id) AND projection IN ('conversations', 'inbox') HAVING count(*) = 2
            """, logger: logger
        ).decode(Int64?.self) { upper = position }
        let after = scanned.withLockedValue { $0 }
        guard let upper, upper > after else { return (0, false) }
        let end = min(upper, after + Int64(batchSize))

        var events: [NewEvent] = []
        // New conversations: an inbound message in the window and no team yet; routed by their first one.
        let unrouted = try await store.client.query(
            """
            SELECT c.id, c.phone_number_id, f.first_inbound
            FROM (SELECT DISTINCT conversation_id FROM conversation_messages
                  WHERE ledger_id = \(ref.id) AND direction = 'inbound' AND position > \(after) AND position <= \(end)) AS n
            JOIN conversations c ON c.ledger_id = \(ref.id) AND c.id = n.conversation_id
            LEFT JOIN inbox_conversations i ON i.ledger_id = \(ref.id) AND i.conversation_id = c.id
            CROSS JOIN LATERAL (
                SELECT min(m.position) AS first_inbound FROM conversation_messages m
                WHERE m.ledger_id = \(ref.id) AND m.conversation_id = c.id AND m.direction = 'inbound') AS f
            WHERE i.team IS NULL
            ORDER BY f.first_inbound
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
        // Closed conversations the citizen wrote to after their closing.
        let reopen = try await store.client.query(
            """
            SELECT i.conversation_id, min(m.position) FROM conversation_messages m
            JOIN inbox_conversations i ON i.ledger_id = m.ledger_id AND i.conversation_id = m.conversation_id
            WHERE m.ledger_id = \(ref.id) AND m.direction = 'inbound' AND m.position > \(after) AND m.position <= \(end)
              AND i.state = 'closed' AND m.position > i.state_position
            GROUP BY i.conversation_id ORDER BY min(m.position)
            """, logger: logger)
        for try await (conversation, message) in reopen.decode((String, Int64).self) {
            events.append(
                try InboxEvents.reopened(
                    conversation: conversation, automatic: true, messagePosition: message, actor: InboxEvents.routerActor, at: now))
        }
        if !events.isEmpty {
            let receipts = try await store.append(events, to: ledger)
            let recorded = receipts.filter { !$0.alreadyRecorded }.count
            if recorded > 0 { logger.debug("inbox router recorded events", metadata: ["events": "\(recorded)"]) }
        }
        // Only after the commit: a failed round looks at the same window again.
        scanned.withLockedValue { $0 = max($0, end) }
        return (events.count, end < upper)
    }
}
