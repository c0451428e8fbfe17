/// An entry as read back from storage: its fields and the hashes stored beside them.
public struct StoredEntry: Hashable, Sendable {
    public var fields: EntryFields
    /// The previous entry hash as stored in this row.
    public var previousHash: LedgerDigest
    /// The entry hash as stored in this row.
    public var entryHash: LedgerDigest

    public init(fields: EntryFields, previousHash: LedgerDigest, entryHash: LedgerDigest) {
        self.fields = fields
        self.previousHash = previousHash
        self.entryHash = entryHash
    }
}

/// What the verifier knows about an entry's payload.
public enum PayloadEvidence: Sendable {
    /// Decrypted: the salt and payload bytes, to check against the commitment.
    case opened(salt: [UInt8], payload: [UInt8])
    /// Present but not decrypted (verification without the master key).
    case notChecked
    /// Removed by an authorised destruction, recorded at the given position.
    case destroyed(authorisedBy: Int64)
    /// Removed, with no authorising destruction event.
    case missing
    /// Present, but it could not be decrypted or its key could not be unwrapped.
    case unreadable(String)
}
