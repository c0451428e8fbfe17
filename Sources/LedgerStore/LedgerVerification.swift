public import Ledger
import NIOCore
import PostgresNIO

/// How deep verification went.
public enum VerificationLevel: String, Sendable, Codable {
    /// Positions, links and entry hashes (no master key needed).
    case chain
    /// The chain, plus every present payload decrypted and checked against its commitment.
    case chainAndPayloads = "chain+payloads"
}

/// Checkpoints to hold a ledger against, and the keys to trust them with.
public struct CheckpointTrust: Sendable {
    /// Checkpoints from outside the database: (where it came from, the signed note).
    public var notes: [(source: String, note: String)]
    /// Verifier keys trusted for the outside checkpoints (and the stored ones).
    public var trustedKeys: [NoteVerifierKey]
    /// The deployment's log name, when known (origins must then match exactly).
    public var logName: String?
    /// Also check every checkpoint stored in the database, with the public keys stored there.
    public var includeStored: Bool

    public init(notes: [(source: String, note: String)] = [], trustedKeys: [NoteVerifierKey] = [], logName: String? = nil, includeStored: Bool = true) {
        self.notes = notes
        self.trustedKeys = trustedKeys
        self.logName = logName
        self.includeStored = includeStored
    }
}

/// The outcome of verifying one ledger.
public struct LedgerVerificationReport: Sendable {
    public var ledger: String
    public var level: VerificationLevel
    /// Entries checked and found intact.
    public var entries: Int64
    public var payloadsVerified: Int64
    public var payloadsDestroyed: Int64
    public var headPosition: Int64
    /// The first chain failure (section 10 of the format).
    public var failure: VerificationFailure?
    /// The first stored Merkle node that differs from the recomputed tree.
    public var treeFailure: VerificationFailure?
    /// Outside checkpoints first (in the order given), then the stored ones.
    public var checkpoints: [CheckpointAudit.Result] = []
    /// The Merkle root of the entries streamed (the whole ledger when intact and complete).
    public var merkleRoot: LedgerDigest?
    /// Stored Merkle nodes compared with the recomputed tree.
    public var treeNodesChecked: Int64 = 0

    /// Everything holds: chain, stored tree and checkpoints.
    public var ok: Bool { firstProblem == nil }

    /// The problem to report first: the chain's, then a checkpoint's, then the stored tree's.
    public var firstProblem: (code: String, position: Int64?, reason: String)? {
        if let failure { return (failure.reason.code, failure.position, failure.description) }
        if let bad = checkpoints.first(where: { $0.failure != nil }), let code = bad.failure {
            return (code.rawValue, bad.position, "\(bad.source): \(bad.reason)")
        }
        if let treeFailure { return (treeFailure.reason.code, treeFailure.position, treeFailure.description) }
        return nil
    }
}

