import Events
import Foundation
public import Ledger
public import LedgerStore
public import Logging
import PostgresNIO
import RecordkeeperCore
import Synchronization

/// The filer: a `Worker` that files every record into a series by the filing rules in force
/// (docs/records-officer.md, "Filing records into series"), appending `record.scheduled`
/// (actor `system:filer`).
///
/// Each round looks at the next window of ledger positions the `retention_records` projection
/// has applied (it catches that projection up itself first):
/// - every message in it (`whatsapp.message.received`, `message.send.requested` but a
///   mark-as-read), and every message a `record.classified` in it names, is matched against the
///   rules in order: the first matching rule gives the message's series, none the catalog's
///   default; a message not yet classified counts as category 4 (fail closed) until its
///   classification re-decides it. Each message's series is kept (`retention_filer_messages`);
/// - a record is filed into the highest-ranking series (``SeriesRank``) of its messages, so a
///   later message never shortens it;
/// - a record with no message yet is filed by the rules naming only business numbers and teams,
///   else by default, until its first message decides;
/// - a record filed by hand, destroyed or transferred is left alone.
///
/// A round holds the filer's state row (`retention_filer_state`) locked, so of two processes one
/// works and the other skips the round; the dedupe key `retention:filed:<record>:<series>:after:<position
/// of the filing it replaces>` makes a retry append nothing twice. No catalog loaded: nothing is
/// filed (logged once). Wake it (``wake()``) when the `retention_records` projection moved.
public final class RetentionFiler: Worker {
    /// The actor of the filer's `record.scheduled` entries.
    public static let actor = "system:filer"

    let store: LedgerStore
    /// The settings; `batchSize`: how many ledger positions one round looks at.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "retention filing round failed"
    private let warnedNoCatalog = Mutex(false)

    public init(ledger: String, store: LedgerStore, batchSize: Int = 2000, pollInterval: Duration = .seconds(10), logger: Logger) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.store = store
    }

    /// One round as the loop runs it: while windows are left, the next starts at once.
    public func round() async throws -> Duration {
        try await fileWindow(now: .now()).more ? .zero : pollInterval
    }

    /// One round: files the records of the next window of positions.
    /// - Returns: how many `record.scheduled` events were appended (or found already recorded).
    @discardableResult
    public func runRound(now: LedgerTimestamp = .now()) async throws -> Int {
        try await fileWindow(now: now).events
    }

    /// Runs rounds until every applied position has been looked at.
    /// - Returns: the events appended in all.
    @discardableResult
    public func runUntilIdle(now: LedgerTimestamp = .now()) async throws -> Int {
        var total = 0
        while true {
            // A ledger growing fast outruns autovacuum's statistics; stale ones plan lookups badly.
            if let ref = try await store.existingLedger(named: ledger) { try await store.refreshPlannerStatistics(ledger: ref) }
            let result = try await fileWindow(now: now)
            total += result.events
            if !result.more { return total }
        }
    }

    private func fileWindow(now: LedgerTimestamp) async throws -> (events: Int, more: Bool) {
        guard let ref = try await store.existingLedger(named: ledger) else { return (0, false) }
        let catalogs = RetentionCatalogs(store: store, ledger: ledger)
        try await catalogs.catchUp()
        guard let catalog = try await catalogs.current()?.catalog else {
            if warnedNoCatalog.withLock({ warned in
                defer { warned = true }
                return !warned
            }) {
                logger.notice("retention filing waits: no schedule catalog is loaded (recordkeeper retention load FILE)")
            }
            return (0, false)
        }
        warnedNoCatalog.withLock { $0 = false }
        let rulesStore = RetentionFilingRules(store: store, ledger: ledger)
        try await rulesStore.catchUp()
        let rules = try await rulesStore.current()?.rules ?? FilingRules(rules: [])
        let records = RetentionRecordsProjection()
        let progress = try await ProjectionRunner(store: store, projections: [records], logger: logger).catchUp(records, ledger: ledger)
        try await store.client.query(
            "INSERT INTO retention_filer_state (ledger_id) VALUES (\(ref.id)) ON CONFLICT DO NOTHING", logger: logger)
        let context = FilingContext(catalog: catalog, rules: rules, series: try await knownSeries(ref), logger: logger)
        return try await store.withTransaction { connection in
            var scanned: Int64?
            for try await position in try await connection.query(
                "SELECT scanned_position FROM retention_filer_state WHERE ledger_id = \(ref.id) FOR UPDATE SKIP LOCKED", logger: logger
            ).decode(Int64.self) { scanned = position }
            // Another process is filing: it takes this window.
            guard let after = scanned, progress.lastPosition > after else { return (0, false) }
            let end = min(progress.lastPosition, after + Int64(batchSize))
            let pass = FilingPass(store: store, ledger: ref, connection: connection, context: context, logger: logger)
            let decisions = try await pass.decide(after: after, through: end)
            let appended = try await pass.record(decisions, ledgerName: ledger, now: now)
            try await connection.query(
                "UPDATE retention_filer_state SET scanned_position = \(end) WHERE ledger_id = \(ref.id)", logger: logger)
            return (appended, end < progress.lastPosition)
        }
    }

    /// Every series any catalog version held, by citation (a record may be filed in a superseded one).
    private func knownSeries(_ ref: LedgerRef) async throws -> [String: RetentionSeries] {
        var known: [String: RetentionSeries] = [:]
        let rows = try await store.client.query(
            "SELECT citation, series::text FROM retention_series WHERE ledger_id = \(ref.id)", logger: logger)
        for try await (citation, text) in rows.decode((String, String).self) {
            if let json = try? JSONValue.parse(Array(text.utf8)), let series = try? RetentionSeries(json: json, field: citation) {
                known[citation] = series
            }
        }
        return known
    }
}
