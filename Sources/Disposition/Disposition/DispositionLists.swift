public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
public import Retention

/// A ledger's disposition lists: eligibility runs make them, records officers review and approve
/// them, transfer lists are handed to the archives, and the destruction engine reads the
/// authority of approved destruction lists (docs/records-officer.md, "Disposition").
///
/// Every step catches up the retention projections first (``catchUp()``), checks, appends one
/// event to `retention/disposition`, and catches up again so the next read sees it. A refused
/// step throws ``DispositionError`` and appends nothing.
public struct DispositionLists: Sendable {
    /// The one role that reviews and approves disposition.
    public static let recordsOfficer = "records_officer"

    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// The projections disposition reads and keeps itself: the catalog, the records, the holds, the lists.
    /// (Eligibility by `conversation_closed` also reads the conversations and analytics
    /// projections, which the workers keep.)
    public static var projections: [any Projection] {
        [RetentionCatalogProjection(), RetentionRecordsProjection(), LegalHoldsProjection(), DispositionListsProjection()]
    }

    /// Applies the ledger's entries not yet projected by ``projections``. Does nothing when the
    /// ledger does not exist yet.
    public func catchUp() async throws {
        guard try await store.existingLedger(named: ledger) != nil else { return }
        let runner = ProjectionRunner(store: store, projections: Self.projections, logger: store.logger)
        for projection in Self.projections { _ = try await runner.catchUp(projection, ledger: ledger) }
    }

    // MARK: Running

    /// The most records one list holds: more eligible records of a series make more lists, so
    /// that a list stays something people can review and a run's memory does not grow with the
    /// number of records.
    public static let maxRecordsPerList = 50_000

    /// Makes lists of the records eligible at `now` (of `series` only, when given) and on no open
    /// list (nor excluded since their last filing, nor deferred past `now`, nor covered by an
    /// active legal hold), one per series, or several of at most `maxRecords` each, and returns
    /// the lists made. A series whose designation is archival or whose final action is transfer
    /// makes transfer lists; one whose final action is review makes destruction lists in which
    /// every record needs a decision (``DispositionList/review``).
    public func run(
        series: String? = nil, actor: String, now: Date = Date(), maxRecords: Int = Self.maxRecordsPerList
    ) async throws -> [DispositionList] {
        var lists: [DispositionList] = []
        for list in try await make(series: series, actor: actor, now: now, maxRecords: maxRecords) { lists.append(try await show(list: list)) }
        return lists
    }

    /// ``run(series:actor:now:maxRecords:)`` without reading the lists back: the ids of the lists
    /// made, in order. The eligible records are read as a stream, one list's worth at a time.
    public func make(series: String? = nil, actor: String, now: Date = Date(), maxRecords: Int = Self.maxRecordsPerList) async throws -> [String] {
        try await catchUp()
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        try await store.refreshPlannerStatistics(ledger: ref)
        if let series, try await terms(of: series, ledgerID: ref.id) == nil { throw DispositionError.unknownSeries(series) }
        let rows = try await store.client.query(
            RetentionEligibility.query(
                """
                SELECT series, stream, period FROM {eligibility}
                WHERE blocked IS NULL AND NOT coalesce(decision IN ('listed', 'confirmed')
                  OR (decision = 'excluded' AND excluded_after_filing) OR (decision = 'deferred' AND until_us > $3), false)
                ORDER BY series, stream, period
                """, ledgerID: ref.id, series: series, now: now), logger: store.logger)
        var made: [String] = []
        var pendingSeries = ""
        var pending: [RetentionRecordID] = []
        for try await (citation, stream, period) in rows.decode((String, String, String).self) {
            if !pending.isEmpty, pendingSeries != citation || pending.count >= max(1, maxRecords) {
                if let list = try await list(pending, series: pendingSeries, ledger: ref, actor: actor, now: now) { made.append(list) }
                pending.removeAll(keepingCapacity: true)
                // Projected one list at a time: a catch-up of many lists at once holds them all in memory.
                try await catchUp()
            }
            pendingSeries = citation
            pending.append(RetentionRecordID(stream: stream, period: period))
        }
        if !pending.isEmpty, let list = try await list(pending, series: pendingSeries, ledger: ref, actor: actor, now: now) { made.append(list) }
        try await catchUp()
        return made
    }

