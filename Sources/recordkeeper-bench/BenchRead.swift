import Access
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperRuntime
import Server
import WhatsApp
import Workers

/// `recordkeeper bench read`: staff reading conversations over real HTTP on loopback. Each read
/// of a timeline decrypts the messages from the ledger and commits an `access.viewed` event
/// before it answers (the read audit, through group commit); it is compared with reading the same
/// conversations' metadata (no content, no audit) in the same run.
struct BenchRead: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read N conversation timelines (content, each access recorded) from C clients; compare with metadata reads measured in the same run.")
    static let defaultLedger = "bench-read"
    static let defaultConcurrency = 16

    @OptionGroup var options: BenchOptions

    @Option(help: "Reads of each kind.")
    var requests = 3_000

    @Option(help: "Conversations read, opened by signed webhook deliveries.")
    var conversations = 50

    var sizes: KeyValuePairs<String, Int> { ["--requests": requests, "--conversations": conversations] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let figures = try await withBenchHTTPClient(concurrency: context.concurrency) { http in
            try await measure(context, http: http)
        }
        let f = { (number: Double) in String(format: number >= 100 ? "%.0f" : "%.2f", number) }
        return BenchFigures(
            json: figures.json,
            lines: [
                "recordkeeper-bench read: \(requests) reads of each kind, \(conversations) conversations, \(context.concurrency) clients",
                "  timeline (content + access.viewed): \(f(figures.timeline.rate)) reads/s, p50 \(f(figures.timeline.p50)) ms, p99 \(f(figures.timeline.p99)) ms",
                "  metadata (baseline, no audit):      \(f(figures.metadata.rate)) reads/s, p50 \(f(figures.metadata.p50)) ms, p99 \(f(figures.metadata.p99)) ms",
                "  ratio timeline/metadata: \(f(figures.timeline.rate / figures.metadata.rate))   access.viewed recorded: \(figures.accessEvents)",
                figures.memory.line(of: "the service"),
            ])
    }

    private func measure(_ context: BenchContext, http: HTTPClient) async throws -> BenchReadFigures {
        let (requests, concurrency, count, showProgress, ledger) = (requests, context.concurrency, conversations, context.showProgress, context.ledger)
        return try await BenchService.with(context) { service in
            let (base, directory, store, run, secret) = (service.base, service.directory, service.store, service.run, service.secret)
            _ = try await directory.addUser(name: "bench-\(run)", roles: [.supervisor], actor: "cli:bench")
            let token = try await directory.issueToken(user: "bench-\(run)", expiresIn: .seconds(3600), actor: "cli:bench").token
            let ids = try await BenchConversations(http: http, base: base, token: token, secret: secret, count: count, showProgress: showProgress)
                .open(run: run)
            let read = { (suffix: String, total: Int) async throws -> Measurement in
                try await BenchIngest.post(http: http, count: total, concurrency: concurrency, expect: .ok) { index in
                    var request = HTTPClientRequest(url: "\(base)/v1/conversations/\(ids[index % ids.count])\(suffix)")
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    return request
                }
            }
            if showProgress { Output.progress("warm-up…") }
            _ = try await read("", min(200, requests))
            _ = try await read("/messages", min(200, requests))
            let before = try await Self.accessEvents(store: store, ledger: ledger)
            if showProgress { Output.progress("metadata: \(requests) reads…") }
            let metadata = try await read("", requests)
            if showProgress { Output.progress("timelines: \(requests) reads…") }
            let timeline = try await read("/messages", requests)
            if showProgress { Output.endProgress() }
            guard metadata.failures == 0, timeline.failures == 0 else {
                throw CLIError("reads failed (\(metadata.firstFailure ?? timeline.firstFailure ?? "?")): the figures would be meaningless")
            }
            let recorded = try await Self.accessEvents(store: store, ledger: ledger) - before
            return BenchReadFigures(
                requests: requests, conversations: count, concurrency: concurrency, ledger: ledger,
                metadata: .init(metadata, count: requests), timeline: .init(timeline, count: requests), accessEvents: recorded,
                memory: service.memory.ended())
        }
    }

    /// `access.viewed` entries of the ledger so far.
    static func accessEvents(store: LedgerStore, ledger: String) async throws -> Int {
        let ref = try await store.ledger(named: ledger, create: false)
        let rows = try await store.client.query(
            "SELECT count(*)::int8 FROM ledger_entries WHERE ledger_id = \(ref.id) AND event_type = 'access.viewed'", logger: store.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}

/// What `bench read` measured.
struct BenchReadFigures: Sendable {
    struct Kind: Sendable {
        var rate: Double
        var p50: Double
        var p99: Double

        init(_ measurement: Measurement, count: Int) {
            rate = Double(count) / measurement.seconds
            p50 = measurement.percentile(0.50)
            p99 = measurement.percentile(0.99)
        }
    }

    var requests: Int
    var conversations: Int
    var concurrency: Int
    var ledger: String
    var metadata: Kind
    var timeline: Kind
    /// `access.viewed` events the timeline reads added: one per read.
    var accessEvents: Int
    /// The process's resident memory from the service's start to the end of the reads.
    var memory: ProcessMemory

    var json: [String: any Sendable] {
        var json: [String: any Sendable] = [
            "requests": requests, "conversations": conversations, "concurrency": concurrency, "ledger": ledger,
            "metadata_per_second": metadata.rate, "metadata_p50_ms": metadata.p50, "metadata_p99_ms": metadata.p99,
            "timeline_per_second": timeline.rate, "timeline_p50_ms": timeline.p50, "timeline_p99_ms": timeline.p99,
            "ratio": timeline.rate / metadata.rate, "access_events": accessEvents,
        ]
        json.merge(memory.json(of: "the service"), uniquingKeysWith: { $1 })
        return json
    }
}
