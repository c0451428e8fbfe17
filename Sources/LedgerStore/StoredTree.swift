import Ledger
import Logging
import NIOCore
import PostgresNIO

/// The Merkle tree as PostgreSQL keeps it (docs/ledger-format.md section 11.1): the entry hashes
/// (level 0) and, in `merkle_nodes`, every complete perfect subtree of level 4 or more (16
/// leaves or more): about one row per 8 entries.
///
/// A perfect subtree of level 4 or more is one stored row; a smaller one is at most 8 entry
/// hashes. So a proof or a root over a tree of size n needs O(log n) rows, fetched in one query.
enum StoredTree {
    /// Interior nodes are stored from this level up.
    static let lowestStoredLevel = 4

    /// Whether the append path stores the node of this perfect subtree.
    static func isStored(_ subtree: MerkleSubtree) -> Bool {
        subtree.level >= lowestStoredLevel
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
            let base = isStored(subtree) ? subtree.level : 0
            let units = base == subtree.level ? [subtree] : subtree.descendants(atLevel: base)
            parts[subtree] = units
            for unit in units {
                if unit.level == 0 { positions.insert(Int64(unit.index) + 1) } else { nodeKeys.insert(unit) }
            }
        }
        let nodes = Array(nodeKeys)
        let statement = RowsStatement(
            ledgerID: ledger.id, positions: Array(positions),
            nodePositions: nodes.map { rowKey($0).lastPosition }, nodeLevels: nodes.map { rowKey($0).level })
        var values: [MerkleSubtree: LedgerDigest] = [:]
        var entryHashes: [Int64: LedgerDigest] = [:]
        for try await (level, lastPosition, hash) in try await client.execute(statement, logger: logger) {
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

    /// The rows behind a set of subtrees: entry hashes by position, stored nodes by (last
    /// position, level). Prepared once per connection: proofs are served at a high rate, and
    /// planning the statement each time would cost more than running it.
    struct RowsStatement: PostgresPreparedStatement {
        static let name = "recordkeeper_tree_rows_v1"
        static let sql = """
            SELECT 0::int2, position, entry_hash FROM ledger_entries
             WHERE ledger_id = $1 AND position = ANY($2::int8[])
            UNION ALL
            SELECT n.level, n.last_position, n.hash FROM merkle_nodes n
              JOIN unnest($3::int8[], $4::int2[]) AS u(last_position, level)
                ON n.last_position = u.last_position AND n.level = u.level
             WHERE n.ledger_id = $1
            """
        typealias Row = (Int16, Int64, ByteBuffer)

        var ledgerID: Int32
        var positions: [Int64]
        var nodePositions: [Int64]
        var nodeLevels: [Int16]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(ledgerID)
            bindings.append(positions)
            bindings.append(nodePositions)
            bindings.append(nodeLevels)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            try row.decode(Row.self)
        }
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
