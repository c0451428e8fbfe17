import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import RecordkeeperRuntime

/// `recordkeeper-bench projections`: the projections' lag under sustained ingest. Signed webhook
/// deliveries are posted at a fixed rate into the service as `serve` runs it (``BenchService``:
/// projections, router and workers in-process), every projection's lag on the ledger is sampled
/// each second; then a burst as fast as the clients go, and the time until every projection has
/// applied the burst's last entry.
struct BenchProjections: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Post signed deliveries at R/s for D s, sampling every projection's lag each second; then a burst and the time to catch up.",
        discussion: """
            Lag is sampled on the benchmark's ledger: entries between the head and each projection's last \
            position, and the age of the oldest entry a projection has not applied. When the clients \
            cannot post at the offered rate, the figures are for the rate achieved (reported). \
            --soak-minutes M makes the sustained phase M minutes long and prints the process's resident \
            memory each minute (the service runs in this process).
            """)
    static let defaultLedger = "bench-projections"
    static let defaultConcurrency = 32
    /// Issue 17's targets: lag under 2 s at 1,000 deliveries/s sustained; a 20 s burst caught up in under 10 s.
    static let targetLagSeconds = 2.0
    static let targetCatchUpSeconds = 10.0
    /// The rate counts as reached at this share of the offered rate.
    static let reachedShare = 0.95

    @OptionGroup var options: BenchOptions

    @Option(help: "Deliveries per second offered in the sustained phase.")
    var rate = 1_000

    @Option(help: "Length of the sustained phase in seconds.")
    var seconds = 60

    @Option(name: .customLong("burst-seconds"), help: "Length of the burst (as fast as the clients go) in seconds.")
    var burstSeconds = 20

    @Option(name: .customLong("soak-minutes"), help: "Make the sustained phase this many minutes long (instead of --seconds) and print RSS each minute.")
    var soakMinutes: Int?

    var sizes: KeyValuePairs<String, Int> {
        ["--rate": rate, "--seconds": seconds, "--burst-seconds": burstSeconds, "--soak-minutes": soakMinutes ?? 1]
    }

    /// The sustained phase's length in seconds.
    var sustainedSeconds: Int { soakMinutes.map { $0 * 60 } ?? seconds }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let command = self
        let figures = try await withBenchHTTPClient(concurrency: context.concurrency) { http in
            try await BenchService.with(context) { service in
                try await ProjectionLagProbe.with(context.runtime, ledger: context.ledger, logger: context.logger) { probe in
                    try await command.run(context, http: http, service: service, probe: probe)
                }
            }
        }
        return BenchFigures(json: figures.json, lines: figures.lines)
    }

    private func run(_ context: BenchContext, http: HTTPClient, service: BenchService, probe: ProjectionLagProbe) async throws -> BenchProjectionsFigures {
        let showProgress = context.showProgress
        let url = service.base + "/webhooks/whatsapp"
        let stream = BenchDeliveryStream(http: http, url: url, secret: service.secret, run: service.run, concurrency: context.concurrency)
        let clock = ContinuousClock()

        // Warm-up: connections, plans, the conversations of the 500 citizens; then nothing behind.
        if showProgress { Output.progress("warm-up: 200 deliveries, then every projection at the head…") }
        let warm = try await BenchDeliveryStream(http: http, url: url, secret: service.secret, run: "warm-" + service.run, concurrency: context.concurrency)
            .post(from: 0, rate: Double(context.concurrency) * 20, for: .seconds(200.0 / (Double(context.concurrency) * 20)))
        try Self.check(warm, phase: "warm-up")
        // Quiet: every projection at the head, and the head still for a second (the router and
        // the workers record what the warm-up made them do; that is applied before measuring too).
        let warmStart = clock.now
        var warmHead = try await probe.sample().head
        while true {
            guard try await probe.waitUntilApplied(warmHead, since: warmStart, timeout: .seconds(600)) != nil else {
                throw CLIError(
                    "the projections did not apply the warm-up (position \(warmHead)) within 600 s: is another ledger's backlog being projected first?")
            }
            try await Task.sleep(for: .seconds(1))
            let head = try await probe.sample().head
            if head == warmHead { break }
            warmHead = head
        }

        // Sustained: R deliveries/s for D seconds, the lag sampled each second.
        let rate = Double(self.rate)
        let duration = sustainedSeconds
        if showProgress { Output.progress("sustained: \(self.rate) deliveries/s for \(duration) s…") }
        let minutes = NIOLockedValueBox(0)
        let soak = soakMinutes != nil && showProgress
        let (sustained, sustainedSamples) = try await probe.sampling(onSample: { sample in
            guard soak else { return }
            // A sample within half a second of a minute's end counts as that minute's.
            let minute = Int((sample.at + 0.5) / 60)
            let due = minutes.withLockedValue { printed -> Bool in
                guard minute > printed else { return false }
                printed = minute
                return true
            }
            if due {
                Output.error(
                    String(
                        format: "minute %d: RSS %.1f MB, lag %.2f s / %lld entries behind at position %lld", minute, sample.rssMB, sample.ageSeconds,
                        sample.behindEntries, sample.head))
            }
        }) {
            try await stream.post(from: 0, rate: rate, for: .seconds(duration))
        }
        try Self.check(sustained, phase: "sustained")
        let sustainedHead = sustainedSamples.last?.head ?? 0
        let sustainedCatchUp = try await probe.waitUntilApplied(sustainedHead, since: sustained.ended, timeout: .seconds(600))

        // Burst: as fast as the clients go for B seconds; then the time until every projection applied its last entry.
        if showProgress { Output.progress("burst: \(burstSeconds) s as fast as \(context.concurrency) clients go…") }
        let (burst, burstSamples) = try await probe.sampling {
            try await stream.post(from: sustained.sent + 1_000_000, rate: nil, for: .seconds(burstSeconds))
        }
        try Self.check(burst, phase: "burst")
        let burstHead = burstSamples.last?.head ?? 0
        if showProgress { Output.progress("burst: waiting until every projection has applied position \(burstHead)…") }
        let burstCatchUp = try await probe.waitUntilApplied(burstHead, since: burst.ended, timeout: .seconds(600))
        if showProgress { Output.endProgress() }
        return BenchProjectionsFigures(
            offeredRate: rate, concurrency: context.concurrency, ledger: context.ledger, ledgerHead: try await probe.sample().head,
            soakMinutes: soakMinutes, sustained: sustained, sustainedSamples: sustainedSamples, sustainedCatchUpSeconds: sustainedCatchUp,
            burstSeconds: burstSeconds, burst: burst, burstSamples: burstSamples, burstCatchUpSeconds: burstCatchUp, memory: service.memory.ended())
    }

    private static func check(_ result: BenchDeliveryStream.Result, phase: String) throws {
        guard result.failures == 0 else {
            throw CLIError(
                "\(result.failures) of \(result.sent) deliveries of the \(phase) were not answered 200 (first: \(result.firstFailure ?? "?")): the figures would be meaningless"
            )
        }
    }
}

