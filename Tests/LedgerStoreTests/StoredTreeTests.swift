import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// The Merkle tree the store keeps in `merkle_nodes` (docs/ledger-format.md section 11.1) must be
/// the RFC 9162 tree of the entry hashes: roots and proofs served from it must equal the ones the
/// in-memory reference `MerkleTree` computes over every entry hash read back.
@Suite("Stored Merkle tree")
struct StoredTreeTests {
    /// Batch sizes appended to ledger `t`, one inner array per store session (each session a new
    /// `LedgerStore`, whose committer reloads the frontier from the database). They cross 16, 256
    /// and many sizes that are not powers of two; 460 entries in all.
    static let sessions: [[Int]] = [[1, 2, 13], [1, 16, 31, 64], [3, 100, 7], [200, 17, 5]]
    /// Batch sizes appended to ledger `o` alongside, one per session (45 entries).
    static let otherBatches = [5, 20, 3, 17]

    static let total = sessions.joined().reduce(0, +)
    static let otherTotal = otherBatches.reduce(0, +)

    /// The number of stored nodes section 11.1 prescribes for `size` entries.
    static func nodeCount(size: Int) -> Int {
        (4..<63).reduce(0) { $0 + size >> $1 }
    }

    /// Appends the batches. In the third session two stores append to `t` in turn, so each one's
    /// committer finds the head moved by the other and must reload the head and frontier.
    /// Returns the entry hashes of `t` and `o`.
    static func build(_ db: ScratchDatabase) async throws -> (t: [LedgerDigest], o: [LedgerDigest]) {
        let counter = EventNumbers()
        for (session, batches) in sessions.enumerated() {
            try await db.withStore { _, store in
                try await db.withStore { _, second in
                    for (number, size) in batches.enumerated() {
                        let appender = session == 2 && number % 2 == 1 ? second : store
                        let first = counter.take(size)
                        let receipts = try await appender.append(
                            (first..<(first + size)).map { sampleEvent($0, stream: "conversation/\($0 % 3)") }, to: "t")
                        #expect(receipts.map(\.position) == Array(Int64(first)...Int64(first + size - 1)))
                        let head = try await appender.head(of: appender.ledger(named: "t", create: false)).position
                        let stored = try await TreeTestSupport.storedNodes(
                            appender.client, ledgerID: TreeTestSupport.ledgerID(appender, "t"))
                        #expect(
                            stored.count == nodeCount(size: Int(head)),
                            "after appending up to \(head), merkle_nodes must hold every complete subtree of level 4 or more")
                    }
                    _ = try await store.append(
                        (0..<otherBatches[session]).map { sampleEvent(10_000 + $0, stream: "other") }, to: "o")
                }
            }
        }
        return try await db.withStore { _, store in
            (try await TreeTestSupport.entryHashes(store, ledger: "t"), try await TreeTestSupport.entryHashes(store, ledger: "o"))
        }
    }

    /// Sizes at which roots are compared: every size up to 40, the batch boundaries, and sizes
    /// around 64, 128 and 256.
    static var rootSizes: [Int] {
        var sizes = Set(0...40)
        var running = 0
        for size in sessions.joined() {
            running += size
            sizes.formUnion([running - 1, running, running + 1].filter { $0 <= total })
        }
        sizes.formUnion([63, 64, 65, 127, 128, 129, 255, 256, 257, 300, 383, 384, 385, 447, 448, 449, 459, 460])
        return sizes.sorted()
    }

    @Test("roots, stored nodes and verify agree with the reference tree after irregular batches and restarts")
    func rootsAndNodes() async throws {
        try await withMigratedDatabase { db in
            let (t, o) = try await Self.build(db)
            #expect(t.count == Self.total)
            #expect(o.count == Self.otherTotal)
            let leaves = TreeTestSupport.leafHashes(t)
            let otherLeaves = TreeTestSupport.leafHashes(o)
            try await db.withStore { _, store in
                for size in Self.rootSizes {
                    let root = try await store.treeRoot(ledger: "t", size: Int64(size))
                    #expect(root == MerkleTree.root(of: leaves[0..<size]), "root of the first \(size) entries")
                }
                #expect(try await store.treeRoot(ledger: "t", size: 0) == MerkleHash.emptyRoot)
                #expect(
                    try await store.treeRoot(ledger: "t", size: 0).hex
                        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                for size in [0, 1, 15, 16, 17, 32, 44, 45] {
                    #expect(try await store.treeRoot(ledger: "o", size: Int64(size)) == MerkleTree.root(of: otherLeaves[0..<size]))
                }

                // The rows are exactly the complete subtrees of level 4 or more of each ledger.
                let tNodes = try await TreeTestSupport.storedNodes(store.client, ledgerID: TreeTestSupport.ledgerID(store, "t"))
                let expected = TreeTestSupport.expectedNodes(leaves: leaves)
                let prescribed: Int = 28 + 14 + 7 + 3 + 1  // ⌊460/16⌋ + ⌊460/32⌋ + ⌊460/64⌋ + ⌊460/128⌋ + ⌊460/256⌋
                #expect(expected.count == prescribed)
                #expect(tNodes.count == expected.count)
                #expect(tNodes == expected)
                #expect(tNodes.contains { $0.level == 8 && $0.lastPosition == 256 })
                let oNodes = try await TreeTestSupport.storedNodes(store.client, ledgerID: TreeTestSupport.ledgerID(store, "o"))
                #expect(oNodes == TreeTestSupport.expectedNodes(leaves: otherLeaves))
                #expect(oNodes.map { [$0.lastPosition, Int64($0.level)] } == [[16, 4], [32, 4], [32, 5]])

                // verify recomputes the same tree and checks every stored node.
                let report = try await store.verify(ledger: "t", pageSize: 77)
                #expect(report.ok, "\(String(describing: report.firstProblem))")
                #expect(report.merkleRoot == MerkleTree.root(of: leaves))
                #expect(report.treeNodesChecked == Int64(expected.count))
            }
        }
    }

    @Test("inclusion and consistency proofs equal the reference tree's and verify")
    func proofs() async throws {
        try await withMigratedDatabase { db in
            let (t, _) = try await Self.build(db)
            let leaves = TreeTestSupport.leafHashes(t)
            try await db.withStore { _, store in
                let sizes = [1, 2, 3, 5, 15, 16, 17, 31, 32, 33, 100, 238, 255, 256, 257, 300, 459, 460]
                var checked = 0
                for size in sizes {
                    let root = MerkleTree.root(of: leaves[0..<size])
                    let positions = Set([1, 2, size / 2, size - 1, size, 16, 17, 255, 256, 257]).filter { $0 >= 1 && $0 <= size }
                    for position in positions.sorted() {
                        let proof = try await store.inclusionProof(ledger: "t", position: Int64(position), treeSize: Int64(size))
                        let reference = try #require(
                            MerkleTree.inclusionProof(index: UInt64(position - 1), size: UInt64(size), leafHashes: leaves))
                        let label = "inclusion of \(position) in \(size)"
                        #expect(proof.proof == reference.map(\.hex), "\(label)")
                        #expect(proof.position == Int64(position) && proof.leafIndex == Int64(position - 1), "\(label)")
                        #expect(proof.treeSize == Int64(size), "\(label)")
                        #expect(proof.entryHash == t[position - 1].hex, "\(label)")
                        #expect(proof.leafHash == leaves[position - 1].hex, "\(label)")
                        #expect(proof.rootHash == root.hex, "\(label)")
                        #expect(proof.verifies(againstRoot: root), "\(label)")
                        #expect(
                            MerkleVerifier.verifyInclusion(
                                leafHash: leaves[position - 1], index: UInt64(position - 1), treeSize: UInt64(size),
                                proof: try proof.proof.map { try LedgerDigest(hex: $0) }, root: root), "\(label)")
                        if size > 1 {
                            // The same proof does not prove anything about another tree.
                            #expect(!proof.verifies(againstRoot: MerkleTree.root(of: leaves[0..<(size - 1)])), "\(label)")
                        }
                        checked += 1
                    }
                }
                #expect(checked > 100)

                // Without a tree size, the proof is in the whole ledger.
                let whole = try await store.inclusionProof(ledger: "t", position: 300)
                #expect(whole.treeSize == 460)
                #expect(whole.verifies(againstRoot: MerkleTree.root(of: leaves)))

                let froms = [0, 1, 2, 3, 7, 15, 16, 17, 64, 100, 238, 255, 256, 257, 459, 460]
                for from in froms {
                    for to in Set([from, from + 1, 16, 17, 256, 257, 300, 460]).filter({ $0 >= from && $0 <= 460 }).sorted() {
                        let proof = try await store.consistencyProof(ledger: "t", from: Int64(from), to: Int64(to))
                        let reference = try #require(MerkleTree.consistencyProof(from: UInt64(from), to: UInt64(to), leafHashes: leaves))
                        let oldRoot = MerkleTree.root(of: leaves[0..<from])
                        let newRoot = MerkleTree.root(of: leaves[0..<to])
                        let label = "consistency \(from) → \(to)"
                        #expect(proof.proof == reference.map(\.hex), "\(label)")
                        #expect(proof.fromSize == Int64(from) && proof.toSize == Int64(to), "\(label)")
                        #expect(proof.fromRoot == oldRoot.hex, "\(label)")
                        #expect(proof.toRoot == newRoot.hex, "\(label)")
                        #expect(proof.verifies(oldRoot: oldRoot, newRoot: newRoot), "\(label)")
                        if from > 0 && from < to {
                            // A tree that is not a prefix of the new one is not proven consistent.
                            let wrongOld = MerkleTree.root(of: leaves[1..<(from + 1)])
                            #expect(!proof.verifies(oldRoot: wrongOld, newRoot: newRoot), "\(label)")
                        }
                    }
                }
            }
        }
    }

    @Test("sizes beyond the head and positions outside the tree are refused with the right error")
    func outOfRange() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append((1...20).map { sampleEvent($0) }, to: "t")
                _ = try await store.ledger(named: "empty")

                for size: Int64 in [21, 32, 33, 1000] {
                    let error = await #expect(throws: LedgerStoreError.self) { try await store.treeRoot(ledger: "t", size: size) }
                    #expect(Self.isBeyondHead(error, requested: size, head: 20), "treeRoot(\(size)): \(String(describing: error))")
                }
                let fromBeyond = await #expect(throws: LedgerStoreError.self) {
                    try await store.inclusionProof(ledger: "t", position: 1, treeSize: 21)
                }
                #expect(Self.isBeyondHead(fromBeyond, requested: 21, head: 20), "\(String(describing: fromBeyond))")
                for (from, to): (Int64, Int64) in [(3, 21), (20, 40), (21, 21)] {
                    let error = await #expect(throws: LedgerStoreError.self) {
                        try await store.consistencyProof(ledger: "t", from: from, to: to)
                    }
                    #expect(Self.isBeyondHead(error, requested: to, head: 20), "consistency \(from) → \(to): \(String(describing: error))")
                }

                for (position, size): (Int64, Int64?) in [(0, 5), (-1, 5), (6, 5), (21, nil), (0, nil)] {
                    let error = await #expect(throws: LedgerStoreError.self) {
                        try await store.inclusionProof(ledger: "t", position: position, treeSize: size)
                    }
                    guard case .positionOutOfRange(let p, let s)? = error else {
                        Issue.record("position \(position) in \(String(describing: size)): \(String(describing: error))")
                        continue
                    }
                    #expect(p == position && s == (size ?? 20))
                }

                for (from, to): (Int64, Int64) in [(5, 3), (-1, 3)] {
                    let error = await #expect(throws: LedgerStoreError.self) {
                        try await store.consistencyProof(ledger: "t", from: from, to: to)
                    }
                    guard case .invalidArgument? = error else {
                        Issue.record("\(from) → \(to): \(String(describing: error))")
                        continue
                    }
                }
                let negative = await #expect(throws: LedgerStoreError.self) { try await store.treeRoot(ledger: "t", size: -1) }
                guard case .invalidArgument? = negative else {
                    Issue.record("\(String(describing: negative))")
                    return
                }

                // The empty ledger has the empty tree and no position.
                #expect(try await store.treeRoot(ledger: "empty", size: 0) == MerkleHash.emptyRoot)
                let noPosition = await #expect(throws: LedgerStoreError.self) {
                    try await store.inclusionProof(ledger: "empty", position: 1)
                }
                guard case .positionOutOfRange(1, 0)? = noPosition else {
                    Issue.record("\(String(describing: noPosition))")
                    return
                }
                let empty = try await store.consistencyProof(ledger: "empty", from: 0, to: 0)
                #expect(empty.proof.isEmpty && empty.fromRoot == MerkleHash.emptyRoot.hex && empty.toRoot == MerkleHash.emptyRoot.hex)

                let unknown = await #expect(throws: LedgerStoreError.self) { try await store.treeRoot(ledger: "nope", size: 0) }
                guard case .ledgerNotFound("nope")? = unknown else {
                    Issue.record("\(String(describing: unknown))")
                    return
                }
            }
        }
    }

    static func isBeyondHead(_ error: LedgerStoreError?, requested: Int64, head: Int64) -> Bool {
        guard case .treeSizeBeyondHead(let r, let h)? = error else { return false }
        return r == requested && h == head
    }

    @Test("migration 0003's backfill rebuilds exactly the rows the append path wrote")
    func backfill() async throws {
        try await withMigratedDatabase { db in
            let (t, o) = try await Self.build(db)
            let (tID, oID) = try await db.withStore { _, store in
                (try await TreeTestSupport.ledgerID(store, "t"), try await TreeTestSupport.ledgerID(store, "o"))
            }
            let written = try await db.asSuperuser { client in
                (try await TreeTestSupport.storedNodes(client, ledgerID: tID), try await TreeTestSupport.storedNodes(client, ledgerID: oID))
            }
            #expect(written.0 == TreeTestSupport.expectedNodes(leaves: TreeTestSupport.leafHashes(t)))
            #expect(written.1 == TreeTestSupport.expectedNodes(leaves: TreeTestSupport.leafHashes(o)))

            let block = try TreeTestSupport.backfillBlock()
            #expect(block.hasPrefix("DO $$") && block.hasSuffix("$$;"))
            #expect(block.contains("INSERT INTO merkle_nodes"))
            try await TreeTestSupport.bypassingTriggers(db, tables: ["merkle_nodes"]) { connection in
                try await connection.perform("DELETE FROM merkle_nodes", logger: ScratchDatabase.logger)
                let left = try await connection.query("SELECT count(*)::int8 FROM merkle_nodes", logger: ScratchDatabase.logger)
                    .collect().first?.decode(Int64.self)
                #expect(left == 0)
                try await connection.perform(PostgresQuery(unsafeSQL: block), logger: ScratchDatabase.logger)
            }
            let rebuilt = try await db.asSuperuser { client in
                (try await TreeTestSupport.storedNodes(client, ledgerID: tID), try await TreeTestSupport.storedNodes(client, ledgerID: oID))
            }
            #expect(rebuilt.0 == written.0)
            #expect(rebuilt.1 == written.1)

            // The triggers are back (ENABLE ALWAYS): the table is append-only again.
            let state = try await db.asSuperuser { client in
                await TreeTestSupport.sqlState(of: "DELETE FROM merkle_nodes", on: client)
            }
            #expect(state == "RK001")

            // The rebuilt tree serves the frontier of a new committer and verifies.
            try await db.withStore { _, store in
                _ = try await store.append((1...40).map { sampleEvent(20_000 + $0) }, to: "t")
                let hashes = try await TreeTestSupport.entryHashes(store, ledger: "t")
                let leaves = TreeTestSupport.leafHashes(hashes)
                #expect(try await TreeTestSupport.storedNodes(store.client, ledgerID: tID) == TreeTestSupport.expectedNodes(leaves: leaves))
                #expect(try await store.treeRoot(ledger: "t", size: 500) == MerkleTree.root(of: leaves))
                let report = try await store.verify(ledger: "t")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
            }
        }
    }

    @Test("merkle_nodes is append-only: the service role has no UPDATE/DELETE, and the triggers stop the superuser")
    func appendOnly() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append((1...20).map { sampleEvent($0) }, to: "t")
                for statement in [
                    "UPDATE merkle_nodes SET hash = sha256('x')", "DELETE FROM merkle_nodes", "TRUNCATE merkle_nodes",
                ] {
                    let state = await TreeTestSupport.sqlState(of: statement, on: store.client)
                    #expect(state == "42501", "service role: \(statement)")
                }
            }
            try await db.asSuperuser { client in
                for statement in [
                    "UPDATE merkle_nodes SET hash = sha256('x')", "DELETE FROM merkle_nodes", "TRUNCATE merkle_nodes",
                ] {
                    for replica in [false, true] {
                        do {
                            try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                                if replica {
                                    try await connection.perform("SET LOCAL session_replication_role = replica", logger: ScratchDatabase.logger)
                                }
                                try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
                            }
                            Issue.record("the superuser could run (replica: \(replica)): \(statement)")
                        } catch {
                            #expect(error.sqlState == "RK001", "\(statement) (replica: \(replica)): \(String(reflecting: error))")
                        }
                    }
                }
            }
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
            }
        }
    }
}

/// Hands out consecutive event numbers across sessions.
final class EventNumbers: @unchecked Sendable {
    private var next = 1
    private let lock = NSLock()

    /// Reserves `count` numbers and returns the first.
    func take(_ count: Int) -> Int {
        lock.withLock {
            defer { next += count }
            return next
        }
    }
}
