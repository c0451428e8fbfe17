import Events
public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import Retention

/// What `recordkeeper audit retention` found (docs/auditing.md, "Auditing destruction").
public struct RetentionAuditReport: Sendable {
    /// One destruction authority and what it destroyed.
    public struct Destruction: Sendable, Hashable {
        public var authority: DestructionAuthority
        /// Records whose data keys this authority destroyed.
        public var recordsDestroyed: Int
        /// Records it names whose keys are not destroyed yet (an interrupted run), or were kept by a halt.
        public var recordsPending: Int
        /// Who approved (the approval entries' actors).
        public var approvers: [String]
    }

    /// A rule of lawful destruction that does not hold.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// `destroyed_without_authority`, `destroyed_without_approval`, `destroyed_under_hold`, `destroyed_before_eligible`.
        public var code: String
        /// The ledger position concerned (the authority, or the destroyed entry).
        public var position: Int64?
        public var message: String

        public var description: String { "\(code)\(position.map { " at position \($0)" } ?? ""): \(message)" }
    }

    public var ledger: String
    public var destructions: [Destruction] = []
    public var violations: [Violation] = []
    /// Things to act on that are not violations (an unfinished run; backups that may still hold destroyed content).
    public var warnings: [String] = []

    public var ok: Bool { violations.isEmpty }
}

