public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import Retention

/// The one place eligibility is worked out: SQL over `retention_records` joined to
/// `retention_series` by citation (docs/records-officer.md, "When a record becomes eligible").
///
/// - The trigger date follows the series' `trigger`: `communication` is the record's latest
///   message received or sent (a month with no message: its latest entry); `conversation_closed`
///   is the first `conversation.closed` of the record's conversation at or after the record's
///   last entry; `request_closed` and custom events do not apply to conversation records yet
///   ("awaiting trigger").
/// - The eligible date is the trigger date plus the retention period, and never before 31 days
///   after the end of the record's month (late webhook deliveries for that month must still find
///   the month's data key).
/// - Never eligible: not filed, series unknown or not confirmed, series kept "until no longer
///   needed", record destroyed or transferred.
public struct RetentionEligibility: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Every record's eligibility columns; binds `$1` ledger id, `$2` series citation or NULL
    /// (every series), `$3` now in microseconds. Columns: stream, period, series, terms (jsonb
    /// text), trigger_us, eligible_us, blocked (an ``Ineligibility`` code, NULL when eligible),
    /// list, decision (the latest list item's state), until_us, excluded_after_filing,
    /// approvals, required, ledger_id.
    static let sql = """
        SELECT e.stream, e.period, e.series, e.terms, e.trigger_us, e.eligible_us,
          CASE
            WHEN e.destroyed_position IS NOT NULL THEN 'destroyed'
            WHEN e.transferred_position IS NOT NULL THEN 'transferred'
            WHEN e.series IS NULL THEN 'not_filed'
            WHEN e.terms IS NULL THEN 'unknown_series'
            WHEN NOT coalesce((e.terms->>'confirmed')::boolean, false) THEN 'not_confirmed'
            WHEN e.terms->>'retention' = 'until no longer needed' THEN 'needs_decision'
            WHEN e.trigger_us IS NULL THEN 'awaiting_trigger'
            WHEN e.eligible_us > $3 THEN 'retention_not_met'
          END AS blocked,
          d.list, d.state AS decision, d.until_us, coalesce(d.reviewed_position > e.filed_position, false) AS excluded_after_filing,
          coalesce(d.approvals, 0) AS approvals,
          CASE WHEN coalesce((e.terms->>'two_person_approval')::boolean, false) THEN 2 ELSE 1 END AS required,
          e.ledger_id
        FROM (
          SELECT t.*,
            CASE WHEN t.trigger_us IS NOT NULL AND t.terms IS NOT NULL AND t.terms->>'retention' <> 'until no longer needed' THEN
              greatest(
                (extract(epoch FROM (timestamp 'epoch' + t.trigger_us * interval '1 microsecond') + (t.terms->>'retention')::interval)
                  * 1000000)::bigint,
                (extract(epoch FROM (t.period || '-01')::timestamp + interval '1 month' + interval '31 days') * 1000000)::bigint)
            END AS eligible_us
          FROM (
            SELECT r.ledger_id, r.stream, r.period, r.series, r.filed_position, dk.destroyed_by_position AS destroyed_position,
              r.transferred_position,
              s.series AS terms,
              CASE s.series->>'trigger'
                WHEN 'communication' THEN coalesce(r.communication_at_us, r.last_at_us)
                WHEN 'conversation_closed' THEN (
                  SELECT min(c.occurred_at_us) FROM analytics_conversation_events c
                  WHERE c.ledger_id = r.ledger_id AND c.kind = 'closed' AND c.occurred_at_us >= r.last_at_us
                    AND c.conversation_id = coalesce(
                      r.conversation_id,
                      (SELECT cs.conversation_id FROM conversation_streams cs WHERE cs.ledger_id = r.ledger_id AND cs.stream = r.stream),
                      r.stream))
              END AS trigger_us
            FROM retention_records r
            LEFT JOIN data_keys dk ON dk.ledger_id = r.ledger_id AND dk.stream = r.stream AND dk.period = r.period
            LEFT JOIN retention_series s ON s.ledger_id = r.ledger_id AND s.citation = r.series
            WHERE r.ledger_id = $1 AND ($2::text IS NULL OR r.series = $2::text)
          ) t
        ) e
        LEFT JOIN LATERAL (
          SELECT i.list, i.state, i.until_us, i.reviewed_position,
            (SELECT count(*) FROM retention_disposition_approvals a WHERE a.ledger_id = i.ledger_id AND a.list = i.list) AS approvals
          FROM retention_disposition_items i
          JOIN retention_disposition_lists l ON l.ledger_id = i.ledger_id AND l.list = i.list
          WHERE i.ledger_id = e.ledger_id AND i.stream = e.stream AND i.period = e.period
          ORDER BY l.position DESC LIMIT 1
        ) d ON true
        """

    /// `select` over the rows of ``sql`` (as `q`), for `ledgerID`, `series` (nil: every series) and `now`.
    static func query(_ select: String, ledgerID: Int32, series: String?, now: Date) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(ledgerID)
        if let series { binds.append(series) } else { binds.appendNull() }
        binds.append(LedgerTimestamp(now).microseconds)
        return PostgresQuery(unsafeSQL: select.replacingOccurrences(of: "{eligibility}", with: "(\(sql)) q"), binds: binds)
    }

    /// Every record of the ledger (of `series` only, when given), by stream and month, with its
    /// eligibility, disposition state and the active legal holds that cover it at `now`. Reads
    /// the projections as they are: catch them up first (``DispositionLists/catchUp()``).
    public func records(series: String? = nil, now: Date = Date()) async throws -> [RecordEligibility] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        let rows = try await store.client.query(
            Self.query(
                """
                SELECT stream, period, series, trigger_us, eligible_us, blocked, list, decision, until_us, excluded_after_filing,
                  approvals, required
                FROM {eligibility} ORDER BY stream, period
                """, ledgerID: ref.id, series: series, now: now), logger: store.logger)
        var result: [RecordEligibility] = []
        let nowUS = LedgerTimestamp(now).microseconds
        for try await row in rows.decode((String, String, String?, Int64?, Int64?, String?, String?, String?, Int64?, Bool, Int64, Int).self) {
            let (stream, period, series, trigger, eligible, blocked, list, decision, until, excludedAfterFiling, approvals, required) = row
            let reason = blocked.flatMap(Ineligibility.init(code:))
            let item = DispositionItemState(decision: decision, until: until, excludedAfterFiling: excludedAfterFiling, now: nowUS)
            result.append(
                RecordEligibility(
                    record: RetentionRecordID(stream: stream, period: period), series: series,
                    triggerDate: trigger.map { LedgerTimestamp(microseconds: $0).date },
                    eligibleDate: eligible.map { LedgerTimestamp(microseconds: $0).date }, ineligibility: reason,
                    state: Self.state(reason: reason, item: item, approved: approvals >= Int64(required)), list: list, listDecision: decision))
        }
        let current = result.filter { $0.state != .destroyed && $0.state != .transferred }.map(\.record)
        let held =
            current.isEmpty
            ? [:]
            : try await store.client.withConnection { connection in
                try await LegalHolds.covering(current, ledger: ref, on: connection, logger: store.logger)
            }
        for index in result.indices { result[index].holds = held[result[index].record] ?? [] }
        return result
    }

    /// The disposition state of a record from its eligibility and its latest list item.
    static func state(reason: Ineligibility?, item: DispositionItemState, approved: Bool) -> DispositionState {
        switch reason {
        case .destroyed?: return .destroyed
        case .transferred?: return .transferred
        default: break
        }
        if item.onList { return approved ? .approved : .listed }
        return reason == nil ? .eligible : .retained
    }
}

/// A record's latest disposition list item, as eligibility reads it.
struct DispositionItemState: Sendable, Hashable {
    /// On a list, awaiting (or past) approval: listed or confirmed.
    var onList: Bool
    /// Kept off new lists: on a list, excluded since its last filing, or deferred to a later date.
    var keptOffNewLists: Bool

    init(decision: String?, until: Int64?, excludedAfterFiling: Bool, now: Int64) {
        onList = decision == "listed" || decision == "confirmed"
        keptOffNewLists =
            onList || (decision == "excluded" && excludedAfterFiling) || (decision == "deferred" && (until ?? Int64.max) > now)
    }
}
