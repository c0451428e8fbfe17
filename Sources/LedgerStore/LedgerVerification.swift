import Foundation
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

/// A problem verification found that does not stop it: the chain is still checked to its end,
/// so a problem found this way never hides another one.
public struct VerificationFinding: Sendable, Hashable {
    /// A short stable code for scripts (`head_missing`, `payload_key_unavailable`).
    public var code: String
    /// The ledger position it concerns, when it concerns one.
    public var position: Int64?
    /// A sentence for people.
    public var reason: String

    public init(code: String, position: Int64?, reason: String) {
        self.code = code
        self.position = position
        self.reason = reason
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
    /// The lawfully destroyed payloads by the `record.destroyed` entry that authorised them.
    public var payloadsDestroyedByAuthority: [Int64: Int64] = [:]
    /// The recorded head position the verified snapshot held (with no head row, see
    /// ``headMissing``, the position of the last entry checked).
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
    /// Problems that did not stop verification (`head_missing`, `payload_key_unavailable`), in
    /// the order found; at most ``LedgerStore/maximumFindings`` are kept, the rest are counted in
    /// ``findingsOmitted``.
    public var findings: [VerificationFinding] = []
    /// Findings found beyond the ones kept in ``findings``.
    public var findingsOmitted: Int64 = 0

    /// Whether the ledger's head row (`ledger_heads`) was missing: a `head_missing` finding.
    public var headMissing: Bool { findings.contains { $0.code == VerificationFinding.headMissing } }

    /// Everything holds: chain, stored tree and checkpoints, and nothing was found missing.
    public var ok: Bool { firstProblem == nil }

    /// The problem to report first: the chain's, then a finding, then a checkpoint's, then the
    /// stored tree's.
    public var firstProblem: (code: String, position: Int64?, reason: String)? { problems.first }

    /// Every problem found, in the order of ``firstProblem``: the chain's first failure, every
    /// finding, every failed checkpoint, the stored tree's first failure.
    public var problems: [(code: String, position: Int64?, reason: String)] {
        var all: [(code: String, position: Int64?, reason: String)] = []
        if let failure { all.append((failure.reason.code, failure.position, failure.description)) }
        all += findings.map { ($0.code, $0.position, $0.reason) }
        for bad in checkpoints {
            if let code = bad.failure { all.append((code.rawValue, bad.position, "\(bad.source): \(bad.reason)")) }
        }
        if let treeFailure { all.append((treeFailure.reason.code, treeFailure.position, treeFailure.description)) }
        return all
    }

    mutating func add(_ finding: VerificationFinding) {
        if findings.count < LedgerStore.maximumFindings {
            findings.append(finding)
        } else {
            findingsOmitted += 1
        }
    }
}

extension VerificationFinding {
    /// The ledger has entries (a `ledgers` row) but no `ledger_heads` row.
    public static let headMissing = "head_missing"
    /// An entry's payload is stored, but its data key cannot be had (the key row is missing or
    /// destroyed, or wrapped by another master key than the rest of the ledger's keys).
    public static let payloadKeyUnavailable = "payload_key_unavailable"
    /// A `ledger_payloads` row at a position where the ledger has no entry (format section
    /// 10.2, step 8): no entry commits to it.
    public static let orphanPayload = "orphan_payload"
}

extension LedgerStore {
    /// How many findings a report keeps (the rest are only counted).
    public static let maximumFindings = 1000

