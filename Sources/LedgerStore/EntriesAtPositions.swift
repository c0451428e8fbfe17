import Foundation
public import Ledger
import Logging
import NIOCore
import PostgresNIO

/// An entry read with what a recipient needs to check it: the stored fields and hashes and, when
/// it opens, the payload with its commitment salt (docs/ledger-format.md section 6).
public struct OpenedEntry: Sendable {
    public var entry: StoredEntry
    public var payload: Payload

    /// The payload of an ``OpenedEntry``.
    public enum Payload: Sendable, Equatable {
        /// Decrypted: the bytes exactly as appended and the salt of their commitment.
        case opened(salt: [UInt8], bytes: [UInt8])
        /// Present but encrypted: no master key is configured.
        case sealed
        /// Lawfully destroyed by the record.destroyed entry at this position.
        case destroyed(authorisedBy: Int64)
        /// Missing without authorisation, or unreadable (see `recordkeeper verify`).
        case unavailable(String)
    }
}

extension LedgerStore {
    /// The entries at `positions` (any order, at most a few thousand at once), in position order,
    /// with their payloads opened and salts: the reads of an export installment, one statement
    /// for the page. Positions past the head are left out.
    public func openedEntries(ledger: LedgerRef, positions: [Int64]) async throws -> [OpenedEntry] {
        let rows = try await entryRows(ledger: ledger, positions: positions)
        if keyRing.canDecrypt { try await keyRing.prefetch(ids: rows.compactMap(\.dataKeyID)) }
        var opened: [OpenedEntry] = []
        opened.reserveCapacity(rows.count)
        for row in rows {
            let payload: OpenedEntry.Payload
            do {
                switch try await openPayload(of: row) {
                case .opened(let salt, let bytes): payload = .opened(salt: salt, bytes: bytes)
                case .sealed: payload = .sealed
                case .destroyed(let by): payload = .destroyed(authorisedBy: by)
                case .missing: payload = .unavailable("the payload is missing and no destruction event authorises its removal")
                }
            } catch let error as LedgerStoreError {
                throw error
            } catch {
                payload = .unavailable("the payload does not open: \(error) (see `recordkeeper verify`)")
            }
            opened.append(OpenedEntry(entry: row.entry, payload: payload))
        }
        return opened
    }

    /// The stored rows (entry, sealed payload, destruction and its authority) at `positions`, in
    /// position order, read in one statement; positions past the head are left out.
    func entryRows(ledger: LedgerRef, positions: [Int64]) async throws -> [RawEntryRow] {
        guard !positions.isEmpty else { return [] }
        let query: PostgresQuery = """
            SELECT \(unescaped: EntryPages.rowColumns)
            FROM unnest(\(positions)::int8[]) AS wanted(position)
            JOIN ledger_entries e ON e.ledger_id = \(ledger.id) AND e.position = wanted.position
            LEFT JOIN LATERAL (
                SELECT p.data_key_id, p.sealed FROM ledger_payloads p
                WHERE p.ledger_id = e.ledger_id AND p.position = e.position OFFSET 0) p ON true
            \(unescaped: EntryPages.destructionJoins)
            ORDER BY e.position
            """
        var rows: [RawEntryRow] = []
        rows.reserveCapacity(positions.count)
        for try await row in try await client.query(query, logger: logger) {
            rows.append(try EntryPages.rawRow(row.makeRandomAccess(), ledger: ledger.name))
        }
        return rows
    }

    /// The RFC 9162 inclusion paths of the entries at `positions` in the tree of `treeSize`
    /// entries, read in one statement for the page (the subtrees they share are read once).
    /// - Throws: ``LedgerStoreError/positionOutOfRange(position:treeSize:)`` for a position outside
    ///   the tree; ``LedgerStoreError/treeSizeBeyondHead(requested:head:)``.
    public func inclusionProofs(ledger: LedgerRef, positions: [Int64], treeSize: Int64) async throws -> [Int64: [LedgerDigest]] {
        var paths: [Int64: [Range<UInt64>]] = [:]
        var wanted: Set<MerkleSubtree> = []
        for position in positions {
            guard position >= 1, position <= treeSize else { throw LedgerStoreError.positionOutOfRange(position: position, treeSize: treeSize) }
            let path = MerkleRanges.inclusionPath(index: UInt64(position - 1), size: UInt64(treeSize))
            paths[position] = path
            for range in path { wanted.formUnion(MerkleRanges.perfectSubtrees(of: range)) }
        }
        guard !wanted.isEmpty else { return paths.mapValues { _ in [] } }
        let resolved: [MerkleSubtree: LedgerDigest]
        do {
            resolved = try await StoredTree.resolve(wanted, ledger: ledger, client: client, logger: logger).hashes
        } catch LedgerStoreError.treeIncomplete(let why) {
            let head = try await head(of: ledger).position
            if treeSize > head { throw LedgerStoreError.treeSizeBeyondHead(requested: treeSize, head: head) }
            throw LedgerStoreError.treeIncomplete(why)
        }
        return paths.mapValues { path in path.map { MerkleRanges.root(of: $0) { resolved[$0]! } } }
    }
}
