import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import RecordkeeperRuntime

/// `recordkeeper-bench append`: chained, encrypted group-commit appends against plain
/// multi-row INSERTs of the same rows into an unchained, unencrypted table (``BaselineTable``,
/// created for the run and dropped after it).
struct BenchAppend: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append N events from C concurrent appenders; compare with plain multi-row INSERTs of the same rows."
    )
    static let defaultLedger = "bench"
    static let defaultConcurrency = 8

    @OptionGroup var options: BenchOptions

    @Option(help: "Events to append (and to insert in the baseline).")
    var events = 20_000

    @Option(help: "Events per append call, and rows per baseline INSERT.")
    var batch = 10

    @Option(help: "Conversation streams the events are spread over.")
    var streams = 64

    var sizes: KeyValuePairs<String, Int> { ["--events": events, "--batch": batch, "--streams": streams] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let (logger, ledger, concurrency, showProgress) = (context.logger, context.ledger, context.concurrency, context.showProgress)
        let (events, streams) = (events, streams)
        let batches = Self.makeBatches(events: events, batch: batch, streams: streams)
        let payloadBytes = batches.first?.first?.payload.count ?? 0
        // Ctrl-C (or SIGTERM) from before the baseline table exists: it is dropped however the run ends.
        let signals = SignalCancellation.install()
        defer { signals.remove() }
        let (plain, chained, perCommit, head) = try await BaselineTable.with(context.runtime, maximumConnections: concurrency + 2, logger: logger) { baseline in
            try await signals.run {
                try await withLedgerStore(context.runtime, maximumConnections: concurrency + 4, logger: logger) { store in
                    // Warm up: create the ledger and every stream's data key, and the baseline's plans.
                    let warmUp = (0..<streams).map { Self.event(index: -1 - $0, stream: $0) }
                    _ = try await store.append(warmUp, to: ledger)
                    try await Self.insertPlain(warmUp, into: baseline)
                    try await baseline.truncate()

                    if showProgress { Output.progress("baseline: plain multi-row INSERTs…") }
                    let plain = try await Self.measure(batches: batches, concurrency: concurrency) { batch in
                        try await Self.insertPlain(batch, into: baseline)
                    }
                    try await baseline.truncate()
                    let before = store.appendStatistics()
                    if showProgress { Output.progress("chained: group-commit appends…") }
                    let chained = try await Self.measure(batches: batches, concurrency: concurrency) { batch in
                        _ = try await store.append(batch, to: ledger)
                    }
                    if showProgress { Output.endProgress() }
                    let after = store.appendStatistics()
                    let head = try await store.head(of: try await store.ledger(named: ledger)).position
                    let transactions = after.transactions - before.transactions
                    return (plain, chained, Double(after.events - before.events) / Double(max(1, transactions)), head)
                }
            }
        }
        let chainedRate = Double(events) / chained.seconds
        let plainRate = Double(events) / plain.seconds
        let build = RecordkeeperBench.buildKind
        return BenchFigures(
            json: [
                "events": events, "concurrency": concurrency, "batch": batch, "streams": streams, "payload_bytes": payloadBytes,
                "build": build, "ledger": ledger, "ledger_head": head,
                "chained_events_per_second": chainedRate.rounded(), "plain_events_per_second": plainRate.rounded(),
                "ratio": (chainedRate / plainRate * 1000).rounded() / 1000,
                "chained_p50_ms": chained.percentile(0.50), "chained_p99_ms": chained.percentile(0.99),
                "plain_p50_ms": plain.percentile(0.50), "plain_p99_ms": plain.percentile(0.99),
                "events_per_commit": (perCommit * 10).rounded() / 10,
            ],
            lines: [
                "recordkeeper-bench append: \(events) events of \(payloadBytes) B, \(concurrency) appenders, \(batch) per call, \(build) build",
                String(
                    format: "  chained (hash chain, AES-GCM, group commit): %9.0f events/s  p50 %.2f ms  p99 %.2f ms  (%.1f events per commit)",
                    chainedRate, chained.percentile(0.50), chained.percentile(0.99), perCommit),
                String(
                    format: "  plain multi-row INSERT baseline:            %9.0f events/s  p50 %.2f ms  p99 %.2f ms",
                    plainRate, plain.percentile(0.50), plain.percentile(0.99)),
                String(format: "  ratio chained/plain: %.3f", chainedRate / plainRate),
            ])
    }

    /// Runs `work` over every batch from `concurrency` tasks; latency is per call.
    static func measure(
        batches: [[NewEvent]], concurrency: Int, work: @escaping @Sendable ([NewEvent]) async throws -> Void
    ) async throws -> Measurement {
        let next = NIOLockedValueBox(0)
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    while true {
                        try Task.checkCancellation()
                        let index = next.withLockedValue { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < batches.count else { break }
                        let began = clock.now
                        try await work(batches[index])
                        mine.append((clock.now - began).milliseconds)
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return Measurement(seconds: (clock.now - start).seconds, latenciesMs: latencies)
    }

    /// One multi-row INSERT of `events` into the baseline table (`INSERT … SELECT FROM unnest(…)`
    /// with array binds, as the append path does).
    static func insertPlain(_ events: [NewEvent], into baseline: BaselineTable) async throws {
        let recorded = LedgerTimestamp.now().microseconds
        try await baseline.client.perform(
            """
            INSERT INTO \(unescaped: baseline.table) (event_id, stream, event_type, occurred_at_us, recorded_at_us, actor, header, payload)
            SELECT u.event_id, u.stream, u.event_type, u.occurred, \(recorded), u.actor, u.header, u.payload
            FROM unnest(\(events.map(\.eventID))::uuid[], \(events.map(\.stream))::text[], \(events.map(\.eventType))::text[],
                        \(events.map(\.occurredAt.microseconds))::int8[], \(events.map(\.actor))::text[], \(events.map(\.header))::text[],
                        \(events.map { ByteBuffer(bytes: $0.payload) })::bytea[])
                 AS u(event_id, stream, event_type, occurred, actor, header, payload)
            """,
            logger: baseline.logger
        )
    }

    static func makeBatches(events: Int, batch: Int, streams: Int) -> [[NewEvent]] {
        stride(from: 0, to: events, by: batch).map { start in
            (start..<min(events, start + batch)).map { event(index: $0, stream: $0 % streams) }
        }
    }

    /// A ~500-byte JSON payload shaped like a WhatsApp inbound text message.
    static func event(index: Int, stream: Int) -> NewEvent {
        let wamid = "wamid.HBgLMTIwNjU1NTAxMDAVAgASGBQz\(String(format: "%010d", abs(index)))AA=="
        let citizen = 12_065_550_100 + stream
        let payload = """
            {"messaging_product":"whatsapp","metadata":{"display_phone_number":"13605550100","phone_number_id":"106540352242922"},\
            "contacts":[{"profile":{"name":"Citizen \(stream)"},"wa_id":"\(citizen)"}],"messages":[{"from":"\(citizen)","id":"\(wamid)",\
            "timestamp":"1764072000","type":"text","text":{"body":"Hello, I would like to ask about the status of my permit application \
            number \(100_000 + abs(index)). Could you tell me when the inspection is scheduled? Thank you."}}]}
            """
        return NewEvent(
            stream: "conversation/106540352242922/\(citizen)",
            eventType: "whatsapp.message.received",
            actor: "whatsapp",
            header: #"{"direction":"inbound","message_id":"\#(wamid)"}"#,
            payload: Array(payload.utf8)
        )
    }
}
