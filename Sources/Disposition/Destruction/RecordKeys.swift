import LedgerStore
import Logging
import PostgresNIO
import Retention

/// The data keys that seal records: one per record, since a record is what one key seals
/// (``RetentionRecordID``).
enum RecordKeys {
    /// A record's data key.
    struct Key: Sendable, Hashable {
        var record: RetentionRecordID
        var key: Int64
    }

    /// The keys of `records` to destroy now, and the records whose key is already destroyed.
    struct Live {
        /// Records still filed in the list's series whose keys are not destroyed.
        var keys: [Key]
        /// Records whose key is already destroyed (an earlier run).
        var destroyedRecords: Set<RetentionRecordID>

        /// The records with a key to destroy.
        func map<T>(_ transform: (Key) -> T) -> [T] { keys.map(transform) }
    }

    /// The live keys of those of `records` still filed in `series`, and which of them are already
    /// destroyed. Each record is looked up by its key (`LATERAL … OFFSET 0`), whatever the planner
    /// believes of the ledger's size.
    static func live(
        _ records: [RetentionRecordID], series: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    )
        async throws -> Live
    {
        guard !records.isEmpty else { return Live(keys: [], destroyedRecords: []) }
        let rows = try await connection.query(
            """
            SELECT x.stream, x.period, k.id, k.destroyed_at IS NOT NULL
            FROM unnest(\(records.map(\.stream)), \(records.map(\.period))) AS x(stream, period)
            CROSS JOIN LATERAL (
                SELECT id, destroyed_at FROM data_keys
                WHERE ledger_id = \(ledger.id) AND stream = x.stream AND period = x.period OFFSET 0) k
            CROSS JOIN LATERAL (
                SELECT series FROM retention_records
                WHERE ledger_id = \(ledger.id) AND stream = x.stream AND period = x.period OFFSET 0) r
            WHERE r.series = \(series) OR k.destroyed_at IS NOT NULL
            ORDER BY k.id
            """, logger: logger)
        var live = Live(keys: [], destroyedRecords: [])
        for try await (stream, period, key, destroyed) in rows.decode((String, String, Int64, Bool).self) {
            let record = RetentionRecordID(stream: stream, period: period)
            if destroyed { live.destroyedRecords.insert(record) } else { live.keys.append(Key(record: record, key: key)) }
        }
        return live
    }

    /// The keys `authority` names that are not destroyed yet, with their records.
    static func pending(
        _ authority: DestructionAuthority, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [Key]
    {
        let rows = try await connection.query(
            """
            SELECT stream, period, id FROM data_keys
            WHERE ledger_id = \(ledger.id) AND id = ANY(\(authority.dataKeyIDs)) AND destroyed_at IS NULL
            ORDER BY id
            """, logger: logger)
        var keys: [Key] = []
        for try await (stream, period, key) in rows.decode((String, String, Int64).self) {
            keys.append(Key(record: RetentionRecordID(stream: stream, period: period), key: key))
        }
        return keys
    }
}
