import Ledger
import Logging
import NIOCore
import PostgresNIO

/// The Merkle tree as PostgreSQL keeps it (docs/ledger-format.md section 11.1): the entry hashes
/// (level 0) and, in `merkle_nodes`, every complete perfect subtree at levels 4, 8, 12, ….
///
/// Any perfect subtree's hash is computed from at most 8 stored values, so a proof or a root
/// over a tree of size n needs O(log n) rows, fetched in one query.
enum StoredTree {
    /// Interior nodes are stored at the positive multiples of this level.
    static let levelStride = 4

    /// Whether the append path stores the node of this perfect subtree.
    static func isStored(_ subtree: MerkleSubtree) -> Bool {
        subtree.level > 0 && subtree.level % levelStride == 0
    }

    /// The row key of a stored node: the position of its last leaf and its level.
    static func rowKey(_ subtree: MerkleSubtree) -> (lastPosition: Int64, level: Int16) {
        (Int64(subtree.firstLeaf + subtree.leafCount), Int16(subtree.level))
    }

    /// Hashes of the given perfect subtrees, plus the entry hash of every level-0 subtree asked
    /// for (by position), read in one query.
    static func resolve(
        _ subtrees: Set<MerkleSubtree>, ledger: LedgerRef, client: PostgresClient, logger: Logger
    ) async throws -> (hashes: [MerkleSubtree: LedgerDigest], entryHashes: [Int64: LedgerDigest]) {
        // What each subtree is made of: itself when stored or a leaf, else its descendants at
        // the stored level below it.
        var parts: [MerkleSubtree: [MerkleSubtree]] = [:]
        var positions: Set<Int64> = []
        var nodeKeys: Set<MerkleSubtree> = []
        for subtree in subtrees {
            let base = subtree.level - subtree.level % levelStride
            let units = base == subtree.level ? [subtree] : subtree.descendants(atLevel: base)
            parts[subtree] = units
            for unit in units {
                if unit.level == 0 { positions.insert(Int64(unit.index) + 1) } else { nodeKeys.insert(unit) }
            }
        }
        let nodes = Array(nodeKeys)
        let rows = try await client.query(
            """
            SELECT 0::int2, position, entry_hash FROM ledger_entries
             WHERE ledger_id = \(ledger.id) AND position = ANY(\(Array(positions))::int8[])
            UNION ALL
            SELECT n.level, n.last_position, n.hash FROM merkle_nodes n
              JOIN unnest(\(nodes.map { rowKey($0).lastPosition })::int8[], \(nodes.map { rowKey($0).level })::int2[])
                   AS u(last_position, level) ON n.last_position = u.last_position AND n.level = u.level
             WHERE n.ledger_id = \(ledger.id)
            """,
            logger: logger
        )
        var values: [MerkleSubtree: LedgerDigest] = [:]
        var entryHashes: [Int64: LedgerDigest] = [:]
        for try await (level, lastPosition, hash) in rows.decode((Int16, Int64, ByteBuffer).self) {
            let digest = try LedgerDigest(bytes: hash.readableBytesView)
            if level == 0 {
                entryHashes[lastPosition] = digest
                values[MerkleSubtree(level: 0, index: UInt64(lastPosition - 1))] = MerkleHash.leaf(entryHash: digest)
            } else {
                let index = (UInt64(lastPosition) >> UInt64(level)) - 1
                values[MerkleSubtree(level: Int(level), index: index)] = digest
            }
        }
        var hashes: [MerkleSubtree: LedgerDigest] = [:]
        for (subtree, units) in parts {
            var unitHashes: [LedgerDigest] = []
            unitHashes.reserveCapacity(units.count)
            for unit in units {
                guard let value = values[unit] else {
                    let (last, level) = rowKey(unit)
                    throw LedgerStoreError.treeIncomplete(
                        unit.level == 0 ? "entry \(unit.index + 1) is missing" : "node at level \(level) ending at position \(last) is missing")
                }
                unitHashes.append(value)
            }
            hashes[subtree] = MerkleRanges.combine(unitHashes)
        }
        return (hashes, entryHashes)
    }

    /// The compact range (frontier) of the tree of `size` leaves, to resume appending.
    static func frontier(size: Int64, ledger: LedgerRef, client: PostgresClient, logger: Logger) async throws -> CompactRange {
        let subtrees = MerkleRanges.perfectSubtrees(of: 0..<UInt64(size))
        let resolved = try await resolve(Set(subtrees), ledger: ledger, client: client, logger: logger).hashes
        guard let range = CompactRange(size: UInt64(size), hashes: subtrees.map { resolved[$0]! }) else {
            throw LedgerStoreError.treeIncomplete("the frontier of size \(size) does not match its subtrees")
        }
        return range
    }
}