/// What `bench projections` measured.
struct BenchProjectionsFigures: Sendable {
    var offeredRate: Double
    var concurrency: Int
    var ledger: String
    var ledgerHead: Int64
    var soakMinutes: Int?
    var sustained: BenchDeliveryStream.Result
    var sustainedSamples: [ProjectionLagSample]
    /// From the sustained phase's last answer until every projection had applied its last entry.
    var sustainedCatchUpSeconds: Double?
    var burstSeconds: Int
    var burst: BenchDeliveryStream.Result
    var burstSamples: [ProjectionLagSample]
    /// From the burst's last answer until every projection had applied its last entry (nil: not within 600 s).
    var burstCatchUpSeconds: Double?
    var memory: ProcessMemory

    var sustainedLag: ProjectionLagSummary { ProjectionLagSummary(sustainedSamples) }
    var burstLag: ProjectionLagSummary { ProjectionLagSummary(burstSamples) }
    /// Whether the clients posted at (at least 95% of) the offered rate.
    var rateReached: Bool { sustained.rate >= offeredRate * BenchProjections.reachedShare }
    var sustainedMet: Bool { rateReached && sustainedLag.maxSeconds < BenchProjections.targetLagSeconds }
    var burstMet: Bool { burstCatchUpSeconds.map { $0 < BenchProjections.targetCatchUpSeconds } ?? false }
    var met: Bool { sustainedMet && burstMet }

