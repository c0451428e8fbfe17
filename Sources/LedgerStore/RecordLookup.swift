import PostgresNIO

extension LedgerStore {
    /// The record at `position`, payload decrypted as far as it can be; nil past the head.
    public func record(ledger name: String, position: Int64) async throws -> LedgerRecord? {
        let ledger = try await ledger(named: name, create: false)
        let rows = try await EntryPages.fetch(
            client: client, ledger: ledger, after: position - 1, through: position, stream: nil, limit: 1, logger: logger)
        guard let row = rows.first else { return nil }
        return LedgerRecord(entry: row.entry, payload: try await payload(of: row))
    }

    /// The record appended with `dedupeKey` (e.g. `wa:media:<media id>`); nil when there is none.
    public func record(ledger name: String, dedupeKey: String) async throws -> LedgerRecord? {
        let ledger = try await ledger(named: name, create: false)
        let rows = try await client.query(
            "SELECT position FROM ledger_entries WHERE ledger_id = \(ledger.id) AND dedupe_key = \(dedupeKey)", logger: logger
        ).collect()
        guard let position = try rows.first?.decode(Int64.self) else { return nil }
        return try await record(ledger: name, position: position)
    }
}
