import LedgerStore
import Logging
import PostgresNIO

/// The transfers gathered from a page of entries (`records.transferred`), written to
/// `retention_records` in one statement. A record is marked by the first entry that names its
/// data key, as entry-by-entry updates `WHERE transferred_position IS NULL` would.
struct RecordTransfers {
    /// Data key → the position of the first entry naming it.
    private var transfers: [Int64: Int64] = [:]

    /// Marks the records of `keys` transferred by the entry at `position`.
    mutating func add(keys: [Int64], position: Int64) {
        for key in keys where transfers[key] == nil { transfers[key] = position }
    }

    /// Writes what was gathered and forgets it. Each key is looked up by itself (`LATERAL …
    /// OFFSET 0`), so the work follows the number of keys, not the size of the ledger.
    mutating func write(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        guard !transfers.isEmpty else { return }
        let rows = transfers.sorted { $0.key < $1.key }
        transfers.removeAll()
        try await connection.perform(
            """
            UPDATE retention_records r SET transferred_position = k.position
            FROM unnest(\(rows.map(\.key)), \(rows.map(\.value))) AS u(key, position)
            CROSS JOIN LATERAL (
                SELECT stream, period, u.position FROM data_keys WHERE id = u.key AND ledger_id = \(ledger.id) OFFSET 0) k
            WHERE r.ledger_id = \(ledger.id) AND r.stream = k.stream AND r.period = k.period AND r.transferred_position IS NULL
            """, logger: logger)
    }
}
