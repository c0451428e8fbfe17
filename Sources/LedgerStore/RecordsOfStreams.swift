import KeyLookups
import Ledger
import PostgresNIO

extension LedgerStore {
    /// The records at `entries` (positions with their streams, any order, at most a few thousand
    /// at once), by position, read in one statement for the page: a timeline page's payloads in
    /// one round trip instead of one each. Entries not in the ledger (past the head, or of
    /// another stream) are left out.
    ///
    /// Each payload is what ``records(ledger:from:through:stream:pageSize:)`` gives for the same
    /// entry: decrypted bytes, sealed, destroyed or unavailable; the data keys the page needs are
    /// loaded together first. The read is a ``lookUp(_:)``: with its stream given, every index it
    /// could read an entry through is bound on all its columns.
    /// - Throws: ``LedgerStoreError`` when a data key cannot be had (wrong master key) and
    ///   `PayloadCryptoError` when a payload does not open, as the position-by-position read does.
    public func records(ledger: LedgerRef, entries: [(position: Int64, stream: String)]) async throws -> [Int64: LedgerRecord] {
        guard !entries.isEmpty else { return [:] }
        let rows = try await lookUp(
            EntriesOfStreamsStatement(ledger: ledger, positions: entries.map(\.position), streams: entries.map(\.stream)))
        if keyRing.canDecrypt { try await keyRing.prefetch(ids: rows.compactMap(\.dataKeyID)) }
        var records: [Int64: LedgerRecord] = [:]
        records.reserveCapacity(rows.count)
        for row in rows {
            records[row.entry.fields.position] = LedgerRecord(entry: row.entry, payload: try await payload(of: row))
        }
        return records
    }
}

/// The stored rows (entry, sealed payload, destruction and its authority) at given positions of
/// given streams, in position order. Each table is reached in a `LATERAL` subquery that binds
/// every column of the index it should be read through, so that PostgreSQL plans one index probe
/// per row for any number of rows.
struct EntriesOfStreamsStatement: KeyLookup {
    static let name = "recordkeeper_entries_of_streams_v1"
    static let plannedOn = ["ledger_entries"]
    static let sql = """
        SELECT \(EntryPages.rowColumns)
        FROM unnest($2::int8[], $3::text[]) AS wanted(position, stream)
        JOIN LATERAL (
            SELECT e.* FROM ledger_entries e
            WHERE e.ledger_id = $1::int4 AND e.stream = wanted.stream AND e.position = wanted.position OFFSET 0) e ON true
        LEFT JOIN LATERAL (
            SELECT p.data_key_id, p.sealed FROM ledger_payloads p
            WHERE p.ledger_id = e.ledger_id AND p.position = e.position OFFSET 0) p ON true
        \(EntryPages.destructionJoins)
        ORDER BY e.position
        """
    typealias Row = RawEntryRow

    var ledger: LedgerRef
    var positions: [Int64]
    var streams: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(ledger.id)
        bindings.append(positions)
        bindings.append(streams)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try EntryPages.rawRow(row.makeRandomAccess(), ledger: ledger.name)
    }
}