/// Checks, from the ledger, that every destruction was lawful: each destroyed payload has a
/// `record.destroyed` authority naming its key; each authority cites an approved disposition list
/// (enough distinct approvers, approved before it); no record it destroyed was covered by a legal
/// hold active at that point of the ledger; and no record was destroyed before its retention was
/// met. Holds are judged by ledger position: a hold placed before the authority and not released
/// before it was active.
public struct RetentionAudit: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    public func run(now: Date = Date()) async throws -> RetentionAuditReport {
        var report = RetentionAuditReport(ledger: ledger)
        guard let ref = try await store.existingLedger(named: ledger) else { return report }
        try await catchUp()
        report.violations += try await unauthorisedDestructions(ref)
        let eligible = try await destroyedEligibleDates(ref)
        for authority in try await authorities(ref) {
            let records = try await destroyedRecords(by: authority, ledger: ref)
            let pending = try await pendingKeys(of: authority, ledger: ref)
            let (approvers, approvalViolations) = try await checkApprovals(of: authority, ledger: ref)
            report.violations += approvalViolations
            if !records.isEmpty {
                report.violations += try await heldAtDestruction(records, authority: authority, ledger: ref)
                report.violations += destroyedEarly(records, authority: authority, eligible: eligible)
            }
            if pending > 0 {
                report.warnings.append(
                    "record.destroyed at position \(authority.position) names \(pending) data key(s) not destroyed and not halted: an interrupted run; finish it with `recordkeeper retention destroy --resume`"
                )
            }
            report.destructions.append(.init(authority: authority, recordsDestroyed: records.count, recordsPending: pending, approvers: approvers))
        }
        if let warning = try await backupWarning(report.destructions) { report.warnings.append(warning) }
        return report
    }

    private func catchUp() async throws {
        let projections: [any Projection] = [RetentionRecordsProjection(), LegalHoldsProjection(), DispositionListsProjection()]
        let runner = ProjectionRunner(store: store, projections: projections, logger: store.logger)
        for projection in projections { _ = try await runner.catchUp(projection, ledger: ledger) }
    }

    /// Payloads removed under an entry that is not a `record.destroyed` naming their key.
    private func unauthorisedDestructions(_ ref: LedgerRef) async throws -> [RetentionAuditReport.Violation] {
        let rows = try await store.client.query(
            """
            SELECT d.position, d.authorised_by_position FROM payload_destructions d
            LEFT JOIN ledger_entries a ON a.ledger_id = d.ledger_id AND a.position = d.authorised_by_position
            WHERE d.ledger_id = \(ref.id)
              AND (a.event_type IS DISTINCT FROM 'record.destroyed'
                   OR NOT coalesce((a.header::jsonb -> 'data_key_ids') @> to_jsonb(d.data_key_id), false)
                   OR d.authorised_by_position <= d.position)
            ORDER BY d.position LIMIT 100
            """, logger: store.logger)
        var violations: [RetentionAuditReport.Violation] = []
        for try await (position, authority) in rows.decode((Int64, Int64).self) {
            violations.append(
                .init(
                    code: "destroyed_without_authority", position: position,
                    message: "the payload was removed citing entry \(authority), which is not a record.destroyed naming its data key"))
        }
        return violations
    }

    /// Every `record.destroyed` entry of the destruction stream, and every other entry that
    /// destroyed a key, in ledger order.
    private func authorities(_ ref: LedgerRef) async throws -> [DestructionAuthority] {
        let rows = try await store.client.query(
            """
            SELECT e.position, e.occurred_at_us, e.actor, e.header FROM ledger_entries e
            WHERE e.ledger_id = \(ref.id) AND e.event_type = 'record.destroyed'
              AND (e.stream = \(RecordDestroyedEvent.stream)
                   OR e.position IN (SELECT destroyed_by_position FROM data_keys WHERE ledger_id = \(ref.id) AND destroyed_by_position IS NOT NULL))
            ORDER BY e.position
            """, logger: store.logger)
        var found: [DestructionAuthority] = []
        for try await (position, occurred, actor, header) in rows.decode((Int64, Int64, String, String).self) {
            found.append(
                DestructionAuthority(position: position, occurredAt: LedgerTimestamp(microseconds: occurred).date, actor: actor, header: header)
                    ?? DestructionAuthority(position: position, occurredAt: LedgerTimestamp(microseconds: occurred).date, actor: actor, header: "{}")!)
        }
        return found
    }

    /// The records whose data keys `authority` destroyed.
    private func destroyedRecords(by authority: DestructionAuthority, ledger ref: LedgerRef) async throws -> [RetentionRecordID] {
        let rows = try await store.client.query(
            "SELECT stream, period FROM data_keys WHERE ledger_id = \(ref.id) AND destroyed_by_position = \(authority.position) ORDER BY id",
            logger: store.logger)
        var records: [RetentionRecordID] = []
        for try await (stream, period) in rows.decode((String, String).self) { records.append(RetentionRecordID(stream: stream, period: period)) }
        return records
    }

    /// How many keys `authority` names that are neither destroyed nor named by a halt.
    private func pendingKeys(of authority: DestructionAuthority, ledger ref: LedgerRef) async throws -> Int {
        guard !authority.dataKeyIDs.isEmpty else { return 0 }
        let rows = try await store.client.query(
            """
            SELECT count(*) FROM data_keys k
            WHERE k.ledger_id = \(ref.id) AND k.id = ANY(\(authority.dataKeyIDs)) AND k.destroyed_at IS NULL
              AND NOT EXISTS (
                SELECT 1 FROM ledger_entries h
                WHERE h.ledger_id = k.ledger_id AND h.stream = \(RecordDestroyedEvent.stream) AND h.event_type = 'retention.destruction.halted'
                  AND (h.header::jsonb ->> 'authorisation')::bigint = \(authority.position)
                  AND (h.header::jsonb -> 'data_key_ids') @> to_jsonb(k.id))
            """, logger: store.logger
        ).collect()
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// The approvers of the list `authority` cites, and what is wrong with its approval.
    private func checkApprovals(
        of authority: DestructionAuthority, ledger ref: LedgerRef
    ) async throws
        -> ([String], [RetentionAuditReport.Violation])
    {
        guard let list = authority.list, !authority.approvals.isEmpty else {
            return ([], [.init(code: "destroyed_without_approval", position: authority.position, message: "the authority cites no approved disposition list")])
        }
        let rows = try await store.client.query(
            """
            SELECT position, event_type, actor, header FROM ledger_entries
            WHERE ledger_id = \(ref.id) AND position = ANY(\(authority.approvals)) ORDER BY position
            """, logger: store.logger)
        var approvers: [String] = []
        var required = 1
        var violations: [RetentionAuditReport.Violation] = []
        for try await (position, type, actor, header) in rows.decode((Int64, String, String, String).self) {
            let json = try? JSONValue.parse(Array(header.utf8))
            guard type == EventType.Retention.dispositionApproved, json?["list"]?.string == list, position < authority.position else {
                violations.append(
                    .init(
                        code: "destroyed_without_approval", position: authority.position,
                        message: "entry \(position) it cites is not an approval of list \(list) recorded before it"))
                continue
            }
            approvers.append(actor)
            required = max(required, Int(json?["required"]?.integer ?? 1))
        }
        let distinct = Set(approvers).count
        if violations.isEmpty, distinct < required {
            violations.append(
                .init(
                    code: "destroyed_without_approval", position: authority.position,
                    message: "list \(list) needs \(required) approvals by different people; the authority cites \(distinct)"))
        }
        if approvers.count < authority.approvals.count, violations.isEmpty {
            violations.append(
                .init(code: "destroyed_without_approval", position: authority.position, message: "an approval it cites is not in the ledger"))
        }
        return (approvers, violations)
    }

    /// The destroyed records a hold covered at the authority's position (placed before it, not
    /// released before it).
    private func heldAtDestruction(
        _ records: [RetentionRecordID], authority: DestructionAuthority, ledger ref: LedgerRef
    ) async throws
        -> [RetentionAuditReport.Violation]
    {
        let held = try await store.client.withConnection { connection in
            try await LegalHolds.covering(records, ledger: ref, asOf: authority.position, on: connection, logger: store.logger)
        }
        return held.sorted { $0.key < $1.key }.flatMap { record, holds in
            holds.map { hold in
                RetentionAuditReport.Violation(
                    code: "destroyed_under_hold", position: authority.position,
                    message: "record \(record) was destroyed while hold \(hold) covered it")
            }
        }
    }

    /// The eligible date of every destroyed record (nil when its series gives none).
    private func destroyedEligibleDates(_ ref: LedgerRef) async throws -> [RetentionRecordID: Date?] {
        let rows = try await store.client.query(
            RetentionEligibility.query(
                "SELECT stream, period, eligible_us FROM {eligibility} WHERE blocked = 'destroyed'", ledgerID: ref.id, series: nil, now: Date()),
            logger: store.logger)
        var dates: [RetentionRecordID: Date?] = [:]
        for try await (stream, period, eligible) in rows.decode((String, String, Int64?).self) {
            dates[RetentionRecordID(stream: stream, period: period)] = eligible.map { LedgerTimestamp(microseconds: $0).date }
        }
        return dates
    }

    /// The destroyed records whose retention was not met when the authority was recorded.
    private func destroyedEarly(
        _ records: [RetentionRecordID], authority: DestructionAuthority, eligible: [RetentionRecordID: Date?]
    )
        -> [RetentionAuditReport.Violation]
    {
        records.compactMap { record in
            guard let date = eligible[record] ?? nil else {
                return .init(
                    code: "destroyed_before_eligible", position: authority.position,
                    message: "record \(record) was destroyed but its series gives it no eligible date (not filed, not confirmed, or kept until a decision)")
            }
            guard date > authority.occurredAt else { return nil }
            return .init(
                code: "destroyed_before_eligible", position: authority.position,
                message: "record \(record) was destroyed on \(authority.occurredAt.ISO8601Format()), before its retention was met on \(date.ISO8601Format())")
        }
    }

    /// A warning when records were destroyed after the master key last changed: backups taken
    /// before the destruction still hold their data keys, wrapped under the key in use.
    private func backupWarning(_ destructions: [RetentionAuditReport.Destruction]) async throws -> String? {
        guard let latest = destructions.filter({ $0.recordsDestroyed > 0 }).map(\.authority.occurredAt).max() else { return nil }
        let rows = try await store.client.query(
            "SELECT max(rewrapped_at) FROM data_keys WHERE destroyed_at IS NULL", logger: store.logger
        ).collect()
        let rotated = try rows.first?.decode(Date?.self)
        if let rotated, rotated > latest { return nil }
        let since = rotated.map { "since the master key was last rotated (\($0.ISO8601Format()))" } ?? "and the master key was never rotated"
        return
            "records were destroyed \(since): backups taken before the last destruction (\(latest.ISO8601Format())) can still reveal them to anyone holding the current master key; rotate it (`recordkeeper keys rotate`) and delete the old key (docs/records-officer.md, \"Backups and destruction\")"
    }
}
