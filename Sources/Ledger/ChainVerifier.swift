/// Checks a ledger's entries in position order: positions without gaps, each entry linked to
/// the one before, each entry hash recomputed, each payload checked against its commitment.
///
/// It is a pure state machine: feed it entries with ``check(_:payload:)`` and it returns the
/// first ``VerificationFailure``. It holds one hash, so memory stays flat however long the ledger.
public struct ChainVerifier: Sendable {
    /// The ledger being verified.
    public let ledger: String
    /// The position the next entry must have.
    public private(set) var expectedPosition: Int64
    /// The hash the next entry must link to.
    public private(set) var previousHash: LedgerDigest
    /// How many entries have been checked and found intact.
    public private(set) var verifiedEntries: Int64 = 0
    /// How many payloads were decrypted and matched their commitment.
    public private(set) var verifiedPayloads: Int64 = 0
    /// How many payloads were lawfully destroyed (entry kept, payload gone with authorisation).
    public private(set) var destroyedPayloads: Int64 = 0
    /// The lawfully destroyed payloads by the position of the `record.destroyed` entry that
    /// authorised them (one member per authority: memory grows with destructions, not entries).
    public private(set) var destroyedByAuthority: [Int64: Int64] = [:]

    /// Starts at position 1 from the genesis value, or at a later position anchored on the hash
    /// of the entry before it (partial verification trusts that anchor).
    public init(ledger: String, startingAt position: Int64 = 1, previousHash: LedgerDigest = .genesis) {
        self.ledger = ledger
        self.expectedPosition = position
        self.previousHash = previousHash
    }

    /// Checks the next entry. Returns the failure, or `nil` when the entry is intact.
    public mutating func check(_ entry: StoredEntry, payload: PayloadEvidence) -> VerificationFailure? {
        let fields = entry.fields
        if fields.position != expectedPosition {
            if fields.position > expectedPosition {
                return VerificationFailure(position: expectedPosition, reason: .missingEntry(foundNext: fields.position))
            }
            return VerificationFailure(position: fields.position, reason: .unexpectedPosition(expected: expectedPosition))
        }
        if fields.ledger != ledger {
            return VerificationFailure(position: fields.position, reason: .wrongLedger(fields.ledger))
        }
        if entry.previousHash != previousHash {
            return VerificationFailure(position: fields.position, reason: .brokenLink(expected: previousHash, stored: entry.previousHash))
        }
        let recomputed = EntryEncoding.entryHash(fields, previousHash: previousHash)
        if recomputed != entry.entryHash {
            return VerificationFailure(position: fields.position, reason: .entryHashMismatch(computed: recomputed, stored: entry.entryHash))
        }
        switch payload {
        case .opened(let salt, let bytes):
            guard let commitment = try? PayloadCommitment.commit(salt: salt, payload: bytes),
                commitment == fields.payloadCommitment
            else {
                return VerificationFailure(position: fields.position, reason: .payloadCommitmentMismatch)
            }
            verifiedPayloads += 1
        case .notChecked:
            break
        case .destroyed(let authorisedBy):
            guard authorisedBy > fields.position else {
                return VerificationFailure(position: fields.position, reason: .payloadMissing)
            }
            destroyedPayloads += 1
            destroyedByAuthority[authorisedBy, default: 0] += 1
        case .missing:
            return VerificationFailure(position: fields.position, reason: .payloadMissing)
        case .unreadable(let why):
            return VerificationFailure(position: fields.position, reason: .payloadUnreadable(why))
        }
        previousHash = entry.entryHash
        // Wrapping: an entry at Int64.max must not trap the verifier (checkHead undoes it with &-).
        expectedPosition &+= 1
        verifiedEntries += 1
        return nil
    }

    /// Checks the ledger's recorded head (position and hash) against what was verified.
    /// A head beyond the last entry means entries at the end were removed.
    public func checkHead(position: Int64, hash: LedgerDigest) -> VerificationFailure? {
        let lastVerified = expectedPosition &- 1
        if position > lastVerified {
            return VerificationFailure(position: lastVerified + 1, reason: .missingEntry(foundNext: nil))
        }
        if position < lastVerified {
            return VerificationFailure(position: position + 1, reason: .beyondHead(head: position))
        }
        if hash != previousHash {
            return VerificationFailure(position: position, reason: .headHashMismatch)
        }
        return nil
    }
}

