import ArgumentParser
import Disposition
import Foundation
import Ledger
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import RecordkeeperRuntime
import Retention

/// `recordkeeper-bench retention`: the records officer's year at scale. N records (one message
/// each, in N conversations: a record is one month of one conversation) are appended, filed by the
/// filer worker, their eligibility computed, half of them (the old ones) listed, approved and
/// destroyed through the database door, and the ledger verified after. The destruction is compared
/// with deleting the same number of rows from a plain table in the same run.
struct BenchRetention: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "File N records, compute eligibility, destroy the eligible half, verify; compare destruction with plain deletes.",
        discussion:
            "Writes a new ledger per run (named --ledger plus a run suffix): destroyed records cannot be appended again. Peak memory is the process's peak resident set over the whole run."
    )
    static let defaultLedger = "bench-retention"
    static let defaultConcurrency = 8

    @OptionGroup var options: BenchOptions

    @Option(help: "Records (one message each); half are old enough to destroy.")
    var records = 1_000_000

    @Option(help: "Destruction batches in progress at once (RetentionDestroyer's concurrency).")
    var destroyConcurrency = RetentionDestroyer.defaultConcurrency

    @Option(help: "Records per destruction batch (one record.destroyed each; at most 700).")
    var destroyBatch = RetentionDestroyer.defaultBatchSize

    var sizes: KeyValuePairs<String, Int> {
        ["--records": records, "--destroy-concurrency": destroyConcurrency, "--destroy-batch": destroyBatch]
    }

    /// A catalog of one confirmed series, destroyed two years after the communication.
    static let catalog = """
        name: bench
        version: "1"
        default_series: GS2010-001
        series:
          - dan: GS2010-001
            title: Communications – Non-Executive
            description: Everyday communications of agency staff.
            retention: P2Y
            trigger: communication
            final_action: destroy
            designation: {archival: non_archival, essential: false, office: OPR}
        """
    /// The old records' month and the recent ones' (not eligible at ``now``).
    static let oldMonth = "2024-01-15T10:00:00Z"
    static let recentMonth = "2026-10-15T10:00:00Z"
    static let now = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let run = String(UUID().uuidString.prefix(6).lowercased())
        let ledger = "\(context.ledger)-\(run)"
        let (total, appenders, showProgress, logger) = (records, context.concurrency, context.showProgress, context.logger)
        let (destroyConcurrency, destroyBatch) = (destroyConcurrency, destroyBatch)
        let clock = ContinuousClock()
        let figures = try await withLedgerStore(context.runtime, maximumConnections: appenders + 4, logger: logger) { store in
            var quiet = logger
            quiet.logLevel = .warning
            var peaks: [String: Double] = [:]
            /// Ends a phase: its peak resident memory, then a fresh peak for the next.
            func endPhase(_ name: String) {
                peaks[name] = (ResidentMemory.peakMegabytes() * 10).rounded() / 10
                ResidentMemory.resetPeak()
            }
            ResidentMemory.resetPeak()
            var started = clock.now
            try await Self.fill(store: store, ledger: ledger, records: total, appenders: appenders, showProgress: showProgress)
            let fillSeconds = (clock.now - started).seconds
            endPhase("append")

            _ = try await RetentionCatalogs(store: store, ledger: ledger).load(try RetentionCatalog(yaml: Self.catalog, file: "bench"), actor: "bench")
            if showProgress { Output.progress("filing \(total) records…") }
            started = clock.now
            let records = RetentionRecordsProjection()
            _ = try await ProjectionRunner(store: store, projections: [records], logger: quiet).catchUp(records, ledger: ledger)
            let filings = try await RetentionFiler(ledger: ledger, store: store, batchSize: 5000, logger: quiet).runUntilIdle()
            _ = try await ProjectionRunner(store: store, projections: [records], logger: quiet).catchUp(records, ledger: ledger)
            let fileSeconds = (clock.now - started).seconds
            endPhase("file")

            if showProgress { Output.progress("computing eligibility…") }
            let lists = DispositionLists(store: store, ledger: ledger)
            try await lists.catchUp()
            started = clock.now
            let report = try await RetentionStatus(store: store, ledger: ledger).report(by: .series, now: Self.now)
            let eligibilitySeconds = (clock.now - started).seconds
            let eligibleNow = Int(report.reduce(Int64(0)) { $0 + $1.eligibleNow })

            // Lists of at most DispositionLists.maxRecordsPerList records each, approved and destroyed one after another.
            let made = try await lists.make(actor: "cli:bench", now: Self.now)
            guard !made.isEmpty else { throw CLIError("no record was eligible: the fill did not make old records") }
            if showProgress { Output.progress("destroying \(eligibleNow) records in \(made.count) lists…") }
            started = clock.now
            var destroyedRecords = 0
            var payloadsRemoved: Int64 = 0
            for list in made {
                _ = try await lists.approve(list: list, actor: "cli:bench-officer", now: Self.now)
                let outcome = try await RetentionDestroyer(store: store, ledger: ledger, batchSize: destroyBatch, concurrency: destroyConcurrency).destroy(
                    list: list, actor: "cli:bench-officer", now: Self.now,
                    progress: { [destroyedRecords] p in
                        if showProgress && p.recordsConsidered % 10_000 < 500 {
                            Output.progress("destroying: \(destroyedRecords + p.recordsDestroyed) of \(eligibleNow)")
                        }
                    })
                destroyedRecords += outcome.recordsDestroyed
                payloadsRemoved += outcome.payloadsRemoved
            }
            let destroySeconds = (clock.now - started).seconds
            endPhase("eligibility and destruction")

            if showProgress { Output.progress("baseline: deleting as many rows from a plain table…") }
            let baselineSeconds = try await Self.baseline(context.runtime, rows: destroyedRecords, logger: quiet)
            endPhase("baseline")

            if showProgress { Output.progress("verifying…") }
            started = clock.now
            let verified = try await store.verify(ledger: ledger, trust: CheckpointTrust(includeStored: false))
            let verifySeconds = (clock.now - started).seconds
            endPhase("verify")
            if showProgress { Output.endProgress() }
            guard verified.ok else { throw CLIError("the ledger does not verify after destruction: \(verified.firstProblem?.reason ?? "?")") }
            return (
                fillSeconds, filings, fileSeconds, eligibilitySeconds, eligibleNow, destroyedRecords, payloadsRemoved,
                destroySeconds, baselineSeconds, verified.entries, verified.payloadsDestroyed, verifySeconds, peaks
            )
        }
        let (fill, filings, file, eligibility, eligible, destroyed, payloads, destroy, baseline, entries, verifiedDestroyed, verify, peaks) = figures
        let peak = peaks.values.max() ?? 0
        let rate = { (count: Int, seconds: Double) in seconds > 0 ? (Double(count) / seconds).rounded() : 0 }
        return BenchFigures(
            json: [
                "records": total, "ledger": ledger, "build": RecordkeeperBench.buildKind, "destroy_concurrency": destroyConcurrency,
                "destroy_batch": destroyBatch,
                "appended_per_second": rate(total, fill), "filed_per_second": rate(total, file), "filings": filings,
                "eligibility_records_per_second": rate(total, eligibility), "eligible": eligible,
                "destroyed": destroyed, "payloads_removed": payloads, "destroyed_per_second": rate(destroyed, destroy),
                "baseline_deletes_per_second": rate(destroyed, baseline), "verify_entries_per_second": rate(Int(entries), verify),
                "verified_payloads_destroyed": verifiedDestroyed, "peak_rss_mb": peak, "peak_rss_mb_by_phase": peaks,
            ],
            lines: [
                "recordkeeper-bench retention: \(total) records (one message each), \(RecordkeeperBench.buildKind) build, ledger \(ledger)",
                String(format: "  appended:                          %9.0f records/s", rate(total, fill)),
                String(format: "  filed (filer worker, projected):   %9.0f records/s (%d record.scheduled)", rate(total, file), filings),
                String(format: "  eligibility (status by series):    %9.0f records/s (%d eligible)", rate(total, eligibility), eligible),
                String(
                    format: "  destroyed (holds checked, door):   %9.0f records/s (%d records, %lld payloads)", rate(destroyed, destroy), destroyed, payloads),
                String(format: "  plain DELETE of as many rows:      %9.0f rows/s (baseline)", rate(destroyed, baseline)),
                String(
                    format: "  verify after:                      %9.0f entries/s, %lld payloads lawfully destroyed", rate(Int(entries), verify),
                    verifiedDestroyed),
                String(format: "  peak resident memory of the process: %.1f MB", peak),
                "    by phase: " + peaks.sorted { $0.key < $1.key }.map { String(format: "%@ %.1f MB", $0.key, $0.value) }.joined(separator: ", "),
            ])
    }

    /// Appends `records` messages, each in its own conversation: the first half in an old month
    /// (eligible at ``now``), the second half in a recent one.
    static func fill(store: LedgerStore, ledger: String, records: Int, appenders: Int, showProgress: Bool) async throws {
        let old = LedgerTimestamp(ISO8601DateFormatter().date(from: oldMonth)!)
        let recent = LedgerTimestamp(ISO8601DateFormatter().date(from: recentMonth)!)
        let next = NIOLockedValueBox(0)
        let batchSize = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<appenders {
                group.addTask {
                    while true {
                        try Task.checkCancellation()
                        let start = next.withLockedValue { value -> Int in
                            defer { value += batchSize }
                            return value
                        }
                        guard start < records else { return }
                        let batch = (start..<min(records, start + batchSize)).map { index in
                            message(index: index, at: index < records / 2 ? old : recent)
                        }
                        _ = try await store.append(batch, to: ledger)
                        if showProgress && start % 20_000 == 0 { Output.progress("appending: \(start) of \(records) records") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A citizen's text message, as ingest records it.
    static func message(index: Int, at time: LedgerTimestamp) -> NewEvent {
        let citizen = String(format: "1555%07d", index)
        let id = "wamid.bench-\(index)"
        let header = #"{"citizen":{"wa_id":"\#(citizen)"},"direction":"inbound","message_id":"\#(id)","message_type":"text","phone_number_id":"9000","v":1}"#
        let payload =
            #"{"message":{"from":"\#(citizen)","id":"\#(id)","text":{"body":"benchmark message \#(index): when is the permit office open?"},"type":"text"},"v":1}"#
        return NewEvent(
            stream: "wa/9000/p:\(citizen)", eventType: "whatsapp.message.received", occurredAt: time, actor: "whatsapp:bench", dedupeKey: "wa:msg:\(id)",
            header: header, payload: Array(payload.utf8))
    }

    /// Seconds to delete `rows` rows of about a message's size from a plain table, by primary
    /// key in batches of 500 (a destruction batch), in a schema made and dropped for the run.
    static func baseline(_ runtime: Runtime, rows: Int, logger: Logger) async throws -> Double {
        guard rows > 0 else { return 0 }
        return try await BaselineTable.with(runtime, maximumConnections: 2, logger: logger) { baseline in
            let table = "\(baseline.schema).payload_copies"
            _ = try await baseline.client.query(
                PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (id bigint PRIMARY KEY, sealed bytea NOT NULL)"), logger: logger
            ).collect()
            _ = try await baseline.client.query(
                PostgresQuery(
                    unsafeSQL:
                        "INSERT INTO \(table) SELECT i, convert_to(repeat('x', 160), 'UTF8') FROM generate_series(1, \(rows)) AS i"),
                logger: logger
            ).collect()
            let clock = ContinuousClock()
            let started = clock.now
            for start in stride(from: 1, through: rows, by: 500) {
                let ids = Array(Int64(start)...Int64(min(rows, start + 499)))
                _ = try await baseline.client.query("DELETE FROM \(unescaped: table) WHERE id = ANY(\(ids))", logger: logger).collect()
            }
            return (clock.now - started).seconds
        }
    }
}
