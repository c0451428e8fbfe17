import Testing

@testable import Ledger

/// The range form of RFC 9162 proofs, which the store uses to fetch O(log n) rows, must give
/// exactly the proofs of the recursive reference definitions.
@Suite("Merkle proofs as ranges")
struct MerkleRangesTests {
    /// 70 leaves: enough for every shape of tree up to 2^6 and a few past it.
    static let leaves: [LedgerDigest] = (0..<70).map { MerkleHash.leaf([UInt8(truncatingIfNeeded: $0), 0x5a]) }

    static func hash(_ subtree: MerkleSubtree) -> LedgerDigest {
        MerkleTree.root(of: leaves[Int(subtree.firstLeaf)..<Int(subtree.firstLeaf + subtree.leafCount)])
    }

    @Test("inclusion paths equal PATH(m, D[n]) for every leaf of every size up to 70")
    func inclusionMatchesReference() throws {
        for size in UInt64(1)...70 {
            for index in 0..<size {
                let ranges = MerkleRanges.inclusionPath(index: index, size: size)
                let proof = ranges.map { MerkleRanges.root(of: $0, subtreeHash: Self.hash) }
                let reference = try #require(MerkleTree.inclusionProof(index: index, size: size, leafHashes: Self.leaves))
                #expect(proof == reference, "index \(index), size \(size)")
            }
        }
    }

    @Test("consistency paths equal PROOF(m, D[n]) for every pair of sizes up to 70")
    func consistencyMatchesReference() throws {
        for newSize in UInt64(0)...70 {
            for oldSize in 0...newSize {
                let ranges = MerkleRanges.consistencyPath(oldSize: oldSize, newSize: newSize)
                let proof = ranges.map { MerkleRanges.root(of: $0, subtreeHash: Self.hash) }
                let reference = try #require(MerkleTree.consistencyProof(from: oldSize, to: newSize, leafHashes: Self.leaves))
                #expect(proof == reference, "\(oldSize) → \(newSize)")
                #expect(
                    MerkleVerifier.verifyConsistency(
                        oldSize: oldSize, newSize: newSize,
                        oldRoot: MerkleTree.root(of: Self.leaves[0..<Int(oldSize)]),
                        newRoot: MerkleTree.root(of: Self.leaves[0..<Int(newSize)]), proof: proof))
            }
        }
    }

    @Test("the perfect subtrees of a prefix are the compact range, and fold to the root")
    func prefixDecomposition() {
        var range = CompactRange()
        for size in 0...70 {
            let subtrees = MerkleRanges.perfectSubtrees(of: 0..<UInt64(size))
            #expect(subtrees.map(Self.hash) == range.hashes, "size \(size)")
            #expect(MerkleRanges.root(of: 0..<UInt64(size), subtreeHash: Self.hash) == MerkleTree.root(of: Self.leaves[0..<size]))
            if size < 70 { range.append(Self.leaves[size]) }
        }
    }

    @Test("appending reports every perfect subtree a leaf completes, with its hash")
    func completedSubtrees() {
        var range = CompactRange()
        var reported: [MerkleSubtree: LedgerDigest] = [:]
        for leaf in Self.leaves {
            range.append(leaf) { subtree, hash in reported[subtree] = hash }
        }
        // Every complete perfect subtree of a 70-leaf tree: 70 + 35 + 17 + 8 + 4 + 2 + 1.
        #expect(reported.count == 137)
        for (subtree, hash) in reported {
            #expect(hash == Self.hash(subtree), "\(subtree)")
        }
        #expect(reported[MerkleSubtree(level: 6, index: 0)] == MerkleTree.root(of: Self.leaves[0..<64]))
    }

    @Test("a perfect subtree combines from its descendants at any lower level")
    func combineFromDescendants() {
        let subtree = MerkleSubtree(level: 5, index: 1)  // leaves 32…63
        for lower in 0...5 {
            let parts = subtree.descendants(atLevel: lower).map(Self.hash)
            #expect(MerkleRanges.combine(parts) == Self.hash(subtree), "from level \(lower)")
        }
    }
}