    /// Re-reads a ledger in position order and recomputes everything the chain commits to, the
    /// Merkle tree, and every checkpoint given or stored.
    ///
    /// Everything is read in one read-only REPEATABLE READ transaction, so the head, the
    /// entries, the stored tree and the stored checkpoints are one consistent snapshot: appends
    /// committed while verification runs are neither seen nor reported (the report's
    /// ``LedgerVerificationReport/headPosition`` is the head verified), while an entry beyond
    /// the head within the snapshot is tampering (`entries_beyond_head`).
    ///
    /// Streams page by page (memory stays flat), stops at the first bad chain position and says
    /// why. With a master key every present payload is decrypted and checked against its
    /// commitment; without one the chain alone is verified (``VerificationLevel/chain``).
    /// Problems that do not break the chain do not stop it (``LedgerVerificationReport/findings``):
    /// a missing head row (`head_missing`), payloads whose data key cannot be had
    /// (`payload_key_unavailable`) and payload rows at positions without an entry (`orphan_payload`).
    /// - Parameters:
    ///   - from: start here, trusting the stored hash of the entry before (1 = from genesis).
    ///     The tree and checkpoints are only checked from genesis.
    ///   - trust: checkpoints to hold the ledger against.
    ///   - progress: called after each page with the last position checked and the head.
    /// - Throws: when verification cannot run at all: no such ledger (``LedgerStoreError/ledgerNotFound(_:)``),
    ///   a configured master key that wraps none of the ledger's data keys
    ///   (``LedgerStoreError/masterKeyMismatch(dataKeyID:wrappedBy:configured:)``: a set-up
    ///   mistake, not tampering), or a database error.
    public func verify(
        ledger name: String, from: Int64 = 1, pageSize: Int = 2000, trust: CheckpointTrust = CheckpointTrust(),
        progress: (@Sendable (_ position: Int64, _ head: Int64) -> Void)? = nil
    ) async throws -> LedgerVerificationReport {
        let ledger = try await ledger(named: name, create: false)
        // Fresh statistics make the whole-ledger queries fast on a ledger that grew lately; they
        // cannot change a result, so a role that may not refresh them verifies all the same.
        do {
            try await refreshPlannerStatistics(ledger: ledger)
        } catch {
            logger.notice("planner statistics not refreshed before verification", metadata: ["error": "\(String(reflecting: error))"])
        }
        return try await inSnapshot { db in
            try await verify(ledger: ledger, in: db, from: from, pageSize: max(1, pageSize), trust: trust, progress: progress)
        }
    }

