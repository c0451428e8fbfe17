public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// One record as the records officer sees it: its extent, its series and its filing history.
public struct RetentionRecordSummary: Sendable, Hashable {
    /// One filing of the record (`retention_filings`), in ledger order.
    public struct Filing: Sendable, Hashable {
        public var position: Int64
        public var series: String
        public var source: RecordFiling.Source
        public var rule: String?
        public var actor: String
        public var filedAt: Date
        /// False when a rule or default filing did not replace a filing by hand.
        public var applied: Bool
    }

    public var record: RetentionRecordID
    /// `correspondence` or `handling`.
    public var kind: String
    public var phoneNumberID: String?
    public var entries: Int64
    public var messages: Int64
    public var firstAt: Date
    public var lastAt: Date
    /// The latest message received or sent: the communication date; nil without messages.
    public var communicationAt: Date?
    /// The series it is filed in; nil when not filed yet.
    public var series: String?
    public var source: RecordFiling.Source?
    public var rule: String?
    public var destroyed: Bool
    public var history: [Filing]
}

/// Filing by hand, the needs-filing queue, and one record's filing (docs/records-officer.md,
/// "Filing records into series").
public struct RetentionFiling: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Catches the `retention_records` projection up (reads are then current).
    public func catchUp() async throws {
        guard try await store.existingLedger(named: ledger) != nil else { return }
        let projection = RetentionRecordsProjection()
        _ = try await ProjectionRunner(store: store, projections: [projection], logger: store.logger).catchUp(projection, ledger: ledger)
    }

    /// Files `record` into `series` by hand: `record.scheduled` with source `manual` and the
    /// reason in its payload. A filing by hand replaces any filing, and neither the filer nor a
    /// later rule filing replaces it; the earlier filings stay in the history.
    /// - Returns: the position of the `record.scheduled` entry.
    /// - Throws: ``RetentionFilingError`` (nothing recorded): the record does not exist or was
    ///   destroyed, the series is not in the catalog in force or superseded, the reason is empty.
    @discardableResult
    public func file(record: RetentionRecordID, series: String, reason: String, actor: String, now: Date = Date()) async throws -> Int64 {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RetentionFilingError.emptyReason }
        let catalogs = RetentionCatalogs(store: store, ledger: ledger)
        try await catalogs.catchUp()
        guard let catalog = try await catalogs.current()?.catalog else { throw RetentionFilingError.noCatalog }
        switch catalog.filingProblem(rule: "", series: series) {
        case .unknownSeries(_, _, let known)?: throw RetentionFilingError.unknownSeries(series, known: known)
        case .supersededSeries(_, _, let by)?: throw RetentionFilingError.supersededSeries(series, by: by)
        default: break
        }
        try await catchUp()
        guard let summary = try await self.record(record) else { throw RetentionFilingError.unknownRecord(record.description) }
        guard !summary.destroyed else { throw RetentionFilingError.destroyed(record.description) }
        let event = try RecordFiling(record: record, series: series, source: .manual).event(
            actor: actor, details: ["reason": .string(reason)], occurredAt: LedgerTimestamp(now))
        let receipt = try await store.append(event, to: ledger)
        try await catchUp()
        return receipt.position
    }

    /// Records filed by default and not since filed by a rule or by hand, oldest first (by
    /// their first entry).
    public func needsFiling(limit: Int = 100) async throws -> [RetentionRecordSummary] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        return try await summaries(
            """
            SELECT \(unescaped: Self.columns) FROM retention_records r
            WHERE ledger_id = \(ref.id) AND filing_source = 'default' AND transferred_position IS NULL
              AND NOT \(unescaped: RecordDestruction.isDestroyed("r"))
            ORDER BY first_at_us, stream, period LIMIT \(Int64(max(1, limit)))
            """)
    }

    /// How many records are in the needs-filing queue.
    public func needsFilingCount() async throws -> Int {
        guard let ref = try await store.existingLedger(named: ledger) else { return 0 }
        let rows = try await store.client.query(
            """
            SELECT count(*) FROM retention_records r
            WHERE ledger_id = \(ref.id) AND filing_source = 'default' AND transferred_position IS NULL
              AND NOT \(unescaped: RecordDestruction.isDestroyed("r"))
            """,
            logger: store.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// One record with its filing history; nil when no entry belongs to it.
    public func record(_ record: RetentionRecordID) async throws -> RetentionRecordSummary? {
        guard let ref = try await store.existingLedger(named: ledger) else { return nil }
        guard
            var summary = try await summaries(
                """
                SELECT \(unescaped: Self.columns) FROM retention_records r
                WHERE ledger_id = \(ref.id) AND stream = \(record.stream) AND period = \(record.period)
                """
            ).first
        else { return nil }
        let rows = try await store.client.query(
            """
            SELECT position, series, source, rule, actor, filed_at_us, applied FROM retention_filings
            WHERE ledger_id = \(ref.id) AND stream = \(record.stream) AND period = \(record.period) ORDER BY position
            """, logger: store.logger)
        for try await (position, series, source, rule, actor, filedAt, applied) in rows.decode(
            (Int64, String, String, String?, String, Int64, Bool).self)
        {
            summary.history.append(
                .init(
                    position: position, series: series, source: RecordFiling.Source(rawValue: source) ?? .default, rule: rule, actor: actor,
                    filedAt: LedgerTimestamp(microseconds: filedAt).date, applied: applied))
        }
        return summary
    }

    /// The summary's columns of `retention_records r`.
    static let columns = """
        stream, period, kind, phone_number_id, entries, messages, first_at_us, last_at_us, communication_at_us,
        series, filing_source, filing_rule, transferred_position IS NOT NULL OR \(RecordDestruction.isDestroyed("r"))
        """

    private func summaries(_ query: PostgresQuery) async throws -> [RetentionRecordSummary] {
        var found: [RetentionRecordSummary] = []
        let rows = try await store.client.query(query, logger: store.logger)
        for try await row in rows {
            let c = try row.decode((String, String, String, String?, Int64, Int64, Int64, Int64, Int64?, String?, String?, String?, Bool).self)
            found.append(
                RetentionRecordSummary(
                    record: RetentionRecordID(stream: c.0, period: c.1), kind: c.2, phoneNumberID: c.3, entries: c.4, messages: c.5,
                    firstAt: LedgerTimestamp(microseconds: c.6).date, lastAt: LedgerTimestamp(microseconds: c.7).date,
                    communicationAt: c.8.map { LedgerTimestamp(microseconds: $0).date }, series: c.9,
                    source: c.10.flatMap(RecordFiling.Source.init(rawValue:)), rule: c.11, destroyed: c.12, history: []))
        }
        return found
    }
}