    /// Lists `candidates` of `citation` but those an active hold covers now (destruction checks
    /// the holds again); nil when none is left.
    private func list(
        _ candidates: [RetentionRecordID], series citation: String, ledger ref: LedgerRef, actor: String, now: Date
    ) async throws -> String? {
        let held = try await store.client.withConnection { connection in
            try await LegalHolds.heldRecords(candidates, ledger: ref, on: connection, logger: store.logger)
        }
        let records = candidates.filter { held[$0] == nil }
        guard !records.isEmpty, let terms = try await terms(of: citation, ledgerID: ref.id) else { return nil }
        let action = Self.action(for: terms)
        let review = action == .destroy && terms.finalAction == .review
        let list = Self.listID(records: records, now: now)
        let event = try DispositionEvents.listed(
            list: list, series: citation, action: action, review: review, records: records, actor: actor, occurredAt: LedgerTimestamp(now))
        _ = try await store.append(event, to: ledger)
        return list
    }

    /// What a series' records become: archival series (permanent or appraisal required) and
    /// series whose final action is transfer go to the archives, never to destruction.
    public static func action(for series: RetentionSeries) -> DispositionEvents.Action {
        series.designation.archival != .nonArchival || series.finalAction == .transfer ? .transfer : .destroy
    }

    /// `DL-<YYYYMMDD of now, UTC>-<the first 8 hex digits of the records' digest>`.
    static func listID(records: [RetentionRecordID], now: Date) -> String {
        let day = String(LedgerTimestamp(now).date.ISO8601Format().prefix(10)).replacingOccurrences(of: "-", with: "")
        return "DL-\(day)-\(DispositionEvents.digest(records).prefix(8))"
    }

    // MARK: Reviewing and approving

