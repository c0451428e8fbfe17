import Ledger
public import LedgerStore
public import Logging
import Messaging
public import PostgresNIO
import RecordkeeperCore

/// The `inbox` projection (docs/api.md, "Team inbox"): each conversation's team, assignee and
/// state, the notes' metadata, each staff member's read position, and the routing rule set in
/// force. Reads the inbox events' headers; only `routing.rules.set` payloads are decrypted
/// (the rule set; never a citizen's words). Note text stays in the ledger.
///
/// A batch is written set-based (issue 17): ``InboxBatch`` reduces its entries to what applying
/// them one by one leaves — each conversation's net change, the notes, each reader's last mark,
/// the last rule set — and each table gets one statement.
public struct InboxProjection: Projection {
    public let name = "inbox"
    public let version = 1
    public let eventTypes: Set<String> = InboxEventType.all
    public let payloadTypes: Set<String> = [InboxEventType.rulesSet]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let batch = try InboxBatch(records, logger: logger)
        if let routing = batch.routing {
            try await connection.perform(
                """
                INSERT INTO inbox_routing (ledger_id, position, set_at_us, actor, rules)
                VALUES (\(ledger.id), \(routing.position), \(routing.setAtUs), \(routing.actor), \(routing.rules))
                ON CONFLICT (ledger_id) DO UPDATE SET position = EXCLUDED.position, set_at_us = EXCLUDED.set_at_us,
                    actor = EXCLUDED.actor, rules = EXCLUDED.rules
                """, logger: logger)
        }
        if !batch.notes.isEmpty {
            let notes = batch.notes
            try await connection.perform(
                """
                INSERT INTO inbox_notes (ledger_id, position, conversation_id, note_id, author, created_at_us)
                SELECT \(ledger.id), u.position, u.conversation, u.note, u.author, u.created
                FROM unnest(\(notes.map(\.position))::int8[], \(notes.map(\.conversation))::text[], \(notes.map(\.noteID))::text[],
                    \(notes.map(\.author))::text[], \(notes.map(\.createdAtUs))::int8[]) AS u(position, conversation, note, author, created)
                """, logger: logger)
        }
        if !batch.reads.isEmpty {
            let reads = batch.reads
            try await connection.perform(
                """
                INSERT INTO inbox_reads (ledger_id, conversation_id, user_name, read_position, marked_position)
                SELECT \(ledger.id), u.conversation, u.reader, u.read, u.marked
                FROM unnest(\(reads.map(\.conversation))::text[], \(reads.map(\.user))::text[], \(reads.map(\.readPosition))::int8[],
                    \(reads.map(\.markedPosition))::int8[]) AS u(conversation, reader, read, marked)
                ON CONFLICT (ledger_id, conversation_id, user_name) DO UPDATE
                    SET read_position = EXCLUDED.read_position, marked_position = EXCLUDED.marked_position
                """, logger: logger)
        }
        if !batch.conversations.isEmpty {
            try await writeConversations(batch, ledger: ledger, on: connection, logger: logger)
        }
    }

    /// One statement: the conversations that have a row get the batch's net change (a field the
    /// batch did not change keeps its value); the others are created as the first of their
    /// events created them, with the net change applied.
    private func writeConversations(_ batch: InboxBatch, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform(
            """
            WITH u AS (
                SELECT * FROM jsonb_to_recordset(\(try batch.conversationsJSON())::jsonb) AS r(conversation_id text, first_at_us int8,
                    first_position int8, last_position int8, team text, rule text, routed_at_us int8, routed_position int8, assignee text,
                    assigned_position int8, state text, state_changed_at_us int8, state_position int8)
            ), changed AS (
                UPDATE inbox_conversations c SET
                    team = CASE WHEN u.routed_position IS NULL THEN c.team ELSE u.team END,
                    rule = CASE WHEN u.routed_position IS NULL THEN c.rule ELSE u.rule END,
                    routed_at_us = CASE WHEN u.routed_position IS NULL THEN c.routed_at_us ELSE u.routed_at_us END,
                    routed_position = COALESCE(u.routed_position, c.routed_position),
                    assignee = CASE WHEN u.assigned_position IS NULL THEN c.assignee ELSE u.assignee END,
                    assigned_position = COALESCE(u.assigned_position, c.assigned_position),
                    state = COALESCE(u.state, c.state),
                    state_changed_at_us = CASE WHEN u.state IS NULL THEN c.state_changed_at_us ELSE u.state_changed_at_us END,
                    state_position = CASE WHEN u.state IS NULL THEN c.state_position ELSE u.state_position END,
                    last_position = u.last_position
                FROM u WHERE c.ledger_id = \(ledger.id) AND c.conversation_id = u.conversation_id
                RETURNING c.conversation_id
            )
            INSERT INTO inbox_conversations (ledger_id, conversation_id, team, rule, assignee, state, state_changed_at_us, state_position,
                routed_at_us, routed_position, assigned_position, last_position)
            SELECT \(ledger.id), u.conversation_id, u.team, u.rule, u.assignee, COALESCE(u.state, 'open'),
                CASE WHEN u.state IS NULL THEN u.first_at_us ELSE u.state_changed_at_us END,
                CASE WHEN u.state IS NULL THEN u.first_position ELSE u.state_position END,
                u.routed_at_us, u.routed_position, u.assigned_position, u.last_position
            FROM u WHERE u.conversation_id NOT IN (SELECT conversation_id FROM changed)
            """, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["inbox_conversations", "inbox_notes", "inbox_reads", "inbox_routing"] {
            try await connection.perform(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger_id = $1", binds: ledgerBinds(ledger)), logger: logger)
        }
    }
}
