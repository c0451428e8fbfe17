import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperRuntime
import Server
import ServiceLifecycle
import WhatsApp
import Workers

/// `recordkeeper bench ingest`: signed single-message webhook deliveries over real HTTP on
/// loopback to the real webhook route (verify, parse, one group commit, 200), against the same
/// client posting the same bodies to a bare route that only reads the body and answers 200.
struct BenchIngest: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Post N signed webhook deliveries from C concurrent clients; compare with a bare route measured in the same run."
    )
    static let defaultLedger = "bench-ingest"
    static let defaultConcurrency = 32

    @OptionGroup var options: BenchOptions

    @Option(help: "Deliveries to post (to each route).")
    var deliveries = 20_000

    @Flag(inversion: .prefixedNo, help: "Keep the projections (conversations, media) up to date during the run, as serve does.")
    var projections = true

    var sizes: KeyValuePairs<String, Int> { ["--deliveries": deliveries] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        try await withBenchHTTPClient(concurrency: context.concurrency) { http in
            try await measureBoth(context, http: http)
        }
    }

    private func measureBoth(_ context: BenchContext, http: HTTPClient) async throws -> BenchFigures {
        let (runtime, logger, showProgress, concurrency, ledger) = (context.runtime, context.logger, context.showProgress, context.concurrency, context.ledger)
        let secret = SystemRandomNumberGenerator.randomHex(24)
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let bodies = (0..<deliveries).map { Self.delivery(index: $0, run: run) }
        let signatures = bodies.map { WebhookSignatureVerifier.signatureHeader(for: $0, secret: secret) }
        let bodySize = bodies.first?.count ?? 0
        let projections = projections

        // Baseline: the bare route, on its own server in this process.
        if showProgress { Output.progress("baseline: bare route…") }
        let bareAnnouncer = Self.portAnnouncer()
        let bareApp = Self.bareApplication(logger: logger, onServerRunning: bareAnnouncer.announce)
        let bare = try await Self.withServer(bareApp, port: bareAnnouncer.port) { port in
            let url = "http://127.0.0.1:\(port)/bare"
            _ = try await Self.measure(http: http, url: url, bodies: Array(bodies.prefix(200)), signatures: signatures, concurrency: concurrency)
            return try await Self.measure(http: http, url: url, bodies: bodies, signatures: signatures, concurrency: concurrency)
        }

        // The webhook route, on the real application.
        if showProgress { Output.progress("ingest: signed deliveries to /webhooks/whatsapp…") }
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(maximumConnections: 16), backgroundLogger: logger)
        let store = LedgerStore(client: client, masterKey: runtime.masterKey, limits: Runtime.appendLimits(), logger: logger)
        var settings = WhatsAppWebhookSettings(verifyToken: nil, secrets: [.init(app: "bench", secret: secret)], ledger: ledger)
        settings.commitTimeout = .seconds(30)
        var quiet = logger
        quiet.logLevel = .warning
        let warmUp = (0..<200).map { Self.delivery(index: $0, run: "warm-" + run) }
        let warmSignatures = warmUp.map { WebhookSignatureVerifier.signatureHeader(for: $0, secret: secret) }
        let announcer = Self.portAnnouncer()
        // The classifier is off: its decisions are entries of their own, which would change what is measured.
        let background = Background(
            workers: WorkerSet.Settings(ledger: ledger, runClassifier: false, runRouter: false), running: projections, client: client, store: store,
            logger: quiet)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
            migrations: runtime.migrations, projections: WorkerSet.projections, whatsApp: settings, conversations: ConversationSettings(ledger: ledger),
            relays: background.relays,
            background: background.services, logger: quiet, onServerRunning: announcer.announce
        )
        let (ingest, head, lag, memory) = try await Self.withServer(app, port: announcer.port) { port in
            let memory = ProcessMemory.starting()
            let url = "http://127.0.0.1:\(port)/webhooks/whatsapp"
            _ = try await Self.measure(http: http, url: url, bodies: warmUp, signatures: warmSignatures, concurrency: concurrency)
            guard projections else {
                let measured = try await Self.measure(http: http, url: url, bodies: bodies, signatures: signatures, concurrency: concurrency)
                let head = try await store.head(of: try await store.ledger(named: ledger)).position
                return (measured, head, IngestProjectionLag?.none, memory.ended())
            }
            // Whether the projections keep up: their lag sampled each second while the deliveries are posted.
            return try await ProjectionLagProbe.with(runtime, ledger: ledger, logger: logger) { probe in
                let (measured, samples) = try await probe.sampling {
                    try await Self.measure(http: http, url: url, bodies: bodies, signatures: signatures, concurrency: concurrency)
                }
                let head = samples.last?.head ?? 0
                let caughtUp = try await probe.waitUntilApplied(head, since: ContinuousClock.now, timeout: .seconds(600))
                return (measured, head, IngestProjectionLag(lag: ProjectionLagSummary(samples), caughtUpSeconds: caughtUp), memory.ended())
            }
        }
        if showProgress { Output.endProgress() }
        guard ingest.failures == 0 else {
            throw CLIError(
                "\(ingest.failures) of \(deliveries) deliveries were not answered 200 (first: \(ingest.firstFailure ?? "?")): the figures would be meaningless")
        }
        let ingestRate = Double(deliveries) / ingest.seconds
        let bareRate = Double(deliveries) / bare.seconds
        let build = RecordkeeperBench.buildKind
        var json: [String: any Sendable] = [
            "deliveries": deliveries, "concurrency": concurrency, "projections": projections, "body_bytes": bodySize, "build": build, "ledger": ledger,
            "ledger_head": head,
            "ingest_per_second": ingestRate.rounded(), "bare_per_second": bareRate.rounded(),
            "ratio": (ingestRate / bareRate * 1000).rounded() / 1000,
            "p50_ms": ingest.percentile(0.50), "p99_ms": ingest.percentile(0.99),
            "bare_p50_ms": bare.percentile(0.50), "bare_p99_ms": bare.percentile(0.99),
        ]
        json.merge(memory.json(of: "the service"), uniquingKeysWith: { $1 })
        if let lag { json.merge(lag.json, uniquingKeysWith: { $1 }) }
        return BenchFigures(
            json: json,
            lines: [
                "recordkeeper-bench ingest: \(deliveries) signed deliveries of \(bodySize) B, \(concurrency) clients, projections \(projections ? "on" : "off"), \(build) build",
                String(
                    format: "  webhook (verify, parse, group commit, 200): %8.0f deliveries/s  p50 %.2f ms  p99 %.2f ms",
                    ingestRate, ingest.percentile(0.50), ingest.percentile(0.99)),
                String(
                    format: "  bare route (read body, 200):               %8.0f requests/s    p50 %.2f ms  p99 %.2f ms",
                    bareRate, bare.percentile(0.50), bare.percentile(0.99)),
                String(format: "  ratio webhook/bare: %.3f", ingestRate / bareRate),
            ] + (lag.map { [$0.line] } ?? []) + [memory.line(of: "the service")])
    }

    /// A route that reads the body and answers `status` (200 by default): the floor of any HTTP
    /// ingest here.
    static func bareApplication(
        logger: Logger, status: HTTPResponse.Status = .ok, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.post("bare") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 4 * 1024 * 1024)
            return Response(status: status)
        }
        var quiet = logger
        quiet.logLevel = .warning
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await onServerRunning($0.localAddress?.port ?? 0) }, logger: quiet)
    }

    /// A port announcer: give `announce` to the application as its `onServerRunning`, and
    /// ``withServer(_:port:_:)`` waits on `port`.
    static func portAnnouncer() -> (announce: @Sendable (Int) async -> Void, port: AsyncStream<Int>) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        return (
            { port in
                continuation.yield(port)
                continuation.finish()
            }, stream
        )
    }

    /// Runs `app` until `body` returns, handing `body` the port the server listens on.
    static func withServer<A: ApplicationProtocol, T: Sendable>(
        _ app: A, port: AsyncStream<Int>, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: app.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = port.makeAsyncIterator()
            guard let listening = await iterator.next() else { throw CLIError("the benchmark server did not start") }
            do {
                let result = try await body(listening)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// Posts every body from `concurrency` clients; latency is per request.
    static func measure(http: HTTPClient, url: String, bodies: [[UInt8]], signatures: [String], concurrency: Int) async throws -> Measurement {
        try await post(http: http, count: bodies.count, concurrency: concurrency, expect: .ok) { index in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-Hub-Signature-256", value: signatures[index])
            request.body = .bytes(ByteBuffer(bytes: bodies[index]))
            return request
        }
    }

    /// Sends requests 0..<`count` (built by `request`) from `concurrency` clients, each taking the
    /// next index; latency is per request, from sending to the last byte of the answer. An
    /// answer other than `expect` counts as a failure.
    static func post(
        http: HTTPClient, count: Int, concurrency: Int, expect: HTTPResponseStatus, request: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async throws -> Measurement {
        try await send(http: http, count: count, concurrency: concurrency, request: request) { status, answer in
            status == expect ? nil : "HTTP \(status.code): \(String(buffer: answer).prefix(300))"
        }
    }

    /// Sends requests 0..<`count` (built by `request`) from `concurrency` clients, each taking the
    /// next index; latency is per request, from sending to the last byte of the answer (at most
    /// `bodyLimit` bytes), measured before `check` reads the answer: what it returns is a failure.
    static func send(
        http: HTTPClient, count: Int, concurrency: Int, bodyLimit: Int = 1 << 20, request: @escaping @Sendable (Int) -> HTTPClientRequest,
        check: @escaping @Sendable (HTTPResponseStatus, ByteBuffer) -> String?
    ) async throws -> Measurement {
        let next = NIOLockedValueBox(0)
        let clock = ContinuousClock()
        let start = clock.now
        let parts = try await withThrowingTaskGroup(of: ([Double], Int, String?).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    var firstFailure: String?
                    while true {
                        try Task.checkCancellation()
                        let index = next.withLockedValue { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < count else { break }
                        let outgoing = request(index)
                        let began = clock.now
                        let response = try await http.execute(outgoing, timeout: .seconds(60))
                        let answer = try await response.body.collect(upTo: bodyLimit)
                        latencies.append((clock.now - began).milliseconds)
                        if let problem = check(response.status, answer) {
                            failures += 1
                            if firstFailure == nil { firstFailure = problem }
                        }
                    }
                    return (latencies, failures, firstFailure)
                }
            }
            var all: ([Double], Int, String?) = ([], 0, nil)
            for try await part in group {
                all.0 += part.0
                all.1 += part.1
                all.2 = all.2 ?? part.2
            }
            return all
        }
        return Measurement(seconds: (clock.now - start).seconds, latenciesMs: parts.0, failures: parts.1, firstFailure: parts.2)
    }

    /// A single text message delivery of about 700 bytes, as Meta sends one.
    static func delivery(index: Int, run: String) -> [UInt8] {
        let citizen = 12_065_550_100 + index % 500
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"13605550100","phone_number_id":"106540352242922"},\
            "contacts":[{"profile":{"name":"Citizen \(citizen)"},"wa_id":"\(citizen)"}],\
            "messages":[{"from":"\(citizen)","id":"wamid.bench.\(run).\(index)","timestamp":"1764590400","type":"text",\
            "text":{"body":"Hello, I would like to ask about the status of my permit application number \(100_000 + index). \
            Could you tell me when the inspection is scheduled? Thank you."}}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }
}

/// Whether the projections kept up with `bench ingest`: their lag while the deliveries were
/// posted, and how long after the last one they had all applied the head.
struct IngestProjectionLag: Sendable {
    var lag: ProjectionLagSummary
    /// Nil: not within 600 s.
    var caughtUpSeconds: Double?

    /// Kept up: the furthest-behind projection never more than 2 s behind (the lag target of
    /// `bench projections`).
    var keptUp: Bool { lag.maxSeconds < BenchProjections.targetLagSeconds }

    var json: [String: any Sendable] {
        var json = lag.json("projections_lag")
        json["projections_kept_up"] = keptUp
        if let caughtUpSeconds { json["projections_caught_up_seconds"] = (caughtUpSeconds * 1000).rounded() / 1000 }
        return json
    }

    var line: String {
        "  projections' lag while posting (sampled each second): \(lag.text); all at the head "
            + BenchProjectionsFigures.seconds(caughtUpSeconds) + " after the last delivery"
    }
}