    /// The process's resident memory at the start of the sustained phase and at each of its
    /// minutes (the first sample from half a second before each minute on).
    var rssByMinute: [Double] {
        var result: [Double] = []
        for sample in sustainedSamples where sample.at + 0.5 >= Double(result.count * 60) {
            result.append(ProcessMemory.rounded(sample.rssMB))
        }
        return result
    }

    var json: [String: any Sendable] {
        var json: [String: any Sendable] = [
            "rate_offered": offeredRate, "concurrency": concurrency, "ledger": ledger, "ledger_head": ledgerHead, "build": RecordkeeperBench.buildKind,
            "sustained_seconds": (sustained.seconds * 1000).rounded() / 1000, "sustained_sent": sustained.sent,
            "rate_achieved": sustained.rate.rounded(), "rate_reached": rateReached,
            "sustained_p50_ms": sustained.p50Ms, "sustained_p99_ms": sustained.p99Ms,
            "burst_seconds": burstSeconds, "burst_sent": burst.sent, "burst_rate": burst.rate.rounded(),
            "burst_p50_ms": burst.p50Ms, "burst_p99_ms": burst.p99Ms,
            "sustained_caught_up": sustainedCatchUpSeconds != nil, "burst_caught_up": burstCatchUpSeconds != nil,
            "target_lag_seconds": BenchProjections.targetLagSeconds, "target_catch_up_seconds": BenchProjections.targetCatchUpSeconds,
            "sustained_met": sustainedMet, "burst_met": burstMet, "met": met, "rss_by_minute_mb": rssByMinute,
        ]
        if let soakMinutes { json["soak_minutes"] = soakMinutes }
        // Left out when the projections did not catch up within 600 s (`…_caught_up` is false).
        if let sustainedCatchUpSeconds { json["sustained_caught_up_seconds"] = (sustainedCatchUpSeconds * 1000).rounded() / 1000 }
        if let burstCatchUpSeconds { json["burst_caught_up_seconds"] = (burstCatchUpSeconds * 1000).rounded() / 1000 }
        json.merge(sustainedLag.json("sustained_lag"), uniquingKeysWith: { $1 })
        json.merge(burstLag.json("burst_lag"), uniquingKeysWith: { $1 })
        json.merge(memory.json(of: "the service"), uniquingKeysWith: { $1 })
        return json
    }

    var lines: [String] {
        let reached = rateReached ? "reached" : "NOT reached: the figures are for the rate achieved"
        var lines = [
            "recordkeeper-bench projections: signed deliveries into the service as serve runs it, \(concurrency) clients, \(RecordkeeperBench.buildKind) build; "
                + "ledger \(ledger): \(ledgerHead) entries",
            String(format: "  sustained: %.0f deliveries/s offered, %.0f achieved (", offeredRate, sustained.rate) + reached
                + String(
                    format: ") for %.1f s, %d deliveries; request p50 %.0f ms  p99 %.0f ms", sustained.seconds, sustained.sent, sustained.p50Ms,
                    sustained.p99Ms),
            "    lag of the furthest-behind projection, sampled each second: " + sustainedLag.text,
            "    caught up " + Self.seconds(sustainedCatchUpSeconds) + " after the last delivery",
            String(
                format: "  burst: %.0f deliveries/s for %.1f s (%d deliveries); request p50 %.0f ms  p99 %.0f ms", burst.rate, burst.seconds, burst.sent,
                burst.p50Ms, burst.p99Ms),
            "    lag during the burst: " + burstLag.text,
            "    every projection caught up " + Self.seconds(burstCatchUpSeconds) + " after the burst ended",
            String(format: "  targets: lag < %.0f s at the offered rate: ", BenchProjections.targetLagSeconds) + (sustainedMet ? "met" : "missed")
                + String(format: "; burst caught up in < %.0f s: ", BenchProjections.targetCatchUpSeconds) + (burstMet ? "met" : "missed"),
            memory.line(of: "the service"),
        ]
        if soakMinutes != nil {
            lines.append("  RSS at each minute of the sustained phase (MB): " + rssByMinute.map { String(format: "%.1f", $0) }.joined(separator: ", "))
        }
        return lines
    }

    static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.2f s", $0) } ?? "NOT within 600 s"
    }
}
