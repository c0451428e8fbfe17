/// The incremental ("frontier") state of an RFC 9162 Merkle tree that only grows at the right:
/// enough to append a leaf and to compute the root in O(log n) hashes, without the leaves.
///
/// A tree of `size` leaves is, by the MTH definition, a sequence of perfect subtrees, one for
/// each set bit of `size`, from the largest (leftmost) to the smallest (rightmost). For example a
/// tree of 13 = 8 + 4 + 1 leaves is the perfect subtrees over leaves 0–7, 8–11 and 12.
/// ``hashes`` holds the root hash of each of those subtrees in that left-to-right order, so
/// `hashes.count == size.nonzeroBitCount` (at most 64).
///
/// ## What a store must persist
/// To resume appending after a restart, persist exactly:
/// - ``size`` (the number of leaves, i.e. the last ledger position covered), and
/// - ``hashes``, the 32-byte subtree roots in order (largest subtree first),
///
/// together, atomically with the entries they cover. Restore them with ``init(size:hashes:)``,
/// which rejects a hash count that does not match `size`. The root is derived, never stored
/// separately; a stored root can be checked against ``root``.
public struct CompactRange: Hashable, Sendable {
    /// The number of leaves appended so far.
    public private(set) var size: UInt64
    /// The roots of the perfect subtrees that make up the tree, largest (leftmost) first.
    public private(set) var hashes: [LedgerDigest]

    /// The empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// Restores persisted state.
    /// - Returns: `nil` when `hashes.count` is not the number of set bits of `size`.
    public init?(size: UInt64, hashes: [LedgerDigest]) {
        guard hashes.count == size.nonzeroBitCount else { return nil }
        self.size = size
        self.hashes = hashes
    }

    /// Appends a leaf hash (`MerkleHash.leaf(…)`, not the raw leaf): O(log n) hashes at worst,
    /// amortised O(1).
    ///
    /// Precondition: `size < UInt64.max`.
    public mutating func append(_ leafHash: LedgerDigest) {
        append(leafHash) { _, _ in }
    }

    /// Appends a leaf hash and reports every perfect subtree the leaf completes, from the leaf
    /// itself (level 0) upwards, with its hash. A store keeps some of them to serve proofs.
    public mutating func append(_ leafHash: LedgerDigest, completed: (MerkleSubtree, LedgerDigest) throws -> Void) rethrows {
        precondition(size < UInt64.max, "Merkle tree is full")
        // Each trailing 1 bit of `size` is a perfect subtree of the same height as the carry;
        // merge them, like binary addition.
        let leafIndex = size
        var carry = leafHash
        var bits = size
        var level = 0
        try completed(MerkleSubtree(level: 0, index: leafIndex), carry)
        while bits & 1 == 1 {
            carry = MerkleHash.node(hashes.removeLast(), carry)
            bits >>= 1
            level += 1
            try completed(MerkleSubtree(level: level, index: leafIndex >> UInt64(level)), carry)
        }
        hashes.append(carry)
        size += 1
    }

    /// `MTH` of all appended leaves: the empty root when nothing was appended, otherwise the
    /// subtree roots folded from the right, `node(h0, node(h1, … node(h[k-2], h[k-1])))`.
    public var root: LedgerDigest {
        guard var result = hashes.last else { return MerkleHash.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = MerkleHash.node(hash, result)
        }
        return result
    }
}
