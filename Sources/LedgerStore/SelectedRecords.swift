public import Ledger
public import PostgresNIO

/// An entry read by a reader that chose which event types it wants and which of their payloads
/// it needs opened (a projection reading headers only need not fetch a stored media file).
public struct SelectedRecord: Sendable {
    public var entry: StoredEntry
    /// The payload, or nil when its type was not among the payload types asked for.
    public var payload: LedgerRecord.Payload?

    public init(entry: StoredEntry, payload: LedgerRecord.Payload?) {
        self.entry = entry
        self.payload = payload
    }
}

extension LedgerStore {
    /// One page of a ledger's entries of some event types, in position order: positions after
    /// `after` through `through`, at most `limit`.
    ///
    /// Payloads are read and decrypted only for entries whose type is in `payloadTypes`. A page
    /// shorter than `limit` means the range is exhausted.
    /// - Parameter connection: read on this connection (a transaction's) rather than the pool's.
    /// - Throws: ``LedgerStoreError`` when the ledger does not exist or a data key cannot be had.
    public func selectedRecords(
        ledger: LedgerRef, after: Int64, through: Int64, eventTypes: Set<String>, payloadTypes: Set<String>, limit: Int,
        on connection: PostgresConnection? = nil
    ) async throws -> [SelectedRecord] {
        let rows: [RawEntryRow]
        if let connection {
            rows = try await page(
                from: connection, ledger: ledger, after: after, through: through, eventTypes: eventTypes, payloadTypes: payloadTypes, limit: limit)
        } else {
            try refuseInsideTransaction("selectedRecords")
            rows = try await page(
                from: client, ledger: ledger, after: after, through: through, eventTypes: eventTypes, payloadTypes: payloadTypes, limit: limit)
        }
        if keyRing.canDecrypt {
            try await keyRing.prefetch(ids: rows.lazy.filter { payloadTypes.contains($0.entry.fields.eventType) }.compactMap(\.dataKeyID))
        }
        var records: [SelectedRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            guard payloadTypes.contains(row.entry.fields.eventType) else {
                records.append(SelectedRecord(entry: row.entry, payload: nil))
                continue
            }
            records.append(SelectedRecord(entry: row.entry, payload: try await openedForReader(row)))
        }
        return records
    }

    private func page(
        from source: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, eventTypes: Set<String>, payloadTypes: Set<String>,
        limit: Int
    ) async throws -> [RawEntryRow] {
        try await EntryPages.fetch(
            client: source, ledger: ledger, after: after, through: through, stream: nil, limit: max(1, limit),
            eventTypes: eventTypes.sorted(), payloadTypes: payloadTypes.sorted(), logger: logger)
    }

    /// A payload that does not open (tampered ciphertext) is reported as unavailable, so one bad
    /// row does not stop a reader; key problems (wrong master key) still throw: the operator
    /// must fix them, and a reader that skipped them would silently differ from the log.
    private func openedForReader(_ row: RawEntryRow) async throws -> LedgerRecord.Payload {
        do {
            return try await payload(of: row)
        } catch let error as LedgerStoreError {
            throw error
        } catch {
            return .unavailable("the payload does not open: \(error) (see `recordkeeper verify`)")
        }
    }
}
