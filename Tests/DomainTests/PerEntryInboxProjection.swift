import Inbox
import Ledger
import LedgerStore
import Logging
import Messaging
import PostgresNIO
import RecordkeeperCore

/// The `inbox` projection as it was before issue 17 (commit 5b5e67a), kept verbatim but
/// for its name: one statement (or more) per entry. The oracle of the set-based apply's tests
/// (`SetBasedProjectionsTests`): on any ledger both must give exactly the same rows.
struct PerEntryInboxProjection: Projection {
    let name = "inbox"
    let version = 1
    let eventTypes: Set<String> = InboxEventType.all
    let payloadTypes: Set<String> = [InboxEventType.rulesSet]

    init() {}

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            let position = fields.position
            let time = fields.occurredAt.microseconds
            if fields.eventType == InboxEventType.rulesSet {
                guard case .bytes(let bytes)? = record.payload, let rules = try? RoutingRuleSet.parse(bytes) else {
                    logger.warning("skipping a routing.rules.set whose payload is not a rule set", metadata: ["position": "\(position)"])
                    continue
                }
                let json = String(decoding: try rules.json.encoded(), as: UTF8.self)
                try await connection.perform(
                    """
                    INSERT INTO inbox_routing (ledger_id, position, set_at_us, actor, rules)
                    VALUES (\(ledger.id), \(position), \(time), \(fields.actor), \(json))
                    ON CONFLICT (ledger_id) DO UPDATE SET position = EXCLUDED.position, set_at_us = EXCLUDED.set_at_us,
                        actor = EXCLUDED.actor, rules = EXCLUDED.rules
                    """, logger: logger)
                continue
            }
            guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let conversation = header.text("conversation") else {
                logger.warning("skipping an inbox event whose header names no conversation", metadata: ["position": "\(position)"])
                continue
            }
            switch fields.eventType {
            case InboxEventType.noteAdded:
                guard let noteID = header.text("note_id") else {
                    logger.warning("skipping a note.added without note_id", metadata: ["position": "\(position)"])
                    continue
                }
                try await connection.perform(
                    """
                    INSERT INTO inbox_notes (ledger_id, position, conversation_id, note_id, author, created_at_us)
                    VALUES (\(ledger.id), \(position), \(conversation), \(noteID), \(fields.actor), \(time))
                    """, logger: logger)
            case InboxEventType.readMarked:
                guard let user = header.text("user"), let read = header["position"]?.integer, read >= 0 else {
                    logger.warning("skipping a read mark without user or position", metadata: ["position": "\(position)"])
                    continue
                }
                try await connection.perform(
                    """
                    INSERT INTO inbox_reads (ledger_id, conversation_id, user_name, read_position, marked_position)
                    VALUES (\(ledger.id), \(conversation), \(user), \(read), \(position))
                    ON CONFLICT (ledger_id, conversation_id, user_name) DO UPDATE
                        SET read_position = EXCLUDED.read_position, marked_position = EXCLUDED.marked_position
                    """, logger: logger)
            default:
                try await applyConversation(
                    fields.eventType, header: header, conversation: conversation, position: position, time: time, ledger: ledger, on: connection, logger: logger
                )
            }
        }
    }

    private func applyConversation(
        _ type: String, header: JSONValue, conversation: String, position: Int64, time: Int64, ledger: LedgerRef,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        // Every conversation event creates the row (open, unrouted) if it is the first.
        try await connection.perform(
            """
            INSERT INTO inbox_conversations (ledger_id, conversation_id, state, state_changed_at_us, state_position, last_position)
            VALUES (\(ledger.id), \(conversation), 'open', \(time), \(position), \(position))
            ON CONFLICT (ledger_id, conversation_id) DO UPDATE SET last_position = EXCLUDED.last_position
            """, logger: logger)
        switch type {
        case InboxEventType.routed:
            guard let team = header.text("team") else {
                logger.warning("skipping a conversation.routed without team", metadata: ["position": "\(position)"])
                return
            }
            try await connection.perform(
                """
                UPDATE inbox_conversations SET team = \(team), rule = \(header.text("rule")), routed_at_us = \(time), routed_position = \(position)
                WHERE ledger_id = \(ledger.id) AND conversation_id = \(conversation)
                """, logger: logger)
        case InboxEventType.assigned:
            try await connection.perform(
                """
                UPDATE inbox_conversations SET assignee = \(header.text("assignee")), assigned_position = \(position)
                WHERE ledger_id = \(ledger.id) AND conversation_id = \(conversation)
                """, logger: logger)
        default:
            let state: String
            switch type {
            case InboxEventType.pending: state = "pending"
            case InboxEventType.closed: state = "closed"
            default: state = "reopened"
            }
            try await connection.perform(
                """
                UPDATE inbox_conversations SET state = \(state), state_changed_at_us = \(time), state_position = \(position)
                WHERE ledger_id = \(ledger.id) AND conversation_id = \(conversation)
                """, logger: logger)
        }
    }

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["inbox_conversations", "inbox_notes", "inbox_reads", "inbox_routing"] {
            try await connection.perform(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger_id = $1", binds: ledgerBinds(ledger)), logger: logger)
        }
    }
}