/// The first problem verification found, and where.
public struct VerificationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first bad position.
    public var position: Int64
    public var reason: Reason

    public init(position: Int64, reason: Reason) {
        self.position = position
        self.reason = reason
    }

    /// Why a position is bad.
    public enum Reason: Hashable, Sendable {
        /// No entry at this position; the next one found is at `foundNext` (nil: none).
        case missingEntry(foundNext: Int64?)
        /// An entry stands where the sequence did not expect it (duplicate or out of order).
        case unexpectedPosition(expected: Int64)
        case wrongLedger(String)
        /// The stored previous hash is not the hash of the entry before.
        case brokenLink(expected: LedgerDigest, stored: LedgerDigest)
        /// The fields do not hash to the stored entry hash.
        case entryHashMismatch(computed: LedgerDigest, stored: LedgerDigest)
        /// The decrypted salt and payload do not match the commitment.
        case payloadCommitmentMismatch
        /// The payload is gone and no destruction event authorises it.
        case payloadMissing
        case payloadUnreadable(String)
        /// Entries exist after the recorded head.
        case beyondHead(head: Int64)
        /// The recorded head hash is not the last entry's hash.
        case headHashMismatch
        /// A stored Merkle tree node (ending at this position) is not the hash the entries give,
        /// or is missing (`stored == nil`).
        case treeNodeMismatch(level: Int, stored: LedgerDigest?, computed: LedgerDigest)

        /// A short stable code for scripts.
        public var code: String {
            switch self {
            case .missingEntry: "missing_entry"
            case .unexpectedPosition: "unexpected_position"
            case .wrongLedger: "wrong_ledger"
            case .brokenLink: "broken_link"
            case .entryHashMismatch: "entry_hash_mismatch"
            case .payloadCommitmentMismatch: "payload_commitment_mismatch"
            case .payloadMissing: "payload_missing"
            case .payloadUnreadable: "payload_unreadable"
            case .beyondHead: "entries_beyond_head"
            case .headHashMismatch: "head_hash_mismatch"
            case .treeNodeMismatch: "tree_node_mismatch"
            }
        }
    }

    public var description: String {
        switch reason {
        case .missingEntry(let next?):
            "entry \(position) is missing (the next entry found is \(next))"
        case .missingEntry(nil):
            "entry \(position) is missing: the ledger head says there are more entries than remain"
        case .unexpectedPosition(let expected):
            "an entry at position \(position) appears where position \(expected) was expected (duplicate or reordered entry)"
        case .wrongLedger(let other):
            "entry \(position) names ledger '\(other)'"
        case .brokenLink(let expected, let stored):
            "entry \(position) links to \(stored.hex.prefix(16))…, but the entry before it hashes to \(expected.hex.prefix(16))…"
        case .entryHashMismatch(let computed, let stored):
            "entry \(position)'s fields hash to \(computed.hex.prefix(16))…, not the stored \(stored.hex.prefix(16))…: a field was altered"
        case .payloadCommitmentMismatch:
            "entry \(position)'s payload (with its salt) does not match the payload commitment"
        case .payloadMissing:
            "entry \(position)'s payload is missing and no destruction event authorises its removal"
        case .payloadUnreadable(let why):
            "entry \(position)'s payload cannot be read: \(why)"
        case .beyondHead(let head):
            "entry \(position) lies beyond the recorded ledger head \(head)"
        case .headHashMismatch:
            "the recorded ledger head hash differs from entry \(position)'s hash"
        case .treeNodeMismatch(let level, let stored?, let computed):
            "the stored Merkle node at level \(level) ending at entry \(position) is \(stored.hex.prefix(16))…, but the entries give \(computed.hex.prefix(16))…"
        case .treeNodeMismatch(let level, nil, _):
            "the stored Merkle node at level \(level) ending at entry \(position) is missing"
        }
    }
}