extension LedgerStore {
    /// Re-reads a ledger in position order and recomputes everything the chain commits to, the
    /// Merkle tree, and every checkpoint given or stored.
    ///
    /// Streams page by page (memory stays flat), stops at the first bad chain position and says
    /// why. With a master key every present payload is decrypted and checked against its
    /// commitment; without one the chain alone is verified (``VerificationLevel/chain``).
    /// - Parameters:
    ///   - from: start here, trusting the stored hash of the entry before (1 = from genesis).
    ///     The tree and checkpoints are only checked from genesis.
    ///   - trust: checkpoints to hold the ledger against.
    ///   - progress: called after each page with the last position checked and the head.
    public func verify(
        ledger name: String, from: Int64 = 1, pageSize: Int = 2000, trust: CheckpointTrust = CheckpointTrust(),
        progress: (@Sendable (_ position: Int64, _ head: Int64) -> Void)? = nil
    ) async throws -> LedgerVerificationReport {
        let ledger = try await ledger(named: name, create: false)
        let head = try await head(of: ledger)
        let level: VerificationLevel = keyRing.canDecrypt ? .chainAndPayloads : .chain
        var audit = try await makeAudit(ledger: name, trust: trust)
        var report = LedgerVerificationReport(
            ledger: name, level: level, entries: 0, payloadsVerified: 0, payloadsDestroyed: 0, headPosition: head.position)
        var verifier: ChainVerifier
        let start = max(1, from)
        let checksTree = start == 1
        if start > 1 {
            let anchor = try await EntryPages.fetch(
                client: client, ledger: ledger, after: start - 2, through: start - 1, stream: nil, limit: 1, logger: logger
            )
            guard let anchorRow = anchor.first, anchorRow.entry.fields.position == start - 1 else {
                report.failure = VerificationFailure(position: start - 1, reason: .missingEntry(foundNext: anchor.first?.entry.fields.position))
                audit.abandon(because: "not checked: verification started at position \(start)")
                report.checkpoints = audit.results
                return report
            }
            verifier = ChainVerifier(ledger: name, startingAt: start, previousHash: anchorRow.entry.entryHash)
            audit.abandon(because: "not checked: verification started at position \(start), so the tree was not recomputed")
        } else {
            verifier = ChainVerifier(ledger: name)
            audit.check(treeSize: 0, root: MerkleHash.emptyRoot, chainHead: .genesis)
        }
        var tree = CompactRange()
        var after = start - 1
        pages: while true {
            let page = try await EntryPages.fetch(
                client: client, ledger: ledger, after: after, through: nil, stream: nil, limit: pageSize, logger: logger
            )
            guard let last = page.last else { break }
            var storedNodes = checksTree
                ? try await storedNodes(ledger: ledger, after: after, through: last.entry.fields.position) : [:]
            for row in page {
                let evidence = try await evidence(for: row)
                if let failure = verifier.check(row.entry, payload: evidence) {
                    report.failure = failure
                    break pages
                }
                guard checksTree else { continue }
                let position = row.entry.fields.position
                tree.append(MerkleHash.leaf(entryHash: row.entry.entryHash)) { subtree, hash in
                    guard StoredTree.isStored(subtree) else { return }
                    let key = StoredTree.rowKey(subtree)
                    let stored = storedNodes.removeValue(forKey: NodeKey(lastPosition: key.lastPosition, level: key.level))
                    report.treeNodesChecked += 1
                    if stored != hash, report.treeFailure == nil {
                        report.treeFailure = VerificationFailure(
                            position: position, reason: .treeNodeMismatch(level: subtree.level, stored: stored, computed: hash))
                    }
                }
                if audit.isPending(tree.size) {
                    audit.check(treeSize: tree.size, root: tree.root, chainHead: row.entry.entryHash)
                }
            }
            if let extra = storedNodes.keys.min(by: { $0.lastPosition < $1.lastPosition }), report.treeFailure == nil {
                report.treeFailure = VerificationFailure(
                    position: extra.lastPosition,
                    reason: .treeNodeMismatch(level: Int(extra.level), stored: storedNodes[extra], computed: MerkleHash.emptyRoot))
            }
            after = last.entry.fields.position
            progress?(after, head.position)
            if page.count < pageSize { break }
        }
        if report.failure == nil {
            report.failure = verifier.checkHead(position: head.position, hash: head.hash)
        }
        if report.failure == nil, checksTree, report.treeFailure == nil {
            // A stored node beyond the last entry is backed by no entry (and would make the
            // append that reaches it fail on its primary key): report the first one.
            let beyond = try await client.query(
                """
                SELECT last_position, level, hash FROM merkle_nodes
                WHERE ledger_id = \(ledger.id) AND last_position > \(after) ORDER BY last_position, level LIMIT 1
                """,
                logger: logger
            ).collect()
            if let row = beyond.first {
                let (position, level, hash) = try row.decode((Int64, Int16, ByteBuffer).self)
                report.treeFailure = VerificationFailure(
                    position: position,
                    reason: .treeNodeMismatch(
                        level: Int(level), stored: try LedgerDigest(bytes: hash.readableBytesView), computed: MerkleHash.emptyRoot))
            }
        }
        if report.failure == nil, checksTree {
            audit.finish(ledgerLength: verifier.expectedPosition - 1)
            report.merkleRoot = tree.root
        } else if report.failure != nil {
            audit.abandon(because: "not checked: the chain failed first")
        }
        report.entries = verifier.verifiedEntries
        report.payloadsVerified = verifier.verifiedPayloads
        report.payloadsDestroyed = verifier.destroyedPayloads
        report.checkpoints = audit.results
        return report
    }

    private struct NodeKey: Hashable {
        var lastPosition: Int64
        var level: Int16
    }

