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
///
/// Entries and payloads come packed: the server sends a few large values per range
/// (``PackedRecords``), not one row per entry, because decoding thousands of rows one cell at
/// a time cost the client about 8 µs per row, far more than the server's scan (issue 17).
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

    /// How many positions one packed value covers: a value holds at most this many rows, so
    /// it stays far below PostgreSQL's 1 GB limit for a value (an entry row is at most about
    /// 10 KB by the table's checks).
    static let positionsPerPackedValue: Int64 = 256
    /// Payloads larger than this are packed alone, one per value: a payload may be up to
    /// 64 MiB, and a value holds at most 1 GB.
    static let largePayloadBytes = 65_536

    /// The entries of the range, packed by the server (``PackedRecords``) instead of sent row
    /// by row: a few large values for the client to read in one pass each. The values come in
    /// no particular order, nor do the rows inside one; they are put in position order here.
    ///
    /// Whole table rows are packed (`record_send(e)`, the columns in the table's order from
    /// migration 1, `ledger_id` first): the server sends a scanned row without building a new
    /// one, about 0.6 µs per row less than `record_send(ROW(…))`. A column a later migration
    /// adds comes last, and is skipped.
    private static func entries(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger
    ) async throws
        -> [RawEntryRow]
    {
        let query: PostgresQuery = """
            SELECT string_agg(record_send(e), ''::bytea)
            FROM ledger_entries e
            WHERE ledger_id = \(ledger.id) AND position > \(after) AND position <= \(through)
            GROUP BY position / \(positionsPerPackedValue)
            """
        var rows: [RawEntryRow] = []
        rows.reserveCapacity(Int(clamping: max(0, through - after)))
        let name = ledger.name
        for try await packed in try await client.rows(query, logger: logger).decode(ByteBuffer.self) {
            try PackedRecords.forEach(in: packed, columns: 13) { r in
                _ = try r.next()  // ledger_id: the statement's own
                let fields = EntryFields(
                    ledger: name, position: try r.int64(), eventID: try r.uuid(), stream: try r.string(), eventType: try r.string(),
                    occurredAt: LedgerTimestamp(microseconds: try r.int64()), recordedAt: LedgerTimestamp(microseconds: try r.int64()),
                    actor: try r.string(), dedupeKey: try r.optionalString(), header: try r.string(), payloadCommitment: try r.digest())
                let entry = StoredEntry(fields: fields, previousHash: try r.digest(), entryHash: try r.digest())
                rows.append(RawEntryRow(entry: entry, dataKeyID: nil, sealed: nil, destruction: nil))
            }
        }
        inPositionOrder(&rows) { $0.entry.fields.position }
        return rows
    }

    private struct SealedPayload: Sendable {
        var position: Int64
        var dataKeyID: Int64
        var bytes: [UInt8]
    }

    /// The payloads of the range, packed as ``entries(client:ledger:after:through:logger:)``
    /// packs entries; a payload larger than ``largePayloadBytes`` comes in a value of its own.
    private static func payloads(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64, logger: Logger
    ) async throws
        -> [SealedPayload]
    {
        let query: PostgresQuery = """
            SELECT string_agg(record_send(p), ''::bytea)
            FROM ledger_payloads p
            WHERE ledger_id = \(ledger.id) AND position > \(after) AND position <= \(through)
            GROUP BY octet_length(sealed) > \(largePayloadBytes),
                     CASE WHEN octet_length(sealed) > \(largePayloadBytes) THEN position ELSE position / \(positionsPerPackedValue) END
            """
        var payloads: [SealedPayload] = []
        payloads.reserveCapacity(Int(clamping: max(0, through - after)))
        for try await packed in try await client.rows(query, logger: logger).decode(ByteBuffer.self) {
            try PackedRecords.forEach(in: packed, columns: 4) { r in
                _ = try r.next()  // ledger_id
                payloads.append(SealedPayload(position: try r.int64(), dataKeyID: try r.int64(), bytes: try r.bytes()))
            }
        }
        inPositionOrder(&payloads) { $0.position }
        return payloads
    }

    /// Sorts by position, unless already sorted (the usual case: one pass to check).
    private static func inPositionOrder<Element>(_ elements: inout [Element], by position: (Element) -> Int64) {
        guard elements.indices.dropFirst().contains(where: { position(elements[$0 - 1]) > position(elements[$0]) }) else { return }
        elements.sort { position($0) < position($1) }
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
