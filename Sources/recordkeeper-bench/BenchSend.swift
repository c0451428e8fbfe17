import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import RecordkeeperRuntime

/// `recordkeeper bench send`: send requests over real HTTP on loopback to the real send API
/// (`POST /v1/conversations/{id}/messages`: check, compose, one group commit, 202), then the
/// dispatcher delivering every one to a fake Graph API in this process and recording
/// `message.send.accepted`; against the same client posting the same bodies to a bare route that
/// only reads the body and answers 202.
struct BenchSend: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract:
            "Post N send requests from C concurrent clients over K conversations, sent on to a fake Graph API; compare with a bare route measured in the same run.",
        discussion: """
            The dispatcher sends one message per conversation at a time, in request order (up to 64 \
            conversations per round), so end-to-end sends/s depend on --conversations.
            """
    )
    static let defaultLedger = "bench-send"
    static let defaultConcurrency = 32

    @OptionGroup var options: BenchOptions

    @Option(help: "Send requests to post (and bodies to post to the bare route).")
    var requests = 5_000

    @Option(help: "Conversations the requests are spread over, opened by signed webhook deliveries.")
    var conversations = 200

    var sizes: KeyValuePairs<String, Int> { ["--requests": requests, "--conversations": conversations] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let plan = BenchSendPlan(
            requests: requests, conversations: conversations, concurrency: context.concurrency, ledger: context.ledger, showProgress: context.showProgress)
        let figures = try await withBenchHTTPClient(concurrency: context.concurrency) { http in
            try await plan.measure(runtime: context.runtime, http: http, logger: context.logger)
        }
        return BenchFigures(json: figures.json, lines: figures.lines)
    }
}

/// What `bench send` measured.
struct BenchSendFigures: Sendable {
    var plan: BenchSendPlan
    var bodyBytes: Int
    var ledgerHead: Int64
    var accept: Measurement
    var bare: Measurement
    var outcome: BenchSendOutcome
    /// Messages the fake Graph API received during the measured phase.
    var graphMessages: Int
    /// The process's resident memory from the service's start to the last send accepted.
    var memory: ProcessMemory

    var acceptedPerSecond: Double { Double(plan.requests) / accept.seconds }
    var barePerSecond: Double { Double(plan.requests) / bare.seconds }

    var json: [String: any Sendable] {
        var json: [String: any Sendable] = [
            "requests": plan.requests, "conversations": plan.conversations, "concurrency": plan.concurrency, "ledger": plan.ledger,
            "build": RecordkeeperBench.buildKind, "body_bytes": bodyBytes, "ledger_head": ledgerHead,
            "accepted_per_second": acceptedPerSecond.rounded(), "bare_per_second": barePerSecond.rounded(),
            "ratio": (acceptedPerSecond / barePerSecond * 1000).rounded() / 1000,
            "p50_ms": accept.percentile(0.50), "p99_ms": accept.percentile(0.99),
            "bare_p50_ms": bare.percentile(0.50), "bare_p99_ms": bare.percentile(0.99),
            "sent": outcome.sent, "sent_per_second": outcome.sentPerSecond(requests: plan.requests).rounded(),
            "sent_seconds": (outcome.seconds * 1000).rounded() / 1000,
            "send_p50_ms": outcome.p50Ms, "send_p99_ms": outcome.p99Ms, "graph_messages": graphMessages,
        ]
        json.merge(memory.json(of: "the service"), uniquingKeysWith: { $1 })
        return json
    }

    var lines: [String] {
        [
            "recordkeeper-bench send: \(plan.requests) text send requests of \(bodyBytes) B over \(plan.conversations) conversations, "
                + "\(plan.concurrency) clients, \(RecordkeeperBench.buildKind) build",
            String(
                format: "  send API (check, compose, group commit, 202): %8.0f requests/s  p50 %.2f ms  p99 %.2f ms",
                acceptedPerSecond, accept.percentile(0.50), accept.percentile(0.99)),
            String(
                format: "  bare route (read body, 202):                 %8.0f requests/s  p50 %.2f ms  p99 %.2f ms",
                barePerSecond, bare.percentile(0.50), bare.percentile(0.99)),
            String(format: "  ratio send API/bare: %.3f", acceptedPerSecond / barePerSecond),
            String(
                format:
                    "  end to end (dispatcher → fake Graph API → accepted recorded): %.0f sends/s, %d sent in %.2f s; request → accepted p50 %.0f ms  p99 %.0f ms",
                outcome.sentPerSecond(requests: plan.requests), outcome.sent, outcome.seconds, outcome.p50Ms, outcome.p99Ms),
            "  (the dispatcher sends one message per conversation at a time, in order: sends/s depend on --conversations)",
            memory.line(of: "the service"),
        ]
    }
}
