import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO

/// One row of the ledger as stored: the entry, its sealed payload (if present) and, if the
/// payload was destroyed, the destruction record with its authorising entry.
struct RawEntryRow: Sendable {
    var entry: StoredEntry
    var dataKeyID: Int64?
    var sealed: [UInt8]?
    var destruction: Destruction?

    struct Destruction: Sendable {
        var dataKeyID: Int64
        var authorisedBy: Int64
        var authorisingType: String?
        var authorisingHeader: String?
    }
}

/// Keyset-paged reads of ledger rows: memory stays bounded by the page size.
///
/// Each entry's payload, destruction and authority are looked up by primary key, one entry at a
/// time (`LATERAL … OFFSET 0`): on a ledger newer than the planner's statistics, a plain join was
/// planned as if the ledger held one row and read every payload of the ledger for each entry.
enum EntryPages {
    /// - Parameters:
    ///   - eventTypes: only entries of these types (nil: every type).
    ///   - payloadTypes: read sealed payloads only of these types (nil: of every type); other rows
    ///     come back without `sealed`, so large payloads nobody needs are not transferred.
    static func fetch(
        client: some RowQuerying, ledger: LedgerRef, after: Int64, through: Int64?, stream: String?, limit: Int,
        eventTypes: [String]? = nil, payloadTypes: [String]? = nil, logger: Logger
    ) async throws -> [RawEntryRow] {
        let upper = through ?? Int64.max
        let query: PostgresQuery = """
            SELECT \(unescaped: rowColumns)
            FROM ledger_entries e
            LEFT JOIN LATERAL (
                SELECT p.data_key_id, p.sealed FROM ledger_payloads p
                WHERE p.ledger_id = e.ledger_id AND p.position = e.position
                  AND (\(payloadTypes)::text[] IS NULL OR e.event_type = ANY(\(payloadTypes)::text[]))
                OFFSET 0) p ON true
            \(unescaped: destructionJoins)
            WHERE e.ledger_id = \(ledger.id) AND e.position > \(after) AND e.position <= \(upper)
              AND (\(stream)::text IS NULL OR e.stream = \(stream))
              AND (\(eventTypes)::text[] IS NULL OR e.event_type = ANY(\(eventTypes)::text[]))
            ORDER BY e.position
            LIMIT \(limit)
            """
        var result: [RawEntryRow] = []
        result.reserveCapacity(limit)
        for try await row in try await client.rows(query, logger: logger) {
            result.append(try rawRow(row.makeRandomAccess(), ledger: ledger.name))
        }
        return result
    }

    /// The entry in a row's first 12 columns, in the order every ledger read selects them:
    /// `position, event_id, stream, event_type, occurred_at_us, recorded_at_us, actor,
    /// dedupe_key, header, payload_commitment, prev_hash, entry_hash`.
    static func storedEntry(_ r: PostgresRandomAccessRow, ledger: String) throws -> StoredEntry {
        let fields = EntryFields(
            ledger: ledger,
            position: try r[0].decode(Int64.self),
            eventID: try r[1].decode(UUID.self),
            stream: try r[2].decode(String.self),
            eventType: try r[3].decode(String.self),
            occurredAt: LedgerTimestamp(microseconds: try r[4].decode(Int64.self)),
            recordedAt: LedgerTimestamp(microseconds: try r[5].decode(Int64.self)),
            actor: try r[6].decode(String.self),
            dedupeKey: try r[7].decode(String?.self),
            header: try r[8].decode(String.self),
            payloadCommitment: try digest(r[9].decode(ByteBuffer.self))
        )
        return StoredEntry(
            fields: fields, previousHash: try digest(r[10].decode(ByteBuffer.self)), entryHash: try digest(r[11].decode(ByteBuffer.self)))
    }

    /// A whole row: the entry (``storedEntry(_:ledger:)``), then `data_key_id, sealed` of its
    /// payload and `data_key_id, authorised_by_position, event_type, header` of its destruction
    /// and authority.
    /// The columns of a ``RawEntryRow``, in the order ``rawRow(_:ledger:)`` decodes them, from
    /// `e` (the entry), `p` (its payload), `d` (its destruction) and `a` (the destruction's
    /// authorising entry).
    static let rowColumns = """
        e.position, e.event_id, e.stream, e.event_type, e.occurred_at_us, e.recorded_at_us, e.actor, e.dedupe_key,
        e.header, e.payload_commitment, e.prev_hash, e.entry_hash, p.data_key_id, p.sealed,
        d.data_key_id, d.authorised_by_position, a.event_type, a.header
        """

    /// The joins of `d` and `a` (``rowColumns``) to an entry `e`, each by the primary key.
    static let destructionJoins = """
        LEFT JOIN LATERAL (
            SELECT d.data_key_id, d.authorised_by_position FROM payload_destructions d
            WHERE d.ledger_id = e.ledger_id AND d.position = e.position OFFSET 0) d ON true
        LEFT JOIN LATERAL (
            SELECT a.event_type, a.header FROM ledger_entries a
            WHERE a.ledger_id = e.ledger_id AND a.position = d.authorised_by_position OFFSET 0) a ON true
        """

    static func rawRow(_ r: PostgresRandomAccessRow, ledger: String) throws -> RawEntryRow {
        var destruction: RawEntryRow.Destruction?
        if let keyID = try r[14].decode(Int64?.self), let by = try r[15].decode(Int64?.self) {
            destruction = .init(
                dataKeyID: keyID, authorisedBy: by, authorisingType: try r[16].decode(String?.self),
                authorisingHeader: try r[17].decode(String?.self))
        }
        return RawEntryRow(
            entry: try storedEntry(r, ledger: ledger), dataKeyID: try r[12].decode(Int64?.self),
            sealed: try r[13].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }, destruction: destruction)
    }

    /// A stored hash column; a wrong length is reported as a zero digest so the verifier names it.
    static func digest(_ buffer: ByteBuffer) -> LedgerDigest {
        (try? LedgerDigest(bytes: buffer.readableBytesView)) ?? LedgerDigest.genesis
    }

    /// Whether a destruction record is authorised by a record.destroyed entry naming its key.
    /// The header's `data_key_ids` must be an array of integers (no booleans, no fractions).
    static func isAuthorised(_ destruction: RawEntryRow.Destruction) -> Bool {
        struct DestructionHeader: Decodable {
            var data_key_ids: [Int64]
        }
        guard destruction.authorisingType == "record.destroyed",
            let header = destruction.authorisingHeader?.data(using: .utf8),
            let decoded = try? JSONDecoder().decode(DestructionHeader.self, from: header)
        else { return false }
        return decoded.data_key_ids.contains(destruction.dataKeyID)
    }
}
