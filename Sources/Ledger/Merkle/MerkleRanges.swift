/// RFC 9162 proofs expressed as **ranges of leaves** instead of hashes, so that a store can work
/// out which stored hashes a proof needs, fetch them in one round trip, and then assemble the
/// proof.
///
/// Every element of an inclusion path (§2.1.3.1) or consistency proof (§2.1.4.1) is `MTH` of a
/// range `[a, b)` of leaves where `a` is a multiple of a power of two no smaller than `b − a`.
/// Such a range is the perfect subtrees of the binary decomposition of `b − a`, largest first,
/// and its `MTH` is their hashes folded from the right (``root(of:subtreeHash:)``).
public enum MerkleRanges {
    /// The ranges whose roots make up the inclusion proof of leaf `index` in the tree of `size`
    /// leaves, in proof order (the leaf's sibling first).
    ///
    /// - Precondition: `index < size`.
    public static func inclusionPath(index: UInt64, size: UInt64) -> [Range<UInt64>] {
        precondition(index < size, "leaf index must be below the tree size")
        var fromTop: [Range<UInt64>] = []
        var low: UInt64 = 0
        var high = size
        while high - low > 1 {
            let split = MerkleTree.splitPoint(high - low)
            if index < low + split {
                fromTop.append((low + split)..<high)
                high = low + split
            } else {
                fromTop.append(low..<(low + split))
                low += split
            }
        }
        return fromTop.reversed()
    }

    /// The ranges whose roots make up the consistency proof from `oldSize` to `newSize`, in proof
    /// order; empty when `oldSize` is 0 or equals `newSize`.
    ///
    /// - Precondition: `oldSize <= newSize`.
    public static func consistencyPath(oldSize: UInt64, newSize: UInt64) -> [Range<UInt64>] {
        precondition(oldSize <= newSize, "the old size must not exceed the new size")
        if oldSize == 0 || oldSize == newSize { return [] }
        var fromTop: [Range<UInt64>] = []
        var low: UInt64 = 0
        var high = newSize
        var remaining = oldSize
        var startsAtOldRoot = true
        while true {
            let size = high - low
            if remaining == size {
                if !startsAtOldRoot { fromTop.append(low..<high) }
                break
            }
            let split = MerkleTree.splitPoint(size)
            if remaining <= split {
                fromTop.append((low + split)..<high)
                high = low + split
            } else {
                fromTop.append(low..<(low + split))
                low += split
                remaining -= split
                startsAtOldRoot = false
            }
        }
        return fromTop.reversed()
    }

    /// The perfect subtrees that make up `range`, largest (leftmost) first. For `0..<n` these are
    /// the subtrees of a tree of size `n` (its ``CompactRange``).
    ///
    /// - Precondition: `range.lowerBound` is a multiple of a power of two no smaller than its
    ///   length, as for every range of an RFC 9162 proof and every prefix of the tree.
    public static func perfectSubtrees(of range: Range<UInt64>) -> [MerkleSubtree] {
        var subtrees: [MerkleSubtree] = []
        var start = range.lowerBound
        var remaining = UInt64(range.count)
        while remaining > 0 {
            let level = UInt64.bitWidth - 1 - remaining.leadingZeroBitCount
            precondition(start & ((UInt64(1) << UInt64(level)) - 1) == 0, "range \(range) is not aligned for a Merkle proof")
            subtrees.append(MerkleSubtree(level: level, index: start >> UInt64(level)))
            start += UInt64(1) << UInt64(level)
            remaining -= UInt64(1) << UInt64(level)
        }
        return subtrees
    }

    /// `MTH` of `range`: the hashes of its perfect subtrees folded from the right; the empty root
    /// for an empty range.
    public static func root(
        of range: Range<UInt64>, subtreeHash: (MerkleSubtree) throws -> LedgerDigest
    ) rethrows -> LedgerDigest {
        let hashes = try perfectSubtrees(of: range).map(subtreeHash)
        guard var result = hashes.last else { return MerkleHash.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = MerkleHash.node(hash, result)
        }
        return result
    }

    /// The hash of a perfect subtree from the hashes of its descendants at a lower level, combined
    /// pairwise from the left.
    ///
    /// - Precondition: `hashes.count` is a power of two (the descendants in order).
    public static func combine(_ hashes: [LedgerDigest]) -> LedgerDigest {
        precondition(!hashes.isEmpty && hashes.count.nonzeroBitCount == 1, "a perfect subtree has a power-of-two number of descendants")
        var level = hashes
        while level.count > 1 {
            var next: [LedgerDigest] = []
            next.reserveCapacity(level.count / 2)
            var i = 0
            while i < level.count {
                next.append(MerkleHash.node(level[i], level[i + 1]))
                i += 2
            }
            level = next
        }
        return level[0]
    }
}