    /// Runs `body` on one connection inside a read-only REPEATABLE READ transaction, so that
    /// every query it makes sees the same snapshot of the database.
    func inSnapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.perform("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.perform("COMMIT", logger: logger)
                return result
            } catch {
                try? await connection.perform("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private func verify(
        ledger: LedgerRef, in db: PostgresConnection, from: Int64, pageSize: Int, trust: CheckpointTrust,
        progress: (@Sendable (_ position: Int64, _ head: Int64) -> Void)?
    ) async throws -> LedgerVerificationReport {
        let name = ledger.name
        try await checkMasterKey(ledger: ledger, in: db)
        let head = try await recordedHead(of: ledger, in: db)
        let level: VerificationLevel = keyRing.canDecrypt ? .chainAndPayloads : .chain
        var audit = try await makeAudit(ledger: ledger, trust: trust, in: db)
        var report = LedgerVerificationReport(
            ledger: name, level: level, entries: 0, payloadsVerified: 0, payloadsDestroyed: 0, headPosition: head?.position ?? 0)
        if head == nil {
            report.add(
                VerificationFinding(
                    code: VerificationFinding.headMissing, position: nil,
                    reason: "ledger \(name) has no head row in ledger_heads (it was deleted): the entries were verified without it"))
        }
        for finding in try await unopenableKeyWraps(ledger: ledger, in: db) { report.add(finding) }  // KeyWrapAudit.swift
        var verifier: ChainVerifier
        let start = max(1, from)
        let checksTree = start == 1
        if start > 1 {
            let anchor = try await EntryPages.fetch(
                client: db, ledger: ledger, after: start - 2, through: start - 1, stream: nil, limit: 1, logger: logger
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
        // Range by range, the next one read while this one is checked (RangePrefetcher).
        let (store, ledgerLast) = (self, try await EntryRanges.lastPosition(client: db, ledger: ledger, logger: logger))
        var ranges = RangePrefetcher(after: after, last: ledgerLast, size: pageSize) { after, through in
            async let nodes = checksTree ? store.storedNodes(ledger: ledger, after: after, through: through, in: db) : [:]
            let rows = try await EntryRanges.fetch(client: db, ledger: ledger, after: after, through: through, logger: store.logger)
            return (rows: rows, nodes: try await nodes)
        }
        do {
            pages: while let (range, through) = try await ranges.next() {
                let page = range.rows
                var storedNodes = range.nodes
                if keyRing.canDecrypt { try await keyRing.prefetch(ids: page.compactMap(\.dataKeyID)) }
                for (row, found) in zip(page, try await evidences(for: page)) {
                    let evidence: PayloadEvidence
                    switch found {
                    case .payload(let found):
                        evidence = found
                    case .keyUnavailable(let why):
                        // Not a chain failure: the entry's hash is still checked, its payload cannot be.
                        report.add(
                            VerificationFinding(
                                code: VerificationFinding.payloadKeyUnavailable, position: row.entry.fields.position,
                                reason: "entry \(row.entry.fields.position)'s payload cannot be checked: \(why)"))
                        evidence = .notChecked
                    }
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
                after = through
                progress?(after, max(after, head?.position ?? after))
            }
        } catch {
            await ranges.finish()
            throw error
        }
        await ranges.finish()
        if report.failure == nil, let head {
            report.failure = verifier.checkHead(position: head.position, hash: head.hash)
        }
        for finding in try await orphanPayloads(ledger: ledger, from: start, in: db) { report.add(finding) }
        if head == nil { report.headPosition = verifier.expectedPosition - 1 }
        if report.failure == nil, checksTree, report.treeFailure == nil {
            // A stored node beyond the last entry is backed by no entry (and would make the
            // append that reaches it fail on its primary key): report the first one.
            let beyond = try await db.query(
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
        report.payloadsDestroyedByAuthority = verifier.destroyedByAuthority
        report.checkpoints = audit.results
        return report
    }

    /// Step 8 of the format's section 10.2: every `ledger_payloads` row of the ledger whose
    /// position has no `ledger_entries` row (inside the chain's range, at or below 0, or beyond
    /// the last entry) is an `orphan_payload` finding at its position. Such a row is committed
    /// to by no entry, so the chain cannot vouch for it; only a writer outside `rk_append` (a
    /// superuser or the schema owner) can have put it there. From a partial start only the
    /// rows at or after `from` are looked at. Runs whether or not the chain failed.
    private func orphanPayloads(ledger: LedgerRef, from: Int64, in db: PostgresConnection) async throws -> [VerificationFinding] {
        let lowest = from > 1 ? from : Int64.min
        let rows = try await db.query(
            """
            SELECT p.position, p.data_key_id FROM ledger_payloads p
            WHERE p.ledger_id = \(ledger.id) AND p.position >= \(lowest)
              AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.ledger_id = p.ledger_id AND e.position = p.position)
            ORDER BY p.position
            LIMIT \(LedgerStore.maximumFindings + 1)
            """,
            logger: logger
        ).collect()
        return try rows.map { row in
            let (position, keyID) = try row.decode((Int64, Int64).self)
            return VerificationFinding(
                code: VerificationFinding.orphanPayload, position: position,
                reason:
                    "ledger_payloads has a row at position \(position) (data key \(keyID)) but ledger \(ledger.name) has no entry there: no entry commits to it, and only a writer bypassing rk_append can have inserted it"
            )
        }
    }

    /// The recorded head in the snapshot, or nil when the ledger has no head row.
    private func recordedHead(of ledger: LedgerRef, in db: PostgresConnection) async throws -> (position: Int64, hash: LedgerDigest)? {
        let rows = try await db.query(
            "SELECT position, head_hash FROM ledger_heads WHERE ledger_id = \(ledger.id)", logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (position, hash) = try row.decode((Int64, ByteBuffer).self)
        // A hash of the wrong length cannot match any entry: head_hash_mismatch names it.
        return (position, (try? LedgerDigest(bytes: hash.readableBytesView)) ?? LedgerDigest.genesis)
    }

    /// A configured master key that wraps no key in the database (no data key of any ledger, no
    /// checkpoint signing key, no rotation wrap of either where the schema keeps them) is a set-up mistake (the wrong key file, or a rotation not
    /// followed): verification cannot run. Once some key confirms it, a data key wrapped by
    /// another master key is evidence against that key: its entries are findings.
    private func checkMasterKey(ledger: LedgerRef, in db: PostgresConnection) async throws {
        guard let masterKey else { return }
        let confirmed = try await db.query(
            """
            SELECT EXISTS (SELECT 1 FROM data_keys WHERE master_key_id = \(masterKey.identifier) AND wrapped_key IS NOT NULL)
                OR EXISTS (SELECT 1 FROM signing_keys WHERE master_key_id = \(masterKey.identifier))
            """,
            logger: logger
        ).collect()
        if try confirmed.first?.decode(Bool.self) == true { return }
        // Schemas that keep a master key rotation's wraps apart (data_key_wraps,
        // signing_key_wraps) confirm the key there too.
        for (table, column) in [("data_key_wraps", "data_key_id"), ("signing_key_wraps", "signing_key_id")] {
            let exists = try await db.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger).collect()
            guard try exists.first?.decode(Bool.self) == true else { continue }
            let wrapped = try await db.query(
                "SELECT EXISTS (SELECT 1 FROM \(unescaped: table) WHERE master_key_id = \(masterKey.identifier) AND \(unescaped: column) IS NOT NULL)",
                logger: logger
            ).collect()
            if try wrapped.first?.decode(Bool.self) == true { return }
        }
        let rows = try await db.query(
            """
            SELECT id, master_key_id FROM data_keys
            WHERE ledger_id = \(ledger.id) AND master_key_id IS NOT NULL AND wrapped_key IS NOT NULL ORDER BY id LIMIT 1
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { return }
        let (id, wrappedBy) = try row.decode((Int64, String).self)
        throw LedgerStoreError.masterKeyMismatch(dataKeyID: id, wrappedBy: wrappedBy, configured: masterKey.identifier)
    }

    fileprivate struct NodeKey: Hashable, Sendable {
        var lastPosition: Int64
        var level: Int16
    }

    /// Stored Merkle nodes whose last leaf lies in `(after, through]`.
    fileprivate func storedNodes(ledger: LedgerRef, after: Int64, through: Int64, in db: PostgresConnection) async throws -> [NodeKey: LedgerDigest] {
        var nodes: [NodeKey: LedgerDigest] = [:]
        let rows = try await db.query(
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
    /// caller's keys plus the stored ones. Stored keys and checkpoints are read in the snapshot.
    private func makeAudit(ledger: LedgerRef, trust: CheckpointTrust, in db: PostgresConnection) async throws -> CheckpointAudit {
        var storedKeys: [[UInt8]] = []
        for try await key in try await db.query("SELECT public_key FROM signing_keys ORDER BY id", logger: logger).decode(ByteBuffer.self) {
            storedKeys.append(Array(key.readableBytesView))
        }
        func databaseKeys(for notes: [(source: String, note: String)]) throws -> [NoteVerifierKey] {
            let origins = Set(notes.compactMap { try? Checkpoint(parsingBody: SignedNote(parsing: $0.note).text).origin })
            return try origins.flatMap { origin in
                try storedKeys.map { try NoteVerifierKey(name: origin, ed25519PublicKey: $0) }
            }
        }
        var audit = CheckpointAudit(
            ledger: ledger.name, logName: trust.logName, notes: trust.notes,
            trustedKeys: trust.trustedKeys.isEmpty ? try databaseKeys(for: trust.notes) : trust.trustedKeys)
        if trust.includeStored {
            var stored: [(source: String, note: String)] = []
            var afterID: Int64 = 0
            while true {
                let rows = try await db.query(
                    "SELECT id, note FROM checkpoints WHERE ledger_id = \(ledger.id) AND id > \(afterID) ORDER BY id LIMIT 1000",
                    logger: logger
                ).collect()
                let page = try rows.map { try $0.decode((Int64, String).self) }
                guard let last = page.last else { break }
                stored += page.map { (source: "stored checkpoint #\($0.0)", note: $0.1) }
                afterID = last.0
            }
            audit.add(notes: stored, trustedKeys: trust.trustedKeys + (try databaseKeys(for: stored)))
        }
        return audit
    }

    /// What a row's payload shows, or why its data key cannot be had.
    private enum RowEvidence: Sendable {
        case payload(PayloadEvidence)
        /// The payload is stored, but its data key is missing, destroyed or wrapped by another
        /// master key (``checkMasterKey(ledger:in:)`` has ruled out a wrong key for the whole ledger).
        case keyUnavailable(String)
    }

    /// The evidence of every row of a range, in the range's order: the payloads are decrypted in
    /// a few parallel slices (AES-GCM is most of a range's CPU), while the chain is checked in
    /// order afterwards.
    private func evidences(for page: [RawEntryRow]) async throws -> [RowEvidence] {
        let slices = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, page.count / 256))
        guard slices > 1 else {
            var found: [RowEvidence] = []
            found.reserveCapacity(page.count)
            for row in page { found.append(try await evidence(for: row)) }
            return found
        }
        let size = (page.count + slices - 1) / slices
        return try await withThrowingTaskGroup(of: (Int, [RowEvidence]).self) { group in
            for start in stride(from: 0, to: page.count, by: size) {
                let slice = page[start..<min(start + size, page.count)]
                group.addTask {
                    var found: [RowEvidence] = []
                    found.reserveCapacity(slice.count)
                    for row in slice { found.append(try await self.evidence(for: row)) }
                    return (start, found)
                }
            }
            var ordered = [(Int, [RowEvidence])]()
            for try await done in group { ordered.append(done) }
            return ordered.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// A payload that the right key cannot open is evidence against that entry; a data key that
    /// cannot be had is a finding, and the entry's chain is still checked.
    private func evidence(for row: RawEntryRow) async throws -> RowEvidence {
        if row.sealed != nil, let keyID = row.dataKeyID, keyRing.canDecrypt {
            do {
                _ = try await keyRing.key(id: keyID)
            } catch let error as LedgerStoreError {
                return .keyUnavailable("\(error)")
            } catch let error as PayloadCryptoError {
                return .keyUnavailable("data key \(keyID) does not unwrap with the configured master key: \(error)")
            }
        }
        do {
            switch try await openPayload(of: row) {
            case .opened(let salt, let payload): return .payload(.opened(salt: salt, payload: payload))
            case .sealed: return .payload(.notChecked)
            case .destroyed(let position): return .payload(.destroyed(authorisedBy: position))
            case .missing: return .payload(.missing)
            }
        } catch {
            return .payload(.unreadable("\(error)"))
        }
    }
}

extension LedgerStore {
    /// The floor no verifier can beat, for `recordkeeper bench verify`: streams the same rows as
    /// ``verify(ledger:from:pageSize:trust:progress:)`` (same queries, same ranges, read one
    /// range ahead in the same way) and hashes their bytes, checking nothing.
    /// - Returns: the rows and bytes read.
    public func streamAndHash(ledger name: String, pageSize: Int = 2000) async throws -> (rows: Int64, bytes: Int64) {
        let ledger = try await ledger(named: name, create: false)
        return try await client.withConnection { db in
            var rows: Int64 = 0
            var bytes: Int64 = 0
            var sink = LedgerDigest.genesis
            let logger = self.logger
            var ranges = RangePrefetcher(
                after: 0, last: try await EntryRanges.lastPosition(client: db, ledger: ledger, logger: logger), size: pageSize
            ) { after, through in
                try await EntryRanges.fetch(client: db, ledger: ledger, after: after, through: through, logger: logger)
            }
            do {
                while let (page, _) = try await ranges.next() {
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
                }
            } catch {
                await ranges.finish()
                throw error
            }
            _ = sink
            return (rows, bytes)
        }
    }
}