    /// Stored Merkle nodes whose last leaf lies in `(after, through]`.
    private func storedNodes(ledger: LedgerRef, after: Int64, through: Int64) async throws -> [NodeKey: LedgerDigest] {
        var nodes: [NodeKey: LedgerDigest] = [:]
        let rows = try await client.query(
            """
            SELECT last_position, level, hash FROM merkle_nodes
            WHERE ledger_id = \(ledger.id) AND last_position > \(after) AND last_position <= \(through)
            """,
            logger: logger
        )
        for try await (position, level, hash) in rows.decode((Int64, Int16, ByteBuffer).self) {
            nodes[NodeKey(lastPosition: position, level: level)] = try LedgerDigest(bytes: hash.readableBytesView)
        }
        return nodes
    }

    /// The outside checkpoints, held to the caller's keys (or, when the caller gives none, to the
    /// public keys stored in the database), then, if asked, every stored checkpoint, held to the
    /// caller's keys plus the stored ones.
    private func makeAudit(ledger name: String, trust: CheckpointTrust) async throws -> CheckpointAudit {
        let storedKeys = try await SigningKeyStore.list(client: client, logger: logger)
        func databaseKeys(for notes: [(source: String, note: String)]) throws -> [NoteVerifierKey] {
            let origins = Set(notes.compactMap { try? Checkpoint(parsingBody: SignedNote(parsing: $0.note).text).origin })
            return try origins.flatMap { origin in
                try storedKeys.map { try NoteVerifierKey(name: origin, ed25519PublicKey: $0.publicKey) }
            }
        }
        var audit = CheckpointAudit(
            ledger: name, logName: trust.logName, notes: trust.notes,
            trustedKeys: trust.trustedKeys.isEmpty ? try databaseKeys(for: trust.notes) : trust.trustedKeys)
        if trust.includeStored {
            var stored: [(source: String, note: String)] = []
            var afterID: Int64 = 0
            while true {
                let page = try await checkpoints(ledger: name, afterID: afterID, limit: 1000)
                guard let last = page.last else { break }
                stored += page.map { (source: "stored checkpoint #\($0.id)", note: $0.note) }
                afterID = last.id
            }
            audit.add(notes: stored, trustedKeys: trust.trustedKeys + (try databaseKeys(for: stored)))
        }
        return audit
    }

    /// A wrong master key is a set-up mistake, not tampering: it is thrown ("could not run"),
    /// while a payload that the right key cannot open is evidence against that entry.
    private func evidence(for row: RawEntryRow) async throws -> PayloadEvidence {
        do {
            switch try await openPayload(of: row) {
            case .opened(let salt, let payload): return .opened(salt: salt, payload: payload)
            case .sealed: return .notChecked
            case .destroyed(let position): return .destroyed(authorisedBy: position)
            case .missing: return .missing
            }
        } catch let error as LedgerStoreError {
            if case .masterKeyMismatch = error { throw error }
            return .unreadable("\(error)")
        } catch {
            return .unreadable("\(error)")
        }
    }
}

extension LedgerStore {
    /// The floor no verifier can beat, for `recordkeeper bench verify`: streams the same rows as
    /// ``verify(ledger:from:pageSize:trust:progress:)`` (same query, same pages) and hashes
    /// their bytes, checking nothing.
    /// - Returns: the rows and bytes read.
    public func streamAndHash(ledger name: String, pageSize: Int = 2000) async throws -> (rows: Int64, bytes: Int64) {
        let ledger = try await ledger(named: name, create: false)
        var rows: Int64 = 0
        var bytes: Int64 = 0
        var after: Int64 = 0
        var sink = LedgerDigest.genesis
        while true {
            let page = try await EntryPages.fetch(
                client: client, ledger: ledger, after: after, through: nil, stream: nil, limit: pageSize, logger: logger)
            guard let last = page.last else { break }
            for row in page {
                let fields = row.entry.fields
                var input = Array(fields.header.utf8)
                input += fields.stream.utf8
                input += row.entry.entryHash.bytes
                if let sealed = row.sealed { input += sealed }
                sink = LedgerDigest.sha256(input)
                bytes += Int64(input.count)
                rows += 1
            }
            after = last.entry.fields.position
            if page.count < pageSize { break }
        }
        _ = sink
        return (rows, bytes)
    }
}
