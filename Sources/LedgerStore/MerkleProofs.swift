public import Ledger

/// An RFC 9162 inclusion proof of one entry (docs/ledger-format.md section 13).
public struct InclusionProof: Sendable, Hashable, Codable {
    public var type = "inclusion"
    public var ledger: String
    public var position: Int64
    public var leafIndex: Int64
    public var treeSize: Int64
    /// The entry hash at `position` (hex).
    public var entryHash: String
    /// `SHA-256(0x00 ‖ entry hash)` (hex).
    public var leafHash: String
    /// The root of the tree of `treeSize` (hex), for convenience: trust a checkpoint's.
    public var rootHash: String
    /// The inclusion path, the leaf's sibling first (hex).
    public var proof: [String]

    enum CodingKeys: String, CodingKey {
        case type, ledger, position, proof
        case leafIndex = "leaf_index"
        case treeSize = "tree_size"
        case entryHash = "entry_hash"
        case leafHash = "leaf_hash"
        case rootHash = "root_hash"
    }

    /// Checks the proof on its own terms: the leaf hash is the entry's, and the path leads to
    /// `expectedRoot` (a trusted checkpoint's root).
    public func verifies(againstRoot expectedRoot: LedgerDigest) -> Bool {
        guard let entry = try? LedgerDigest(hex: entryHash), let leaf = try? LedgerDigest(hex: leafHash),
            MerkleHash.leaf(entryHash: entry) == leaf, position >= 1, leafIndex == position - 1,
            let path = try? proof.map({ try LedgerDigest(hex: $0) })
        else { return false }
        return MerkleVerifier.verifyInclusion(
            leafHash: leaf, index: UInt64(leafIndex), treeSize: UInt64(treeSize), proof: path, root: expectedRoot)
    }
}

/// An RFC 9162 consistency proof between two sizes of a ledger's tree.
public struct ConsistencyProof: Sendable, Hashable, Codable {
    public var type = "consistency"
    public var ledger: String
    public var fromSize: Int64
    public var toSize: Int64
    public var fromRoot: String
    public var toRoot: String
    public var proof: [String]

    enum CodingKeys: String, CodingKey {
        case type, ledger, proof
        case fromSize = "from_size"
        case toSize = "to_size"
        case fromRoot = "from_root"
        case toRoot = "to_root"
    }

    /// Checks the proof between two trusted roots.
    public func verifies(oldRoot: LedgerDigest, newRoot: LedgerDigest) -> Bool {
        guard fromSize >= 0, toSize >= fromSize, let path = try? proof.map({ try LedgerDigest(hex: $0) }) else { return false }
        return MerkleVerifier.verifyConsistency(
            oldSize: UInt64(fromSize), newSize: UInt64(toSize), oldRoot: oldRoot, newRoot: newRoot, proof: path)
    }
}

extension LedgerStore {
    /// The Merkle root of the first `size` entries of a ledger (O(log n) stored rows).
    public func treeRoot(ledger name: String, size: Int64) async throws -> LedgerDigest {
        let ledger = try await ledger(named: name, create: false)
        guard size >= 0 else { throw LedgerStoreError.invalidArgument("a tree size cannot be negative") }
        let range = 0..<UInt64(size)
        let resolved = try await resolve(Set(MerkleRanges.perfectSubtrees(of: range)), ledger: ledger, size: size)
        return MerkleRanges.root(of: range) { resolved.hashes[$0]! }
    }

    /// The inclusion proof of the entry at `position` in the tree of `treeSize` entries (the
    /// whole ledger when nil).
    public func inclusionProof(ledger name: String, position: Int64, treeSize: Int64? = nil) async throws -> InclusionProof {
        let ledger = try await ledger(named: name, create: false)
        let size: Int64
        if let treeSize { size = treeSize } else { size = try await head(of: ledger).position }
        guard position >= 1, position <= size else { throw LedgerStoreError.positionOutOfRange(position: position, treeSize: size) }
        let index = UInt64(position - 1)
        let path = MerkleRanges.inclusionPath(index: index, size: UInt64(size))
        let leaf = MerkleSubtree(level: 0, index: index)
        var wanted = Set(path.flatMap(MerkleRanges.perfectSubtrees(of:)))
        wanted.insert(leaf)
        let resolved = try await resolve(wanted, ledger: ledger, size: size)
        let hash = { (subtree: MerkleSubtree) in resolved.hashes[subtree]! }
        let proof = path.map { MerkleRanges.root(of: $0, subtreeHash: hash) }
        // The path and the leaf determine the root (RFC 9162 §2.1.3.2): no more rows needed.
        guard let root = MerkleVerifier.rootFromInclusionProof(leafHash: hash(leaf), index: index, treeSize: UInt64(size), proof: proof) else {
            throw LedgerStoreError.treeIncomplete("the inclusion path of position \(position) does not fit a tree of size \(size)")
        }
        return InclusionProof(
            ledger: name, position: position, leafIndex: position - 1, treeSize: size,
            entryHash: resolved.entryHashes[position]!.hex, leafHash: hash(leaf).hex,
            rootHash: root.hex, proof: proof.map(\.hex))
    }

    /// The consistency proof from the tree of `from` entries to the tree of `to` entries.
    public func consistencyProof(ledger name: String, from: Int64, to: Int64) async throws -> ConsistencyProof {
        let ledger = try await ledger(named: name, create: false)
        guard from >= 0, from <= to else {
            throw LedgerStoreError.invalidArgument("a consistency proof needs 0 ≤ from ≤ to (got from \(from), to \(to))")
        }
        let path = MerkleRanges.consistencyPath(oldSize: UInt64(from), newSize: UInt64(to))
        var wanted = Set(path.flatMap(MerkleRanges.perfectSubtrees(of:)))
        wanted.formUnion(MerkleRanges.perfectSubtrees(of: 0..<UInt64(from)))
        wanted.formUnion(MerkleRanges.perfectSubtrees(of: 0..<UInt64(to)))
        let resolved = try await resolve(wanted, ledger: ledger, size: to)
        let hash = { (subtree: MerkleSubtree) in resolved.hashes[subtree]! }
        return ConsistencyProof(
            ledger: name, fromSize: from, toSize: to,
            fromRoot: MerkleRanges.root(of: 0..<UInt64(from), subtreeHash: hash).hex,
            toRoot: MerkleRanges.root(of: 0..<UInt64(to), subtreeHash: hash).hex,
            proof: path.map { MerkleRanges.root(of: $0, subtreeHash: hash).hex })
    }

    /// Resolves subtrees of a tree of `size`; a missing row at the right edge means the ledger is
    /// shorter than `size`.
    private func resolve(
        _ subtrees: Set<MerkleSubtree>, ledger: LedgerRef, size: Int64
    ) async throws -> (hashes: [MerkleSubtree: LedgerDigest], entryHashes: [Int64: LedgerDigest]) {
        do {
            return try await StoredTree.resolve(subtrees, ledger: ledger, client: client, logger: logger)
        } catch LedgerStoreError.treeIncomplete(let why) {
            let head = try await head(of: ledger).position
            if size > head { throw LedgerStoreError.treeSizeBeyondHead(requested: size, head: head) }
            throw LedgerStoreError.treeIncomplete(why)
        }
    }
}
