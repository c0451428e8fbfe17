import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO

/// Whole-ledger reads by position range, for the passes that read every row in order
/// (verification and its raw floor).
///
/// ``EntryPages`` looks each entry's payload and destruction up by primary key, one entry at a
/// time: about 20 µs of server time per row on a ledger of 200,000 entries (issue 17's profile).
/// Here each table is read with one range scan of its primary key over the same positions, and
/// the rows are merged in position order: about 1 µs per row. A range bounds every scan, so no
/// plan can read more than the range, however stale the planner's statistics are.
enum EntryRanges {
    /// The ledger's rows at positions in `(after, through]`, in position order: the same rows,
    /// with the same fields, as ``EntryPages/fetch(client:ledger:after:through:stream:limit:eventTypes:payloadTypes:logger:)``
    /// gives for that range. Payload rows at positions with no entry are left out (verification
    /// reports them apart, as `orphan_payload`).
    static func fetch(client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger) async throws -> [RawEntryRow] {
        async let payloads = self.payloads(client: client, ledger: ledger, after: after, through: through, logger: logger)
        async let destructions = self.destructions(client: client, ledger: ledger, after: after, through: through, logger: logger)
        var rows = try await entries(client: client, ledger: ledger, after: after, through: through, logger: logger)
        let sealed = try await payloads
        let destroyed = try await destructions
        var next = sealed.startIndex
        for index in rows.indices {
            let position = rows[index].entry.fields.position
            while next < sealed.endIndex, sealed[next].position < position { next += 1 }
            if next < sealed.endIndex, sealed[next].position == position {
                rows[index].dataKeyID = sealed[next].dataKeyID
                rows[index].sealed = sealed[next].bytes
            }
            rows[index].destruction = destroyed[position]
        }
        return rows
    }

    private static func entries(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger
    ) async throws
        -> [RawEntryRow]
    {
        let query: PostgresQuery = """
            SELECT position, event_id, stream, event_type, occurred_at_us, recorded_at_us, actor, dedupe_key,
                   header, payload_commitment, prev_hash, entry_hash
            FROM ledger_entries
            WHERE ledger_id = \(ledger.id) AND position > \(after) AND position <= \(through)
            ORDER BY position
            """
        var rows: [RawEntryRow] = []
        rows.reserveCapacity(Int(clamping: max(0, through - after)))
        for try await row in try await client.rows(query, logger: logger) {
            let entry = try EntryPages.storedEntry(row.makeRandomAccess(), ledger: ledger.name)
            rows.append(RawEntryRow(entry: entry, dataKeyID: nil, sealed: nil, destruction: nil))
        }
        return rows
    }

    private struct SealedPayload: Sendable {
        var position: Int64
        var dataKeyID: Int64
        var bytes: [UInt8]
    }

    private static func payloads(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger
    ) async throws
        -> [SealedPayload]
    {
        let query: PostgresQuery = """
            SELECT position, data_key_id, sealed FROM ledger_payloads
            WHERE ledger_id = \(ledger.id) AND position > \(after) AND position <= \(through)
            ORDER BY position
            """
        var payloads: [SealedPayload] = []
        payloads.reserveCapacity(Int(clamping: max(0, through - after)))
        for try await (position, keyID, sealed) in try await client.rows(query, logger: logger).decode((Int64, Int64, ByteBuffer).self) {
            payloads.append(SealedPayload(position: position, dataKeyID: keyID, bytes: Array(sealed.readableBytesView)))
        }
        return payloads
    }

    /// The range's destruction records with their authorising entries, by position (few, usually none).
    private static func destructions(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger
    ) async throws
        -> [Int64: RawEntryRow.Destruction]
    {
        let query: PostgresQuery = """
            SELECT d.position, d.data_key_id, d.authorised_by_position, a.event_type, a.header
            FROM payload_destructions d
            LEFT JOIN LATERAL (
                SELECT a.event_type, a.header FROM ledger_entries a
                WHERE a.ledger_id = d.ledger_id AND a.position = d.authorised_by_position OFFSET 0) a ON true
            WHERE d.ledger_id = \(ledger.id) AND d.position > \(after) AND d.position <= \(through)
            """
        var destroyed: [Int64: RawEntryRow.Destruction] = [:]
        for try await (position, keyID, by, type, header) in try await client.rows(query, logger: logger).decode(
            (Int64, Int64, Int64, String?, String?).self)
        {
            destroyed[position] = .init(dataKeyID: keyID, authorisedBy: by, authorisingType: type, authorisingHeader: header)
        }
        return destroyed
    }

    /// The highest position with an entry in the ledger (0 when it has none): where a range
    /// pass ends, whatever the head row says.
    static func lastPosition(client: some RowQuerying, ledger: LedgerRef, logger: Logger) async throws -> Int64 {
        let query: PostgresQuery = "SELECT max(position) FROM ledger_entries WHERE ledger_id = \(ledger.id)"
        for try await last in try await client.rows(query, logger: logger).decode(Int64?.self) { return last ?? 0 }
        return 0
    }
}
