/// Checks signed checkpoints against a ledger as a verifier streams its entries
/// (docs/ledger-format.md section 12.6).
///
/// Give it the notes and the keys you trust; it checks each note's signature and origin at once.
/// Then call ``check(treeSize:root:chainHead:)`` whenever the streamed tree reaches a size in
/// ``pendingSizes`` (size 0 included), and ``finish(ledgerLength:)`` once the stream ends.
public struct CheckpointAudit: Sendable {
    /// Why a checkpoint does not hold.
    public enum Failure: String, Sendable, Hashable {
        case signatureInvalid = "checkpoint_signature_invalid"
        case originMismatch = "checkpoint_origin_mismatch"
        case beyondHead = "checkpoint_beyond_head"
        case rootMismatch = "checkpoint_root_mismatch"
        case chainHeadMismatch = "checkpoint_chain_head_mismatch"
    }

    /// The outcome for one checkpoint.
    public struct Result: Sendable, Hashable {
        /// Where the checkpoint came from (a file name, or "stored checkpoint #id").
        public var source: String
        /// The parsed checkpoint, when the note could be parsed.
        public var checkpoint: Checkpoint?
        /// `nil` while not yet checked; `true` once it holds.
        public var verified: Bool?
        public var failure: Failure?
        /// The ledger position the failure is reported at, when it has one.
        public var position: Int64?
        /// A sentence for people.
        public var reason: String
    }

    public private(set) var results: [Result] = []
    private var pendingBySize: [UInt64: [Int]] = [:]
    private let ledger: String
    private let logName: String?

    /// - Parameters:
    ///   - ledger: the ledger being verified.
    ///   - logName: the deployment's log name, if known: the origin must then be exactly
    ///     `<logName>/ledgers/<ledger>`; otherwise any origin ending in `/ledgers/<ledger>`.
    ///   - notes: (source, signed note text) pairs.
    ///   - trustedKeys: a checkpoint must carry a valid signature by one of these.
    public init(ledger: String, logName: String?, notes: [(source: String, note: String)], trustedKeys: [NoteVerifierKey]) {
        self.ledger = ledger
        self.logName = logName
        add(notes: notes, trustedKeys: trustedKeys)
    }

    /// Adds more checkpoints, trusted with their own set of keys (each group is held only to its
    /// own keys: a key trusted for stored checkpoints never vouches for an outside one).
    public mutating func add(notes: [(source: String, note: String)], trustedKeys: [NoteVerifierKey]) {
        for (source, text) in notes {
            var result = Result(source: source, checkpoint: nil, verified: nil, failure: nil, position: nil, reason: "not checked yet")
            do {
                let note = try SignedNote(parsing: text)
                let checkpoint = try Checkpoint(parsingBody: note.text)
                result.checkpoint = checkpoint
                let originOK =
                    logName.map { checkpoint.origin == CheckpointOrigin.origin(logName: $0, ledger: ledger) }
                    ?? (CheckpointOrigin.ledger(fromOrigin: checkpoint.origin) == ledger)
                let candidates = trustedKeys.filter { $0.name == checkpoint.origin }
                if !candidates.contains(where: { $0.verifies(note) }) {
                    result.failure = .signatureInvalid
                    result.reason =
                        CheckpointError.noValidSignature(
                            origin: checkpoint.origin, trusted: candidates.map(\.description)
                        ).description
                } else if !originOK {
                    result.failure = .originMismatch
                    result.reason =
                        "the checkpoint's origin \(checkpoint.origin) is not ledger \(ledger)'s"
                        + (logName.map { " (expected \(CheckpointOrigin.origin(logName: $0, ledger: ledger)))" } ?? "")
                } else {
                    pendingBySize[checkpoint.treeSize, default: []].append(results.count)
                }
            } catch {
                result.failure = .signatureInvalid
                result.reason = "\(error)"
            }
            if result.failure != nil { result.verified = false }
            results.append(result)
        }
    }

    /// Tree sizes at which a checkpoint still waits to be compared.
    public var pendingSizes: Set<UInt64> { Set(pendingBySize.keys) }

    /// Whether some checkpoint waits for the tree of `treeSize`.
    public func isPending(_ treeSize: UInt64) -> Bool { pendingBySize[treeSize] != nil }

    /// Compares the checkpoints of `treeSize` with the streamed tree's root and the entry hash at
    /// that position (genesis for size 0).
    public mutating func check(treeSize: UInt64, root: LedgerDigest, chainHead: LedgerDigest) {
        guard let indices = pendingBySize.removeValue(forKey: treeSize) else { return }
        for index in indices {
            guard let checkpoint = results[index].checkpoint else { continue }
            if checkpoint.rootHash != root {
                fail(
                    index, .rootMismatch, at: Int64(treeSize),
                    "the first \(treeSize) entries hash to root \(root.hex), but the checkpoint says \(checkpoint.rootHash.hex): history was rewritten")
            } else if let head = checkpoint.chainHead, head != chainHead {
                fail(
                    index, .chainHeadMismatch, at: Int64(treeSize),
                    "the entry hash at position \(treeSize) is \(chainHead.hex), but the checkpoint's chain head is \(head.hex)")
            } else {
                results[index].verified = true
                results[index].reason = "root and chain head match the ledger at tree size \(treeSize)"
            }
        }
    }

    /// Fails every checkpoint still waiting: the ledger ended before its size.
    public mutating func finish(ledgerLength: Int64) {
        for (size, indices) in pendingBySize {
            for index in indices {
                fail(
                    index, .beyondHead, at: ledgerLength + 1,
                    "the checkpoint covers \(size) entries but the ledger has only \(ledgerLength): its tail was truncated")
            }
        }
        pendingBySize = [:]
    }

    /// Marks checkpoints still waiting as not checked (verification stopped early).
    public mutating func abandon(because reason: String) {
        for indices in pendingBySize.values {
            for index in indices { results[index].reason = reason }
        }
        pendingBySize = [:]
    }

    /// The first failed checkpoint, in the order the notes were given.
    public var firstFailure: Result? { results.first { $0.failure != nil } }

    private mutating func fail(_ index: Int, _ failure: Failure, at position: Int64, _ reason: String) {
        results[index].verified = false
        results[index].failure = failure
        results[index].position = position
        results[index].reason = reason
    }
}
