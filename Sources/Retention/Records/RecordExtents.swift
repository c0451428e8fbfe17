import LedgerStore
import Logging
import PostgresNIO

/// The extents of records gathered from a page of entries, written to `retention_records` in one
/// statement (an insert of each new record, or an update of its counts, dates and last position).
struct RecordExtents {
    private struct Extent {
        var firstPosition: Int64
        var lastPosition: Int64
        var entries: Int64 = 0
        var messages: Int64 = 0
        var firstAt: Int64
        var lastAt: Int64
        /// The latest message's time; `Int64.min` while the record has none.
        var communicationAt = Int64.min
    }

    private var extents: [RetentionRecordID: Extent] = [:]

    /// Extends `record` with the entry at `position`, which occurred at `at` (µs).
    mutating func add(_ record: RetentionRecordID, position: Int64, at: Int64, isMessage: Bool) {
        var extent = extents[record] ?? Extent(firstPosition: position, lastPosition: position, firstAt: at, lastAt: at)
        extent.firstPosition = min(extent.firstPosition, position)
        extent.lastPosition = max(extent.lastPosition, position)
        extent.entries += 1
        extent.firstAt = min(extent.firstAt, at)
        extent.lastAt = max(extent.lastAt, at)
        if isMessage {
            extent.messages += 1
            extent.communicationAt = max(extent.communicationAt, at)
        }
        extents[record] = extent
    }

    /// Writes what was gathered and forgets it.
    mutating func write(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        guard !extents.isEmpty else { return }
        let rows = extents.sorted { $0.key < $1.key }
        extents.removeAll()
        let streams = rows.map { RecordStream($0.key.stream) }
        try await connection.perform(
            """
            INSERT INTO retention_records AS r (ledger_id, stream, period, kind, phone_number_id, conversation_id,
                first_position, last_position, entries, messages, first_at_us, last_at_us, communication_at_us)
            SELECT \(ledger.id), u.stream, u.period, u.kind, NULLIF(u.phone, ''), NULLIF(u.conversation, ''), u.first_position,
                u.last_position, u.entries, u.messages, u.first_at, u.last_at, NULLIF(u.communication_at, \(Int64.min))
            FROM unnest(\(rows.map(\.key.stream)), \(rows.map(\.key.period)), \(streams.map { $0?.kind ?? "correspondence" }),
                \(streams.map { $0?.phoneNumberID ?? "" }), \(streams.map { $0?.conversationID ?? "" }), \(rows.map(\.value.firstPosition)),
                \(rows.map(\.value.lastPosition)), \(rows.map(\.value.entries)), \(rows.map(\.value.messages)), \(rows.map(\.value.firstAt)),
                \(rows.map(\.value.lastAt)), \(rows.map(\.value.communicationAt)))
                AS u(stream, period, kind, phone, conversation, first_position, last_position, entries, messages, first_at, last_at, communication_at)
            ON CONFLICT (ledger_id, stream, period) DO UPDATE SET
                last_position = greatest(r.last_position, EXCLUDED.last_position),
                entries = r.entries + EXCLUDED.entries,
                messages = r.messages + EXCLUDED.messages,
                first_at_us = least(r.first_at_us, EXCLUDED.first_at_us),
                last_at_us = greatest(r.last_at_us, EXCLUDED.last_at_us),
                communication_at_us = greatest(r.communication_at_us, EXCLUDED.communication_at_us)
            """, logger: logger)
    }
}