    /// Records a decision on records of a list: exclude (kept, with a reason), defer (until a
    /// later date, with a reason) or confirm (lists whose records each need a decision).
    /// - Throws: ``DispositionError`` when the role is not records_officer, the reason is empty,
    ///   the list is unknown or transferred, a deferral is not to a later date, or a record is not
    ///   open to the decision on the list; nothing is written.
    @discardableResult
    public func review(
        list: String, decision: DispositionEvents.Decision, records: [RetentionRecordID], reason: String, until: Date? = nil, actor: String,
        role: String = recordsOfficer, now: Date = Date()
    ) async throws -> DispositionList {
        guard role == Self.recordsOfficer else { throw DispositionError.roleNotAllowed(role) }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw DispositionError.missingReason }
        try await catchUp()
        let current = try await show(list: list)
        if let position = current.transferredPosition { throw DispositionError.alreadyTransferred(list, position: position) }
        if decision == .confirm, !current.review { throw DispositionError.confirmNotNeeded(list) }
        if decision == .defer {
            guard let until, until > now else { throw DispositionError.deferralNotLater(until.map { $0.ISO8601Format() } ?? "(none)") }
        }
        let open = Set(current.items.filter { ($0.state == .listed || $0.state == .confirmed) && !$0.destroyed }.map(\.record))
        let closed = records.filter { !open.contains($0) }
        guard closed.isEmpty, !records.isEmpty else { throw DispositionError.notOnList(list: list, records: closed.map(\.description)) }
        let event = try DispositionEvents.reviewed(
            list: list, decision: decision, records: records, reason: reason, until: decision == .defer ? until : nil, actor: actor,
            occurredAt: LedgerTimestamp(now))
        _ = try await store.append(event, to: ledger)
        try await catchUp()
        return try await show(list: list)
    }

    /// Records one approval of a list by `actor`. A series with two-person approval needs two
    /// approvals by different people.
    /// - Throws: ``DispositionError`` when the role is not records_officer, the list is unknown,
    ///   transferred or fully approved, `actor` approved it already, records of a review list
    ///   have no decision, or nothing is left on it; nothing is written.
    @discardableResult
    public func approve(list: String, actor: String, role: String = recordsOfficer, now: Date = Date()) async throws -> DispositionList {
        guard role == Self.recordsOfficer else { throw DispositionError.roleNotAllowed(role) }
        try await catchUp()
        let current = try await show(list: list)
        if let position = current.transferredPosition { throw DispositionError.alreadyTransferred(list, position: position) }
        if current.approvals.contains(where: { $0.actor == actor }) { throw DispositionError.sameApprover(list: list, actor: actor) }
        if current.approved { throw DispositionError.alreadyApproved(list: list, approvals: current.approvals.count) }
        if !current.undecided.isEmpty { throw DispositionError.undecided(list: list, records: current.undecided.count) }
        if current.remaining.isEmpty { throw DispositionError.nothingLeft(list) }
        let event = try DispositionEvents.approved(
            list: list, approval: current.approvals.count + 1, required: current.required, actor: actor, occurredAt: LedgerTimestamp(now))
        let receipt = try await store.append(event, to: ledger)
        // The same person approving twice at the same moment: the dedupe key keeps one.
        if receipt.alreadyRecorded { throw DispositionError.sameApprover(list: list, actor: actor) }
        try await catchUp()
        // The items are as read above (an approval changes none of them): not read again.
        var approved = current
        approved.approvals.append(DispositionApproval(position: receipt.position, actor: actor, at: LedgerTimestamp(now).date))
        return approved
    }

    // MARK: Transfer

    /// Records that the records of an approved transfer list were transferred to `archives`
    /// (`records.transferred`, naming their data keys, and the manifest SHA-256 of the transfer
    /// package handed over when `packageSHA256` is given: `Transfers.TransferPackages` produces
    /// and checks packages).
    /// - Throws: ``DispositionError`` when the list is unknown, not a transfer list, not
    ///   approved, already transferred or has nothing left; nothing is written.
    @discardableResult
    public func transfer(
        list: String, archives: String, reference: String, packageSHA256: String? = nil, actor: String, role: String = recordsOfficer,
        now: Date = Date()
    ) async throws -> DispositionList {
        guard role == Self.recordsOfficer else { throw DispositionError.roleNotAllowed(role) }
        guard !archives.trimmingCharacters(in: .whitespaces).isEmpty else { throw DispositionError.missingTransferDetail("archives") }
        guard !reference.trimmingCharacters(in: .whitespaces).isEmpty else { throw DispositionError.missingTransferDetail("reference") }
        try await catchUp()
        let current = try await show(list: list)
        guard current.action == .transfer else { throw DispositionError.notTransferList(list) }
        if let position = current.transferredPosition { throw DispositionError.alreadyTransferred(list, position: position) }
        guard current.approved else {
            throw DispositionError.notApproved(list: list, approvals: current.approvals.count, required: current.required)
        }
        let records = current.remaining
        guard !records.isEmpty else { throw DispositionError.nothingLeft(list) }
        let ref = try await store.ledger(named: ledger)
        let keys = try await store.client.query(
            """
            SELECT k.id FROM data_keys k
            JOIN unnest(\(records.map(\.stream))::text[], \(records.map(\.period))::text[]) AS u(s, p) ON k.stream = u.s AND k.period = u.p
            WHERE k.ledger_id = \(ref.id) ORDER BY k.id
            """, logger: store.logger)
        var ids: [Int64] = []
        for try await id in keys.decode(Int64.self) { ids.append(id) }
        let event = try DispositionEvents.transferred(
            list: list, records: records, dataKeyIDs: ids, archives: archives, reference: reference, packageSHA256: packageSHA256, actor: actor,
            occurredAt: LedgerTimestamp(now))
        _ = try await store.append(event, to: ledger)
        try await catchUp()
        return try await show(list: list)
    }

    // MARK: Authority for destruction

    /// The authority to destroy the records of an approved destruction list, and which records
    /// are still to destroy. Catches the projections up first.
    /// - Throws: ``DispositionError/unknownList(_:)``, ``DispositionError/transferList(_:)``,
    ///   ``DispositionError/notApproved(list:approvals:required:)`` (with the approvals missing),
    ///   ``DispositionError/alreadyDestroyed(_:)``.
    public func authorisation(list: String) async throws -> DestructionAuthorisation {
        try await catchUp()
        let current = try await show(list: list)
        guard current.action == .destroy else { throw DispositionError.transferList(list) }
        guard current.approved else {
            throw DispositionError.notApproved(list: list, approvals: current.approvals.count, required: current.required)
        }
        let records = current.remaining
        guard !records.isEmpty else { throw DispositionError.alreadyDestroyed(list) }
        let ref = try await store.ledger(named: ledger)
        guard let terms = try await terms(of: current.series, ledgerID: ref.id) else { throw DispositionError.unknownSeries(current.series) }
        return DestructionAuthorisation(
            list: list, series: current.series, dan: terms.dan, revision: terms.revision, approvals: current.approvals,
            listedPosition: current.listedPosition, records: records)
    }

    // MARK: Reading

    /// The series of `citation` as recorded in any catalog version (a superseded revision keeps its terms).
    func terms(of citation: String, ledgerID: Int32) async throws -> RetentionSeries? {
        let rows = try await store.client.query(
            "SELECT series::text FROM retention_series WHERE ledger_id = \(ledgerID) AND citation = \(citation)", logger: store.logger)
        for try await text in rows.decode(String.self) {
            return try RetentionSeries(json: try JSONValue.parse(Array(text.utf8)), field: citation)
        }
        return nil
    }
}
