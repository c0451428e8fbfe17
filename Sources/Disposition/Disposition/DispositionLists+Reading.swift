import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import Retention

extension DispositionLists {
    /// A list with its records, decisions and approvals, as projected (call ``catchUp()`` first
    /// to include the latest entries). Each item's record is looked up by its key (`LATERAL …
    /// OFFSET 0`): a join let the planner hash every record of the ledger for one list's items.
    /// - Throws: ``DispositionError/unknownList(_:)``.
    public func show(list: String) async throws -> DispositionList {
        guard let ref = try await store.existingLedger(named: ledger), var found = try await lists(ledgerID: ref.id, only: list).first else {
            throw DispositionError.unknownList(list)
        }
        let rows = try await store.client.query(
            """
            SELECT i.stream, i.period, i.state, i.reason, i.until_us, i.reviewed_by, coalesce(k.destroyed, false), coalesce(r.transferred, false)
            FROM retention_disposition_items i
            LEFT JOIN LATERAL (
                SELECT transferred_position IS NOT NULL AS transferred FROM retention_records
                WHERE ledger_id = i.ledger_id AND stream = i.stream AND period = i.period OFFSET 0) r ON true
            LEFT JOIN LATERAL (
                SELECT destroyed_by_position IS NOT NULL AS destroyed FROM data_keys
                WHERE ledger_id = i.ledger_id AND stream = i.stream AND period = i.period OFFSET 0) k ON true
            WHERE i.ledger_id = \(ref.id) AND i.list = \(list)
            ORDER BY i.stream, i.period
            """, logger: store.logger)
        for try await (stream, period, state, reason, until, reviewedBy, destroyed, transferred) in rows.decode(
            (String, String, String, String?, Int64?, String?, Bool, Bool).self)
        {
            found.items.append(
                DispositionListItem(
                    record: RetentionRecordID(stream: stream, period: period), state: DispositionListItem.State(rawValue: state) ?? .listed,
                    reason: reason, until: until.map { LedgerTimestamp(microseconds: $0).date }, reviewedBy: reviewedBy, destroyed: destroyed,
                    transferred: transferred))
        }
        return found
    }

    /// Every list of the ledger, newest first, with its records (of `series` only, when given).
    public func lists(series: String? = nil) async throws -> [DispositionList] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        var result: [DispositionList] = []
        for list in try await lists(ledgerID: ref.id, only: nil) where series == nil || list.series == series {
            result.append(try await show(list: list.list))
        }
        return result
    }

    /// The lists' rows and approvals, without their items; `only` one list when given.
    private func lists(ledgerID: Int32, only: String?) async throws -> [DispositionList] {
        let rows = try await store.client.query(
            """
            SELECT l.list, l.series, l.action, l.review, l.position, l.listed_by, l.listed_at_us, l.digest, l.transferred_position, l.archives,
              CASE WHEN coalesce((s.series->>'two_person_approval')::boolean, false) THEN 2 ELSE 1 END
            FROM retention_disposition_lists l
            LEFT JOIN retention_series s ON s.ledger_id = l.ledger_id AND s.citation = l.series
            WHERE l.ledger_id = \(ledgerID) AND (\(only)::text IS NULL OR l.list = \(only)::text)
            ORDER BY l.position DESC
            """, logger: store.logger)
        var result: [DispositionList] = []
        for try await (list, series, action, review, position, listedBy, listedAt, digest, transferred, archives, required) in rows.decode(
            (String, String, String, Bool, Int64, String, Int64, String, Int64?, String?, Int).self)
        {
            result.append(
                DispositionList(
                    list: list, series: series, action: DispositionEvents.Action(rawValue: action) ?? .destroy, review: review,
                    listedPosition: position, listedBy: listedBy, listedAt: LedgerTimestamp(microseconds: listedAt).date, digest: digest,
                    approvals: [], required: required, transferredPosition: transferred, archives: archives, items: []))
        }
        let approvals = try await store.client.query(
            """
            SELECT list, position, actor, approved_at_us FROM retention_disposition_approvals
            WHERE ledger_id = \(ledgerID) AND (\(only)::text IS NULL OR list = \(only)::text) ORDER BY position
            """, logger: store.logger)
        for try await (list, position, actor, at) in approvals.decode((String, Int64, String, Int64).self) {
            guard let index = result.firstIndex(where: { $0.list == list }) else { continue }
            result[index].approvals.append(DispositionApproval(position: position, actor: actor, at: LedgerTimestamp(microseconds: at).date))
        }
        return result
    }
}
