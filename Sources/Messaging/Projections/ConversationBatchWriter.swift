import LedgerStore
import PostgresNIO
import RecordkeeperCore

/// Writes what one batch of the conversations projection changed (``ConversationBatch``), one
/// multi-row statement per table: the conversations (new or changed), the new streams,
/// identities and messages, the messages whose status or wamid changed, the statuses that
/// rose. A batch that merged conversations first moves the merged conversations' other rows
/// (one statement per table) and deletes them.
///
/// Rows with nullable columns travel as one JSON array (`jsonb_to_recordset`: an absent key is
/// NULL); the others as parallel arrays (`unnest`).
struct ConversationBatchWriter {
    let ledger: LedgerRef
    let sql: ConversationStatements

    func write(_ batch: ConversationBatch) async throws {
        try await writeMerges(batch)
        try await writeConversations(batch)
        try await writeLinks(batch)
        try await writeMessages(batch)
        try await writeStatuses(batch)
    }

    /// The streams, identities and timeline rows of each conversation merged away (those the
    /// batch did not read) follow it into the conversation it was merged into; it is deleted.
    private func writeMerges(_ batch: ConversationBatch) async throws {
        let merged = batch.mergedInto.keys.filter { batch.readConversations[$0] != nil }.sorted()
        guard !merged.isEmpty else { return }
        let targets = merged.map { batch.resolved($0) }
        for table in ["conversation_streams", "conversation_identities", "conversation_messages"] {
            try await sql.perform(
                """
                UPDATE \(unescaped: table) t SET conversation_id = m.target FROM unnest(\(merged)::text[], \(targets)::text[]) AS m(source, target)
                WHERE t.ledger_id = \(ledger.id) AND t.conversation_id = m.source
                """)
        }
        try await sql.perform("DELETE FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(merged)::text[])")
    }

    private func writeConversations(_ batch: ConversationBatch) async throws {
        let rows = batch.conversations.values.filter { batch.readConversations[$0.id] != $0 }.sorted { $0.id < $1.id }
        guard !rows.isEmpty else { return }
        let json = try Self.json(rows)
        try await sql.perform(
            """
            INSERT INTO conversations AS c (ledger_id, id, phone_number_id, display_phone_number, user_id, wa_id, profile_name, first_position,
                last_position, first_message_at_us, last_message_at_us, last_inbound_at_us, last_activity_at_us, message_count)
            SELECT \(ledger.id), r.id, r.phone_number_id, r.display_phone_number, r.user_id, r.wa_id, r.profile_name, r.first_position,
                r.last_position, r.first_message_at_us, r.last_message_at_us, r.last_inbound_at_us, r.last_activity_at_us, r.message_count
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(id text, phone_number_id text, display_phone_number text, user_id text,
                wa_id text, profile_name text, first_position int8, last_position int8, first_message_at_us int8, last_message_at_us int8,
                last_inbound_at_us int8, last_activity_at_us int8, message_count int8)
            ON CONFLICT (ledger_id, id) DO UPDATE SET
                phone_number_id = EXCLUDED.phone_number_id, display_phone_number = EXCLUDED.display_phone_number, user_id = EXCLUDED.user_id,
                wa_id = EXCLUDED.wa_id, profile_name = EXCLUDED.profile_name, first_position = EXCLUDED.first_position,
                last_position = EXCLUDED.last_position, first_message_at_us = EXCLUDED.first_message_at_us,
                last_message_at_us = EXCLUDED.last_message_at_us, last_inbound_at_us = EXCLUDED.last_inbound_at_us,
                last_activity_at_us = EXCLUDED.last_activity_at_us, message_count = EXCLUDED.message_count
            """)
    }

