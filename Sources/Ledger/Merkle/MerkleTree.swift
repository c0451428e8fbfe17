/// RFC 9162 §2.1 Merkle Tree Hash, inclusion paths and consistency proofs computed over an
/// in-memory array of leaf hashes (already `MerkleHash.leaf`-hashed).
///
/// These are the reference definitions, written recursively exactly as the RFC states them. They
/// cost O(n) hashes per call and are meant for tests, tooling and small trees; a store serving
/// proofs for a long log should keep interior hashes instead of recomputing them.
public enum MerkleTree {
    /// `MTH(D[n])` (RFC 9162 §2.1.1): the empty root for no leaves, the leaf hash itself for one,
    /// otherwise `node(MTH(D[0:k]), MTH(D[k:n]))` where `k` is the largest power of two < `n`.
    public static func root(of leafHashes: ArraySlice<LedgerDigest>) -> LedgerDigest {
        let n = leafHashes.count
        if n == 0 { return MerkleHash.emptyRoot }
        if n == 1 { return leafHashes[leafHashes.startIndex] }
        let mid = leafHashes.startIndex + Int(splitPoint(UInt64(n)))
        return MerkleHash.node(
            root(of: leafHashes[leafHashes.startIndex..<mid]),
            root(of: leafHashes[mid..<leafHashes.endIndex]))
    }

    /// `MTH` of a whole array.
    public static func root(of leafHashes: [LedgerDigest]) -> LedgerDigest {
        root(of: leafHashes[...])
    }

    /// `PATH(m, D[n])` (RFC 9162 §2.1.3.1): the inclusion proof of leaf `index` in the tree made of
    /// the first `size` leaf hashes, ordered from the leaf's sibling up to the root's child.
    ///
    /// - Returns: `nil` when `index >= size` or `size > leafHashes.count`.
    public static func inclusionProof(index: UInt64, size: UInt64, leafHashes: [LedgerDigest]) -> [LedgerDigest]? {
        guard index < size, size <= UInt64(leafHashes.count) else { return nil }
        var proof: [LedgerDigest] = []
        path(Int(index), leafHashes[0..<Int(size)], into: &proof)
        return proof
    }

    /// `PROOF(m, D[n])` (RFC 9162 §2.1.4.1): the consistency proof that the tree of the first `to`
    /// leaves extends the tree of the first `from` leaves.
    ///
    /// The RFC defines the proof for `0 < from < to`; for `from == 0` and `from == to` the proof is
    /// empty (see ``MerkleVerifier/verifyConsistency(oldSize:newSize:oldRoot:newRoot:proof:)``).
    /// - Returns: `nil` when `from > to` or `to > leafHashes.count`.
    public static func consistencyProof(from: UInt64, to: UInt64, leafHashes: [LedgerDigest]) -> [LedgerDigest]? {
        guard from <= to, to <= UInt64(leafHashes.count) else { return nil }
        if from == 0 || from == to { return [] }
        var proof: [LedgerDigest] = []
        subproof(Int(from), leafHashes[0..<Int(to)], startsAtOldRoot: true, into: &proof)
        return proof
    }

    /// The largest power of two strictly smaller than `n`; requires `n >= 2`.
    static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return 1 << (UInt64.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    // PATH(m, D[n]): for n > 1, with k the split point,
    //   m < k:  PATH(m, D[0:k]) : MTH(D[k:n])
    //   m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
    private static func path(_ m: Int, _ d: ArraySlice<LedgerDigest>, into proof: inout [LedgerDigest]) {
        let n = d.count
        if n <= 1 { return }
        let k = Int(splitPoint(UInt64(n)))
        let mid = d.startIndex + k
        if m < k {
            path(m, d[d.startIndex..<mid], into: &proof)
            proof.append(root(of: d[mid..<d.endIndex]))
        } else {
            path(m - k, d[mid..<d.endIndex], into: &proof)
            proof.append(root(of: d[d.startIndex..<mid]))
        }
    }

    // SUBPROOF(m, D[n], b):
    //   m == n:  [] if b, else [MTH(D[n])]
    //   m <= k:  SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    //   m > k:   SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    private static func subproof(
        _ m: Int, _ d: ArraySlice<LedgerDigest>, startsAtOldRoot b: Bool, into proof: inout [LedgerDigest]
    ) {
        let n = d.count
        if m == n {
            if !b { proof.append(root(of: d)) }
            return
        }
        let k = Int(splitPoint(UInt64(n)))
        let mid = d.startIndex + k
        if m <= k {
            subproof(m, d[d.startIndex..<mid], startsAtOldRoot: b, into: &proof)
            proof.append(root(of: d[mid..<d.endIndex]))
        } else {
            subproof(m - k, d[mid..<d.endIndex], startsAtOldRoot: false, into: &proof)
            proof.append(root(of: d[d.startIndex..<mid]))
        }
    }
}
