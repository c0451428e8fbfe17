import Ledger

extension LedgerStore {
    /// The records at `positions` (any order, at most a few thousand at once), by position, read
    /// in one statement for the page: a timeline page's payloads in one round trip instead of one
    /// each. Positions past the head are left out.
    ///
    /// Each payload is what ``records(ledger:from:through:stream:pageSize:)`` gives for the same
    /// entry: decrypted bytes, sealed, destroyed or unavailable; the data keys the page needs are
    /// loaded together first.
    /// - Throws: ``LedgerStoreError`` when a data key cannot be had (wrong master key) and
    ///   `PayloadCryptoError` when a payload does not open, as the position-by-position read does.
    public func records(ledger: LedgerRef, positions: [Int64]) async throws -> [Int64: LedgerRecord] {
        let rows = try await entryRows(ledger: ledger, positions: positions)
        if keyRing.canDecrypt { try await keyRing.prefetch(ids: rows.compactMap(\.dataKeyID)) }
        var records: [Int64: LedgerRecord] = [:]
        records.reserveCapacity(rows.count)
        for row in rows {
            records[row.entry.fields.position] = LedgerRecord(entry: row.entry, payload: try await payload(of: row))
        }
        return records
    }
}
