public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import Retention

/// The counts of one line of a status report: one series, or one month of records.
public struct RetentionStatusLine: Sendable, Hashable {
    /// The series' citation (`(not filed)` for records in none), or the month `YYYY-MM`.
    public var key: String
    public var records: Int64
    /// Eligible now (whether or not on a list yet), not destroyed or transferred.
    public var eligibleNow: Int64
    /// Becoming eligible after now and within 30 days; within 90 days (which includes the 30).
    public var within30Days: Int64
    public var within90Days: Int64
    public var destroyed: Int64
    public var transferred: Int64
    /// Records that can never be disposed of as things stand: not filed, series unknown or
    /// unconfirmed, "until no longer needed", awaiting their trigger.
    public var blocked: Int64
    /// Covered by an active legal hold (not destroyed or transferred), eligible or not.
    public var held: Int64

    public init(
        key: String, records: Int64, eligibleNow: Int64, within30Days: Int64, within90Days: Int64, destroyed: Int64, transferred: Int64,
        blocked: Int64, held: Int64 = 0
    ) {
        self.key = key
        self.records = records
        self.eligibleNow = eligibleNow
        self.within30Days = within30Days
        self.within90Days = within90Days
        self.destroyed = destroyed
        self.transferred = transferred
        self.blocked = blocked
        self.held = held
    }
}

/// The retention status of a ledger's records (docs/records-officer.md, "The status report"):
/// per record (``RetentionEligibility/records(series:now:)``), and counted by series or by month.
public struct RetentionStatus: Sendable {
    /// How a report is grouped.
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        case series
        case month
    }

    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Every record (of `series` only, when given) with its trigger date, eligible date and
    /// disposition state at `now`.
    public func records(series: String? = nil, now: Date = Date()) async throws -> [RecordEligibility] {
        try await RetentionEligibility(store: store, ledger: ledger).records(series: series, now: now)
    }

    /// The counts by series or by month at `now` (of `series` only, when given), in key order.
    public func report(by grouping: Grouping, series: String? = nil, now: Date = Date()) async throws -> [RetentionStatusLine] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        let key = grouping == .series ? "coalesce(series, '(not filed)')" : "period"
        let day: Int64 = 86_400_000_000
        let nowUS = LedgerTimestamp(now).microseconds
        let rows = try await store.client.query(
            RetentionEligibility.query(
                """
                SELECT \(key) AS key, count(*),
                  count(*) FILTER (WHERE blocked IS NULL),
                  count(*) FILTER (WHERE blocked = 'retention_not_met' AND eligible_us <= \(nowUS + 30 * day)),
                  count(*) FILTER (WHERE blocked = 'retention_not_met' AND eligible_us <= \(nowUS + 90 * day)),
                  count(*) FILTER (WHERE blocked = 'destroyed'),
                  count(*) FILTER (WHERE blocked = 'transferred'),
                  count(*) FILTER (WHERE blocked IN ('not_filed', 'unknown_series', 'not_confirmed', 'needs_decision', 'awaiting_trigger'))
                FROM {eligibility} GROUP BY 1 ORDER BY 1
                """, ledgerID: ref.id, series: series, now: now), logger: store.logger)
        var lines: [RetentionStatusLine] = []
        for try await (key, records, eligible, within30, within90, destroyed, transferred, blocked) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        {
            lines.append(
                RetentionStatusLine(
                    key: key, records: records, eligibleNow: eligible, within30Days: within30, within90Days: within90, destroyed: destroyed,
                    transferred: transferred, blocked: blocked))
        }
        // Held: the records of each line an active hold covers (the holds' own coverage rules),
        // counted in the database: the records are never read out, whatever their number.
        let held = try await store.client.withConnection { connection -> [(String, Int64)] in
            guard try await LegalHolds.anyActive(ledger: ref, on: connection, logger: store.logger) else { return [] }
            let covered = LegalHolds.coveredCondition(stream: "q.stream", period: "q.period", ledgerID: ref.id)
            let rows = try await connection.query(
                RetentionEligibility.query(
                    """
                    SELECT \(key), count(*) FROM {eligibility}
                    WHERE (blocked IS NULL OR blocked NOT IN ('destroyed', 'transferred')) AND \(covered)
                    GROUP BY 1
                    """, ledgerID: ref.id, series: series, now: now), logger: store.logger)
            var counts: [(String, Int64)] = []
            for try await row in rows.decode((String, Int64).self) { counts.append(row) }
            return counts
        }
        for (key, count) in held {
            guard let index = lines.firstIndex(where: { $0.key == key }) else { continue }
            lines[index].held = count
        }
        return lines
    }
}
