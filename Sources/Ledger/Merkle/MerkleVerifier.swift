/// Verification of RFC 9162 inclusion and consistency proofs.
///
/// Both functions follow the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 step by step. They
/// take untrusted input and never trap: any size, index or proof length an adversary chooses makes
/// them return `false`, not crash. (Every element is a ``LedgerDigest`` and therefore exactly 32
/// bytes; decoding a proof from the wire must reject elements of any other length.)
public enum MerkleVerifier {
    /// No valid proof for a tree of at most 2⁶⁴ − 1 leaves has more than 64 elements; longer
    /// proofs are rejected before any hashing.
    public static let maxProofLength = 64

    /// RFC 9162 §2.1.3.2: does `proof` show that `leafHash` is leaf `index` of the tree of
    /// `treeSize` leaves whose root is `root`?
    ///
    /// - Parameters:
    ///   - leafHash: `MerkleHash.leaf(…)` of the leaf (for the ledger: of the entry hash).
    ///   - index: the 0-based leaf index (ledger position − 1).
    ///   - treeSize: the number of leaves in the tree the proof is for.
    ///   - proof: the `inclusion_path`, from the leaf's sibling upwards.
    ///   - root: the expected root hash of the tree of `treeSize` leaves.
    /// - Returns: `false` when `index >= treeSize` (so always for an empty tree), when the proof is
    ///   too short or too long, or when the computed root differs from `root`.
    public static func verifyInclusion(
        leafHash: LedgerDigest, index: UInt64, treeSize: UInt64, proof: [LedgerDigest], root: LedgerDigest
    ) -> Bool {
        guard let computed = rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        else { return false }
        return computed == root
    }

    /// The root that `proof` commits `leafHash` at `index` in a tree of `treeSize` leaves to, or
    /// `nil` when the proof has the wrong shape (RFC 9162 §2.1.3.2 steps 1–5, minus the final
    /// comparison with the root).
    public static func rootFromInclusionProof(
        leafHash: LedgerDigest, index: UInt64, treeSize: UInt64, proof: [LedgerDigest]
    ) -> LedgerDigest? {
        // 1. leaf_index >= tree_size fails.
        guard index < treeSize else { return nil }
        guard proof.count <= maxProofLength else { return nil }
        // 2. fn = leaf_index, sn = tree_size - 1.
        var fn = index
        var sn = treeSize - 1
        // 3. r = hash.
        var r = leafHash
        // 4. For each p in inclusion_path:
        for p in proof {
            // a. sn == 0: the proof is too long.
            if sn == 0 { return nil }
            // b. LSB(fn) set, or fn == sn: p is a left sibling.
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                // ii. If LSB(fn) is not set, shift until LSB(fn) is set or fn is 0.
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                // Otherwise p is a right sibling.
                r = MerkleHash.node(r, p)
            }
            // c. Shift both once.
            fn >>= 1
            sn >>= 1
        }
        // 5. sn must have reached 0 (else the proof is too short).
        guard sn == 0 else { return nil }
        return r
    }

    /// RFC 9162 §2.1.4.2: does `proof` show that the tree of `newSize` leaves with root `newRoot`
    /// extends (is an append-only continuation of) the tree of `oldSize` leaves with root `oldRoot`?
    ///
    /// The RFC's algorithm covers `0 < oldSize < newSize`. The edge cases, which it leaves to the
    /// caller, are decided here as follows:
    /// - `oldSize > newSize`: `false`.
    /// - `oldSize == newSize`: `true` exactly when the proof is empty and the roots are equal
    ///   (for size 0 both must also be the empty root `SHA-256("")`).
    /// - `oldSize == 0 < newSize`: every tree extends the empty tree; `true` exactly when the proof
    ///   is empty and `oldRoot` is the empty root `SHA-256("")`. (Stricter than implementations
    ///   that ignore the old root here: a size-0 tree head with another root is not a valid one.)
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: LedgerDigest, newRoot: LedgerDigest, proof: [LedgerDigest]
    ) -> Bool {
        guard oldSize <= newSize else { return false }
        if oldSize == newSize {
            guard proof.isEmpty, oldRoot == newRoot else { return false }
            return oldSize != 0 || oldRoot == MerkleHash.emptyRoot
        }
        if oldSize == 0 {
            return proof.isEmpty && oldRoot == MerkleHash.emptyRoot
        }
        // Now 0 < oldSize < newSize.
        // 1. An empty consistency_path fails.
        guard !proof.isEmpty, proof.count <= maxProofLength else { return false }
        // 2. If first is an exact power of 2, prepend first_hash to the path.
        var path = proof
        if oldSize & (oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        // 3. fn = first - 1, sn = second - 1.
        var fn = oldSize - 1
        var sn = newSize - 1
        // 4. If LSB(fn) is set, right-shift both until LSB(fn) is not set.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5. fr = sr = the first value of the path.
        var fr = path[0]
        var sr = path[0]
        // 6. For each subsequent value c:
        for c in path.dropFirst() {
            // a. sn == 0: the proof is too long.
            if sn == 0 { return false }
            // b. LSB(fn) set, or fn == sn:
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                // ii. If LSB(fn) is not set, shift until LSB(fn) is set or fn is 0.
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                // Otherwise only the new tree grows, to the right.
                sr = MerkleHash.node(sr, c)
            }
            // c. Shift both once.
            fn >>= 1
            sn >>= 1
        }
        // 7. fr must equal first_hash, sr second_hash, and sn must be 0.
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}
