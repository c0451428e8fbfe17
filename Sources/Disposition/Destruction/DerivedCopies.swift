public import LedgerStore
public import Logging
public import PostgresNIO
import Retention

/// The copies of destroyed content kept outside the ledger's payloads, purged in the same
/// transaction as the destruction (docs/records-officer.md, "What destruction removes").
///
/// Projection tables hold no content (docs/ledger-format.md), but some rows are derived from it:
/// the blind search index (a row of keyed word tags per message), a media row's address, digest
/// and last error at Meta, and the citizen's WhatsApp profile name on a conversation once none of
/// its messages is left. (The classifier's findings name only kinds of data, such as `ssn`, and
/// are in the retained header of `record.classified`: metadata, kept.) Every such row of a destroyed entry goes; the rows that only say that a message existed,
/// when, and who was party to it stay, like the entry's retained header. Rebuilding a projection
/// later cannot bring them back: the payloads they were derived from are gone.
public enum DerivedCopies {
    /// Purges what was derived from the payloads the data keys `keys` sealed (destroyed by the
    /// door earlier in this transaction: their positions are in `payload_destructions`).
    /// - Returns: the rows removed or cleared.
    @discardableResult
    public static func purge(keys: [Int64], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        guard !keys.isEmpty else { return 0 }
        let rows = try await connection.query(
            """
            WITH destroyed AS (
                SELECT coalesce(array_agg(position), '{}') AS positions FROM payload_destructions
                WHERE data_key_id = ANY(\(keys)) AND ledger_id = \(ledger.id)
            ), terms AS (
                DELETE FROM search_tags WHERE ledger_id = \(ledger.id) AND message_position = ANY((SELECT positions FROM destroyed)::bigint[]) RETURNING 1
            ), media_rows AS (
                UPDATE media SET url = NULL, meta_sha256 = NULL, last_error = NULL
                WHERE ledger_id = \(ledger.id)
                  AND (message_position = ANY((SELECT positions FROM destroyed)::bigint[]) OR outcome_position = ANY((SELECT positions FROM destroyed)::bigint[]))
                  AND (url IS NOT NULL OR meta_sha256 IS NOT NULL OR last_error IS NOT NULL)
                RETURNING 1
            ), names AS (
                UPDATE conversations c SET profile_name = NULL
                WHERE c.ledger_id = \(ledger.id) AND c.profile_name IS NOT NULL
                  AND c.id IN (
                    SELECT cs.conversation_id FROM conversation_streams cs
                    JOIN data_keys k ON k.ledger_id = cs.ledger_id AND k.stream = cs.stream
                    WHERE cs.ledger_id = \(ledger.id) AND k.id = ANY(\(keys)))
                  AND NOT EXISTS (
                    SELECT 1 FROM conversation_streams cs
                    JOIN retention_records r ON r.ledger_id = cs.ledger_id AND r.stream = cs.stream AND r.messages > 0
                    JOIN data_keys k ON k.ledger_id = r.ledger_id AND k.stream = r.stream AND k.period = r.period AND k.destroyed_at IS NULL
                    WHERE cs.ledger_id = c.ledger_id AND cs.conversation_id = c.id)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM terms) + (SELECT count(*) FROM media_rows) + (SELECT count(*) FROM names)
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }
}