    private func writeLinks(_ batch: ConversationBatch) async throws {
        if !batch.newStreams.isEmpty {
            let links = batch.newStreams
            try await sql.perform(
                """
                INSERT INTO conversation_streams (ledger_id, stream, conversation_id, first_position)
                SELECT \(ledger.id), u.stream, u.conversation, u.position
                FROM unnest(\(links.map(\.key))::text[], \(links.map { batch.resolved($0.conversationId) })::text[],
                    \(links.map(\.firstPosition))::int8[]) AS u(stream, conversation, position)
                """)
        }
        if !batch.newIdentities.isEmpty {
            let links = batch.newIdentities
            try await sql.perform(
                """
                INSERT INTO conversation_identities (ledger_id, phone_number_id, citizen_key, conversation_id, first_position)
                SELECT \(ledger.id), u.number, u.key, u.conversation, u.position
                FROM unnest(\(links.map(\.key.phoneNumberId))::text[], \(links.map(\.key.citizenKey))::text[],
                    \(links.map { batch.resolved($0.conversationId) })::text[], \(links.map(\.firstPosition))::int8[]) AS u(number, key, conversation, position)
                """)
        }
    }

    private func writeMessages(_ batch: ConversationBatch) async throws {
        let inserted = batch.newMessages.compactMap { position in
            batch.messages[position].map { row in
                var row = row
                row.conversationId = batch.resolved(row.conversationId)
                return row
            }
        }
        if !inserted.isEmpty {
            let json = try Self.json(inserted)
            try await sql.perform(
                """
                INSERT INTO conversation_messages (ledger_id, position, conversation_id, stream, message_id, direction, message_type, occurred_at_us,
                    status, status_at_us, request_id, error_code)
                SELECT \(ledger.id), r.position, r.conversation_id, r.stream, r.message_id, r.direction, r.message_type, r.occurred_at_us, r.status,
                    r.status_at_us, r.request_id, r.error_code
                FROM jsonb_to_recordset(\(json)::jsonb) AS r(position int8, conversation_id text, stream text, message_id text,
                    direction text, message_type text, occurred_at_us int8, status text, status_at_us int8, request_id text, error_code int4)
                ORDER BY r.position
                """)
        }
        // Read rows keep the conversation they were read with: a merge moved them (above).
        let changed = batch.readMessages.values.filter { batch.messages[$0.position] != $0 }.compactMap { batch.messages[$0.position] }
            .sorted { $0.position < $1.position }
        if !changed.isEmpty {
            let json = try Self.json(changed)
            try await sql.perform(
                """
                UPDATE conversation_messages m SET message_id = r.message_id, status = r.status, status_at_us = r.status_at_us, error_code = r.error_code
                FROM jsonb_to_recordset(\(json)::jsonb) AS r(position int8, message_id text, status text, status_at_us int8,
                    error_code int4)
                WHERE m.ledger_id = \(ledger.id) AND m.position = r.position
                """)
        }
    }

    private func writeStatuses(_ batch: ConversationBatch) async throws {
        let changed = batch.changedStatuses.sorted().compactMap { id in batch.statuses[id].map { (id: id, row: $0) } }
        guard !changed.isEmpty else { return }
        let (ids, rows) = (changed.map(\.id), changed.map(\.row))
        try await sql.perform(
            """
            INSERT INTO conversation_statuses (ledger_id, message_id, status, status_rank, status_at_us, position)
            SELECT \(ledger.id), u.message_id, u.status, u.rank, u.at, u.position
            FROM unnest(\(ids)::text[], \(rows.map(\.status))::text[], \(rows.map(\.rank))::int2[], \(rows.map(\.atUs))::int8[],
                \(rows.map(\.position))::int8[]) AS u(message_id, status, rank, at, position)
            ON CONFLICT (ledger_id, message_id) DO UPDATE
                SET status = EXCLUDED.status, status_rank = EXCLUDED.status_rank, status_at_us = EXCLUDED.status_at_us, position = EXCLUDED.position
            """)
    }

    /// Rows as one JSON array (`RecordsetRow`), written by our own JSON writer: Foundation's
    /// `JSONEncoder` was 1.5% of the ingest benchmark's CPU.
    private static func json(_ rows: [some RecordsetRow]) throws -> String {
        String(decoding: try JSONValue.array(rows.map(\.json)).encoded(), as: UTF8.self)
    }
}
