public import Ledger

/// An entry read back from the ledger, with its payload as far as it can be produced.
public struct LedgerRecord: Sendable {
    public var entry: StoredEntry
    public var payload: Payload

    /// The payload of a read entry.
    public enum Payload: Sendable, Equatable {
        /// Decrypted bytes, exactly as appended.
        case bytes([UInt8])
        /// Present but encrypted: no master key is configured.
        case sealed
        /// Lawfully destroyed by the record.destroyed entry at this position.
        case destroyed(authorisedBy: Int64)
        /// Missing without authorisation, or unreadable (see `recordkeeper verify`).
        case unavailable(String)
    }
}

extension LedgerStore {
    /// Streams a ledger's entries in position order, from `from` through `through` (inclusive),
    /// optionally only one stream's, decrypting payloads when the master key is configured.
    ///
    /// Rows are fetched in pages of `pageSize`, each page only when the previous one is consumed,
    /// so memory stays flat however long the range.
    public func records(
        ledger name: String, from: Int64 = 1, through: Int64? = nil, stream: String? = nil, pageSize: Int = 500
    ) -> LedgerRecordSequence {
        LedgerRecordSequence(store: self, ledger: name, from: from, through: through, stream: stream, pageSize: max(1, pageSize))
    }
}

/// The async sequence returned by ``LedgerStore/records(ledger:from:through:stream:pageSize:)``.
public struct LedgerRecordSequence: AsyncSequence, Sendable {
    public typealias Element = LedgerRecord
    let store: LedgerStore
    let ledger: String
    let from: Int64
    let through: Int64?
    let stream: String?
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self, after: from - 1)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: LedgerRecordSequence
        var after: Int64
        var buffer: [RawEntryRow] = []
        var index = 0
        var exhausted = false
        var ledgerRef: LedgerRef?

        init(sequence: LedgerRecordSequence, after: Int64) {
            self.sequence = sequence
            self.after = after
        }

        public mutating func next() async throws -> LedgerRecord? {
            if index == buffer.count {
                if exhausted { return nil }
                let ref: LedgerRef
                if let ledgerRef {
                    ref = ledgerRef
                } else {
                    ref = try await sequence.store.ledger(named: sequence.ledger, create: false)
                    ledgerRef = ref
                }
                buffer = try await EntryPages.fetch(
                    client: sequence.store.client, ledger: ref, after: after, through: sequence.through,
                    stream: sequence.stream, limit: sequence.pageSize, logger: sequence.store.logger
                )
                index = 0
                if buffer.count < sequence.pageSize { exhausted = true }
                guard let last = buffer.last else { return nil }
                after = last.entry.fields.position
            }
            let row = buffer[index]
            index += 1
            return LedgerRecord(entry: row.entry, payload: try await sequence.store.payload(of: row))
        }
    }
}

extension LedgerStore {
    func payload(of row: RawEntryRow) async throws -> LedgerRecord.Payload {
        switch try await openPayload(of: row) {
        case .opened(_, let payload): return .bytes(payload)
        case .sealed: return .sealed
        case .destroyed(let position): return .destroyed(authorisedBy: position)
        case .missing: return .unavailable("the payload is missing and no destruction event authorises its removal")
        }
    }

    /// What a row's payload is, decrypted when the master key is configured. The one place that
    /// opens stored payloads, for reading and for verification alike.
    enum StoredPayload {
        case opened(salt: [UInt8], payload: [UInt8])
        /// Present, but no master key is configured.
        case sealed
        /// Removed by the authorised destruction recorded at this position.
        case destroyed(authorisedBy: Int64)
        /// Removed without authorisation.
        case missing
    }

    /// - Throws: ``LedgerStoreError`` when the data key cannot be had (wrong master key,
    ///   destroyed key) and ``Ledger/PayloadCryptoError`` when the payload does not open.
    func openPayload(of row: RawEntryRow) async throws -> StoredPayload {
        if let sealed = row.sealed, let keyID = row.dataKeyID {
            guard keyRing.canDecrypt else { return .sealed }
            let key = try await keyRing.key(id: keyID)
            let opened = try PayloadSealer.open(sealed, key: key, ledger: row.entry.fields.ledger, eventID: row.entry.fields.eventID)
            return .opened(salt: opened.salt, payload: opened.payload)
        }
        if let destruction = row.destruction, EntryPages.isAuthorised(destruction) {
            return .destroyed(authorisedBy: destruction.authorisedBy)
        }
        return .missing
    }
}

extension LedgerStore {
    /// The stored entry (fields and hashes, no payload) at a position, or nil if there is none.
    public func entry(ledger name: String, position: Int64) async throws -> StoredEntry? {
        let ledger = try await ledger(named: name, create: false)
        let rows = try await EntryPages.fetch(
            client: client, ledger: ledger, after: position - 1, through: position, stream: nil, limit: 1, logger: logger)
        return rows.first.map(\.entry)
    }
}
