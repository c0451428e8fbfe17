/// A perfect (complete) subtree of an RFC 9162 Merkle tree: `2^level` leaves starting at leaf
/// `index · 2^level`. Level 0 is a single leaf.
///
/// Every hash a proof needs is the root of a range of leaves that decomposes into perfect
/// subtrees, so a store that can produce the hash of any perfect subtree can serve any proof
/// (see ``MerkleRanges``).
public struct MerkleSubtree: Hashable, Sendable, CustomStringConvertible {
    /// The height of the subtree: it has `2^level` leaves.
    public var level: Int
    /// The subtree's index among the subtrees of its level, from the left.
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        precondition(level >= 0 && level < 64, "Merkle subtree level out of range")
        self.level = level
        self.index = index
    }

    /// The number of leaves it covers.
    public var leafCount: UInt64 { 1 << UInt64(level) }
    /// The 0-based index of its first leaf.
    public var firstLeaf: UInt64 { index << UInt64(level) }
    /// The leaves it covers, as a half-open range of 0-based leaf indices.
    public var leaves: Range<UInt64> { firstLeaf..<(firstLeaf + leafCount) }

    /// The subtrees of a lower `level` whose hashes combine, pairwise from the left, into this one.
    public func descendants(atLevel lower: Int) -> [MerkleSubtree] {
        precondition(lower <= level)
        let count = UInt64(1) << UInt64(level - lower)
        let first = index << UInt64(level - lower)
        return (0..<count).map { MerkleSubtree(level: lower, index: first + $0) }
    }

    public var description: String { "(level \(level), index \(index))" }
}
