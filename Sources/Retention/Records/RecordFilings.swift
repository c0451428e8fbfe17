import Ledger
import LedgerStore
import Logging
import PostgresNIO

/// The `record.scheduled` entries gathered from a page, written in two statements: the filings
/// onto `retention_records` (a rule or default filing never replaces a filing by hand), then
/// every filing into the history `retention_filings`, marked applied or not.
///
/// A batch holds at most one filing per record, so the statements need no order among their
/// rows; ``add(_:entry:)`` reports a second filing of the same record, and the caller writes
/// what was gathered before adding it.
struct RecordFilings {
    private struct Filing {
        var filing: RecordFiling
        var position: Int64
        var actor: String
        var at: Int64
    }

    private var filings: [Filing] = []
    private var records: Set<RetentionRecordID> = []

    /// Gathers `filing`, recorded by `fields`; false (nothing gathered) when the batch already
    /// holds a filing of the same record.
    mutating func add(_ filing: RecordFiling, entry fields: EntryFields) -> Bool {
        guard records.insert(filing.record).inserted else { return false }
        filings.append(Filing(filing: filing, position: fields.position, actor: fields.actor, at: fields.occurredAt.microseconds))
        return true
    }

    /// Writes what was gathered and forgets it.
    mutating func write(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        guard !filings.isEmpty else { return }
        let batch = filings
        filings.removeAll()
        records.removeAll()
        let applied = try await connection.query(
            """
            UPDATE retention_records r SET series = u.series, filing_source = u.source, filing_rule = NULLIF(u.rule, ''),
                filed_position = u.position
            FROM unnest(\(batch.map(\.filing.record.stream)), \(batch.map(\.filing.record.period)), \(batch.map(\.filing.series)),
                \(batch.map(\.filing.source.rawValue)), \(batch.map { $0.filing.rule ?? "" }), \(batch.map(\.position)))
                AS u(stream, period, series, source, rule, position)
            WHERE r.ledger_id = \(ledger.id) AND r.stream = u.stream AND r.period = u.period
              AND (u.source = 'manual' OR r.filing_source IS DISTINCT FROM 'manual')
            RETURNING u.position
            """, logger: logger)
        var appliedPositions: Set<Int64> = []
        for try await position in applied.decode(Int64.self) { appliedPositions.insert(position) }
        try await connection.perform(
            """
            INSERT INTO retention_filings (ledger_id, position, stream, period, series, source, rule, actor, filed_at_us, applied)
            SELECT \(ledger.id), u.position, u.stream, u.period, u.series, u.source, NULLIF(u.rule, ''), u.actor, u.at, u.applied
            FROM unnest(\(batch.map(\.position)), \(batch.map(\.filing.record.stream)), \(batch.map(\.filing.record.period)),
                \(batch.map(\.filing.series)), \(batch.map(\.filing.source.rawValue)), \(batch.map { $0.filing.rule ?? "" }),
                \(batch.map(\.actor)), \(batch.map(\.at)), \(batch.map { appliedPositions.contains($0.position) }))
                AS u(position, stream, period, series, source, rule, actor, at, applied)
            ON CONFLICT (ledger_id, position) DO NOTHING
            """, logger: logger)
    }
}
