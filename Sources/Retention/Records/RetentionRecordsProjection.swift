import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `retention_records` projection (migration 0017): one row per record (a month of one
/// conversation stream, ``RetentionRecordID``) with its extent, its filing and its destruction,
/// and every filing in `retention_filings`. Headers only: it never reads a payload.
///
/// - Every entry of a record stream extends its record; `whatsapp.message.received` and
///   `message.send.requested` (not a mark-as-read) are its messages, the latest of which is its
///   communication date ("received or provided, whichever is later").
/// - `record.scheduled` files a record; a filing by a rule or by default never replaces a
///   filing by hand (it is kept in the history with `applied = false`).
/// - `records.transferred` marks the records whose data keys it names.
///
/// Whether a record is destroyed is not kept here: its data key says so (``RecordDestruction``).
public struct RetentionRecordsProjection: Projection {
    public let name = "retention_records"
    public let version = 1
    public let eventTypes: Set<String> = RecordEvents.extending.union([
        EventType.Retention.recordScheduled, EventType.Retention.recordsTransferred,
    ])
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        // Runs of record-stream entries and runs of filings are each written in one statement; a
        // run is written before anything after it, which may need its rows. Transfers (a column
        // nothing else here reads) are gathered to the end.
        var extents = RecordExtents()
        var filings = RecordFilings()
        var transfers = RecordTransfers()
        for record in records {
            let fields = record.entry.fields
            if let id = RetentionRecordID(stream: fields.stream, occurredAt: fields.occurredAt), RecordEvents.extending.contains(fields.eventType) {
                try await filings.write(ledger: ledger, on: connection, logger: logger)
                extents.add(id, position: fields.position, at: fields.occurredAt.microseconds, isMessage: RecordEvents.isMessage(record))
                continue
            }
            try await extents.write(ledger: ledger, on: connection, logger: logger)
            switch fields.eventType {
            case EventType.Retention.recordsTransferred:
                transfers.add(keys: RecordEvents.dataKeyIDs(header: fields.header), position: fields.position)
            case EventType.Retention.recordScheduled:
                guard let filing = RecordFiling(header: fields.header) else {
                    logger.warning("retention: skipping a record.scheduled whose header does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                if !filings.add(filing, entry: fields) {
                    try await filings.write(ledger: ledger, on: connection, logger: logger)
                    _ = filings.add(filing, entry: fields)
                }
            default:
                continue
            }
        }
        try await extents.write(ledger: ledger, on: connection, logger: logger)
        try await filings.write(ledger: ledger, on: connection, logger: logger)
        try await transfers.write(ledger: ledger, on: connection, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM retention_filings WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM retention_records WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
