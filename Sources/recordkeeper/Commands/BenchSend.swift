import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `recordkeeper bench send`: send requests over real HTTP on loopback to the real send API
/// (`POST /v1/conversations/{id}/messages`: check, compose, one group commit, 202), then the
/// dispatcher delivering every one to a fake Graph API in this process and recording
/// `message.send.accepted`; against the same client posting the same bodies to a bare route that
/// only reads the body and answers 202.
struct BenchSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Post N send requests from C concurrent clients over K conversations, sent on to a fake Graph API; compare with a bare route measured in the same run.",
        discussion: """
            The dispatcher sends one message per conversation at a time, in request order (up to 64 \
            conversations per round), so end-to-end sends/s depend on --conversations.
            """
    )

    @Option(help: "Send requests to post (and bodies to post to the bare route).")
    var requests = 5_000

    @Option(help: "Conversations the requests are spread over, opened by signed webhook deliveries.")
    var conversations = 200

    @Option(help: "Concurrent HTTP clients.")
    var concurrency = 32

    @Option(help: "The ledger the conversations and sends are recorded in.")
    var ledger = "bench-send"

    @Flag(help: "Print one JSON object with the figures.")
    var json = false

    func validate() throws {
        guard requests > 0, conversations > 0, concurrency > 0 else {
            throw ValidationError("--requests, --conversations and --concurrency must be positive")
        }
    }

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency))
        )
        let plan = BenchSendPlan(requests: requests, conversations: conversations, concurrency: concurrency, ledger: ledger, showProgress: !json)
        let figures: BenchSendFigures
        do {
            figures = try await plan.measure(runtime: runtime, http: http, logger: logger)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        if json {
            Output.json(figures.json)
        } else {
            figures.printLines()
        }
    }
}

/// What `bench send` measured.
struct BenchSendFigures: Sendable {
    var plan: BenchSendPlan
    var bodyBytes: Int
    var ledgerHead: Int64
    var accept: BenchIngest.Measurement
    var bare: BenchIngest.Measurement
    var outcome: BenchSendOutcome
    /// Messages the fake Graph API received during the measured phase.
    var graphMessages: Int

    var acceptedPerSecond: Double { Double(plan.requests) / accept.seconds }
    var barePerSecond: Double { Double(plan.requests) / bare.seconds }

    var json: [String: Any] {
        [
            "requests": plan.requests, "conversations": plan.conversations, "concurrency": plan.concurrency, "ledger": plan.ledger,
            "build": Bench.buildKind, "body_bytes": bodyBytes, "ledger_head": ledgerHead,
            "accepted_per_second": acceptedPerSecond.rounded(), "bare_per_second": barePerSecond.rounded(),
            "ratio": (acceptedPerSecond / barePerSecond * 1000).rounded() / 1000,
            "p50_ms": accept.percentile(0.50), "p99_ms": accept.percentile(0.99),
            "bare_p50_ms": bare.percentile(0.50), "bare_p99_ms": bare.percentile(0.99),
            "sent": outcome.sent, "sent_per_second": outcome.sentPerSecond(requests: plan.requests).rounded(),
            "sent_seconds": (outcome.seconds * 1000).rounded() / 1000,
            "send_p50_ms": outcome.p50Ms, "send_p99_ms": outcome.p99Ms, "graph_messages": graphMessages,
        ]
    }

    func printLines() {
        Output.line(
            "recordkeeper bench send: \(plan.requests) text send requests of \(bodyBytes) B over \(plan.conversations) conversations, "
                + "\(plan.concurrency) clients, \(Bench.buildKind) build")
        Output.line(String(format: "  send API (check, compose, group commit, 202): %8.0f requests/s  p50 %.2f ms  p99 %.2f ms",
                           acceptedPerSecond, accept.percentile(0.50), accept.percentile(0.99)))
        Output.line(String(format: "  bare route (read body, 202):                 %8.0f requests/s  p50 %.2f ms  p99 %.2f ms",
                           barePerSecond, bare.percentile(0.50), bare.percentile(0.99)))
        Output.line(String(format: "  ratio send API/bare: %.3f", acceptedPerSecond / barePerSecond))
        Output.line(String(format: "  end to end (dispatcher → fake Graph API → accepted recorded): %.0f sends/s, %d sent in %.2f s; request → accepted p50 %.0f ms  p99 %.0f ms",
                           outcome.sentPerSecond(requests: plan.requests), outcome.sent, outcome.seconds, outcome.p50Ms, outcome.p99Ms))
        Output.line("  (the dispatcher sends one message per conversation at a time, in order: sends/s depend on --conversations)")
    }
}
