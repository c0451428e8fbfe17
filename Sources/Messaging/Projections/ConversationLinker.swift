import Events
import Ledger
import LedgerStore
import Logging
import PostgresNIO

/// Finds (or creates) the conversation of a message or status, merging conversations that an
/// entry links: the entry's stream and every citizen key it names (`u:<user_id>`, `p:<wa_id>`)
/// belong to one conversation. The merged conversation keeps the id of the one that started
/// first (the first stream of the merged set, by ledger position), so the result depends only
/// on the order of the entries: rebuilding gives the same ids.
struct ConversationLinker {
    let ledger: LedgerRef
    let connection: PostgresConnection
    let logger: Logger

    /// The id of the conversation of a message or status entry, after linking its stream and
    /// the citizen's keys.
    func conversation(of record: SelectedRecord, phoneNumberID: String, citizen: ContractEvent.Citizen?) async throws -> String {
        let fields = record.entry.fields
        return try await conversation(
            stream: fields.stream, phoneNumberID: phoneNumberID, keys: citizen?.keys ?? [], position: fields.position,
            occurredAtUs: fields.occurredAt.microseconds)
    }

    /// The id of the conversation the entry belongs to, after linking.
    func conversation(stream: String, phoneNumberID: String, keys: [String], position: Int64, occurredAtUs: Int64) async throws -> String {
        var found: [String] = []
        let rows = try await connection.query(
            """
            SELECT c.id FROM conversations c
            WHERE c.ledger_id = \(ledger.id) AND c.id IN (
                SELECT conversation_id FROM conversation_streams WHERE ledger_id = \(ledger.id) AND stream = \(stream)
                UNION
                SELECT conversation_id FROM conversation_identities
                WHERE ledger_id = \(ledger.id) AND phone_number_id = \(phoneNumberID) AND citizen_key = ANY(\(keys)::text[]))
            ORDER BY c.first_position, c.id
            """, logger: logger)
        for try await id in rows.decode(String.self) { found.append(id) }

        let target: String
        if let first = found.first {
            target = first
            if found.count > 1 { try await merge(Array(found.dropFirst()), into: target) }
        } else {
            target = stream
            try await connection.perform(
                """
                INSERT INTO conversations (ledger_id, id, phone_number_id, first_position, last_position, last_activity_at_us)
                VALUES (\(ledger.id), \(stream), \(phoneNumberID), \(position), \(position), \(occurredAtUs))
                """, logger: logger
            )
        }
        try await connection.perform(
            """
            INSERT INTO conversation_streams (ledger_id, stream, conversation_id, first_position)
            VALUES (\(ledger.id), \(stream), \(target), \(position))
            ON CONFLICT (ledger_id, stream) DO NOTHING
            """, logger: logger
        )
        if !keys.isEmpty {
            try await connection.perform(
                """
                INSERT INTO conversation_identities (ledger_id, phone_number_id, citizen_key, conversation_id, first_position)
                SELECT \(ledger.id), \(phoneNumberID), k, \(target), \(position) FROM unnest(\(keys)::text[]) AS k
                ON CONFLICT (ledger_id, phone_number_id, citizen_key) DO NOTHING
                """, logger: logger
            )
        }
        return target
    }

    /// Moves the streams, identities and timeline of `others` into `target`, combines their
    /// counters (the newest known name and identifiers win) and deletes them.
    private func merge(_ others: [String], into target: String) async throws {
        logger.debug("linking conversations", metadata: ["into": "\(target)", "merged": "\(others)"])
        let all = [target] + others
        for table in ["conversation_streams", "conversation_identities", "conversation_messages"] {
            try await connection.perform(
                PostgresQuery(
                    unsafeSQL: "UPDATE \(table) SET conversation_id = $1 WHERE ledger_id = $2 AND conversation_id = ANY($3::text[])",
                    binds: Self.binds(target, ledger.id, others)),
                logger: logger
            )
        }
        try await connection.perform(
            """
            UPDATE conversations t SET
                display_phone_number = m.display_phone_number, user_id = m.user_id, wa_id = m.wa_id, profile_name = m.profile_name,
                first_position = m.first_position, last_position = m.last_position,
                first_message_at_us = m.first_message_at_us, last_message_at_us = m.last_message_at_us,
                last_inbound_at_us = m.last_inbound_at_us, last_activity_at_us = m.last_activity_at_us, message_count = m.message_count
            FROM (
                SELECT (array_agg(display_phone_number ORDER BY last_position DESC) FILTER (WHERE display_phone_number IS NOT NULL))[1]
                           AS display_phone_number,
                       (array_agg(user_id ORDER BY last_position DESC) FILTER (WHERE user_id IS NOT NULL))[1] AS user_id,
                       (array_agg(wa_id ORDER BY last_position DESC) FILTER (WHERE wa_id IS NOT NULL))[1] AS wa_id,
                       (array_agg(profile_name ORDER BY last_position DESC) FILTER (WHERE profile_name IS NOT NULL))[1] AS profile_name,
                       min(first_position) AS first_position, max(last_position) AS last_position,
                       min(first_message_at_us) AS first_message_at_us, max(last_message_at_us) AS last_message_at_us,
                       max(last_inbound_at_us) AS last_inbound_at_us, max(last_activity_at_us) AS last_activity_at_us,
                       sum(message_count)::int8 AS message_count
                FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(all)::text[])
            ) m
            WHERE t.ledger_id = \(ledger.id) AND t.id = \(target)
            """, logger: logger
        )
        try await connection.perform(
            "DELETE FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(others)::text[])", logger: logger
        )
    }

    private static func binds(_ target: String, _ ledgerID: Int32, _ others: [String]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 3)
        binds.append(target)
        binds.append(ledgerID)
        binds.append(others)
        return binds
    }
}
