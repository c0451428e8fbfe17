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
/// - `record.destroyed` and `records.transferred` mark the records whose data keys they name;
///   `retention.destruction.halted` takes the mark off the records of an authority a hold
///   stopped before their keys were destroyed.
public struct RetentionRecordsProjection: Projection {
    public let name = "retention_records"
    public let version = 1
    public let eventTypes: Set<String> = RecordEvents.extending.union([
        EventType.Retention.recordScheduled, EventType.Destruction.recordDestroyed, EventType.Retention.recordsTransferred,
        EventType.Retention.destructionHalted,
    ])
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        // Entries of record streams are gathered per record and written in one statement; the
        // gathered extents are written before any other event, which may need their rows.
        var extents = RecordExtents()
        for record in records {
            let fields = record.entry.fields
            if let id = RetentionRecordID(stream: fields.stream, occurredAt: fields.occurredAt), RecordEvents.extending.contains(fields.eventType) {
                extents.add(id, position: fields.position, at: fields.occurredAt.microseconds, isMessage: RecordEvents.isMessage(record))
                continue
            }
            try await extents.write(ledger: ledger, on: connection, logger: logger)
            switch fields.eventType {
            case EventType.Retention.recordScheduled:
                guard let filing = RecordFiling(header: fields.header) else {
                    logger.warning("retention: skipping a record.scheduled whose header does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await file(filing, entry: fields, ledger: ledger, on: connection, logger: logger)
            case EventType.Destruction.recordDestroyed, EventType.Retention.recordsTransferred:
                let keys = RecordEvents.dataKeyIDs(header: fields.header)
                guard !keys.isEmpty else { continue }
                let column = fields.eventType == EventType.Destruction.recordDestroyed ? "destroyed_position" : "transferred_position"
                try await connection.perform(
                    """
                    UPDATE retention_records r SET \(unescaped: column) = \(fields.position)
                    FROM data_keys k
                    WHERE k.id = ANY(\(keys)) AND k.ledger_id = \(ledger.id) AND r.ledger_id = k.ledger_id
                      AND r.stream = k.stream AND r.period = k.period AND r.\(unescaped: column) IS NULL
                    """, logger: logger)
            case EventType.Retention.destructionHalted:
                guard let halt = DestructionHalt(header: fields.header) else { continue }
                try await connection.perform(
                    """
                    UPDATE retention_records r SET destroyed_position = NULL
                    FROM data_keys k
                    WHERE k.id = ANY(\(halt.dataKeyIDs)) AND k.ledger_id = \(ledger.id) AND r.ledger_id = k.ledger_id
                      AND r.stream = k.stream AND r.period = k.period AND r.destroyed_position = \(halt.authorisation)
                    """, logger: logger)
            default:
                continue
            }
        }
        try await extents.write(ledger: ledger, on: connection, logger: logger)
    }

    /// Records the filing in the history and, unless a rule or default filing meets a filing by
    /// hand, on the record (creating the row when the filing comes before the record's entries
    /// are projected, which a rebuild never does but a hand filing of a future month could).
    private func file(
        _ filing: RecordFiling, entry fields: EntryFields, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    )
        async throws
    {
        let rows = try await connection.query(
            """
            UPDATE retention_records SET series = \(filing.series), filing_source = \(filing.source.rawValue),
                filing_rule = \(filing.rule), filed_position = \(fields.position)
            WHERE ledger_id = \(ledger.id) AND stream = \(filing.record.stream) AND period = \(filing.record.period)
              AND (\(filing.source == .manual) OR filing_source IS DISTINCT FROM 'manual')
            RETURNING 1
            """, logger: logger
        ).collect()
        try await connection.perform(
            """
            INSERT INTO retention_filings (ledger_id, position, stream, period, series, source, rule, actor, filed_at_us, applied)
            VALUES (\(ledger.id), \(fields.position), \(filing.record.stream), \(filing.record.period), \(filing.series),
                \(filing.source.rawValue), \(filing.rule), \(fields.actor), \(fields.occurredAt.microseconds), \(!rows.isEmpty))
            ON CONFLICT (ledger_id, position) DO NOTHING
            """, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM retention_filings WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM retention_records WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
