import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import RecordkeeperRuntime

/// `recordkeeper bench verify`: full verification (chain, payloads, Merkle tree) against merely
/// streaming the same rows and hashing their bytes, plus inclusion-proof latency and peak memory.
struct BenchVerify: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger of N entries; compare with streaming and hashing the same rows; time inclusion proofs.",
        discussion:
            "The ledger is filled up to --entries first (kept between runs), by --concurrency appenders. Peak memory is the process's peak resident set, the fill included (the fill holds a few batches at a time)."
    )
    static let defaultLedger = "bench-verify"
    static let defaultConcurrency = 8

    @OptionGroup var options: BenchOptions

    @Option(help: "Entries in the ledger (appended first if it has fewer).")
    var entries = 1_000_000

    @Option(help: "Inclusion proofs to time.")
    var proofs = 2000

    var sizes: KeyValuePairs<String, Int> { ["--entries": entries, "--proofs": proofs] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let (target, ledger, proofCount, showProgress, appenders) = (Int64(entries), context.ledger, proofs, context.showProgress, context.concurrency)
        let figures = try await withLedgerStore(context.runtime, maximumConnections: appenders + 4, logger: context.logger) { store in
            try await Self.fill(store: store, ledger: ledger, to: target, appenders: appenders, showProgress: showProgress)
            let clock = ContinuousClock()
            // The verifier's resident memory from before the raw read to after the verification.
            let memory = ProcessMemory.starting()
            if showProgress { Output.progress("baseline: streaming and hashing the rows…") }
            var started = clock.now
            let raw = try await store.streamAndHash(ledger: ledger)
            let rawSeconds = (clock.now - started).seconds
            if showProgress { Output.progress("verifying (chain, payloads, Merkle tree)…") }
            started = clock.now
            let report = try await store.verify(ledger: ledger, trust: CheckpointTrust(includeStored: false))
            let verifySeconds = (clock.now - started).seconds
            let peak = ResidentMemory.peakMegabytes()
            let verified = memory.ended()
            guard report.ok else { throw CLIError("the benchmark ledger does not verify: \(report.firstProblem?.reason ?? "?")") }
            if showProgress { Output.progress("timing inclusion proofs…") }
            let size = report.headPosition
            var latencies: [Double] = []
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<proofCount {
                let position = Int64.random(in: 1...size, using: &generator)
                let began = clock.now
                _ = try await store.inclusionProof(ledger: ledger, position: position, treeSize: size)
                latencies.append((clock.now - began).milliseconds)
            }
            if showProgress { Output.endProgress() }
            return (raw.rows, rawSeconds, report.entries, verifySeconds, report.level, latencies.sorted(), peak, size, verified)
        }
        let (rawRows, rawSeconds, verified, verifySeconds, level, latencies, peak, size, memory) = figures
        let verifyRate = Double(verified) / verifySeconds
        let rawRate = Double(rawRows) / rawSeconds
        let proofTimes = Measurement(seconds: 0, latenciesMs: latencies)
        func percentile(_ p: Double) -> Double { proofTimes.percentile(p) }
        let build = RecordkeeperBench.buildKind
        var json: [String: any Sendable] = [
            "entries": size, "build": build, "ledger": ledger, "level": level.rawValue,
            "verify_entries_per_second": verifyRate.rounded(), "raw_entries_per_second": rawRate.rounded(),
            "ratio": (verifyRate / rawRate * 1000).rounded() / 1000,
            "proofs": latencies.count, "proof_p50_ms": percentile(0.5), "proof_p99_ms": percentile(0.99),
            "peak_rss_mb": (peak * 10).rounded() / 10,
        ]
        json.merge(memory.json(of: "the verifier"), uniquingKeysWith: { $1 })
        return BenchFigures(
            json: json,
            lines: [
                "recordkeeper-bench verify: \(size) entries, level \(level.rawValue), \(build) build",
                String(format: "  verify (chain, payloads, Merkle tree):   %9.0f entries/s", verifyRate),
                String(format: "  stream and hash the same rows (floor):   %9.0f entries/s", rawRate),
                String(format: "  ratio verify/raw: %.3f", verifyRate / rawRate),
                String(format: "  inclusion proofs (%d): p50 %.3f ms  p99 %.3f ms", latencies.count, percentile(0.5), percentile(0.99)),
                String(format: "  peak resident memory of the process: %.1f MB", peak),
                memory.line(of: "the verifier"),
            ])
    }

    /// Appends benchmark events until the ledger holds `target` entries, from `appenders`
    /// concurrent appenders that make their batches as they go (memory stays small however large
    /// `target`).
    static func fill(store: LedgerStore, ledger: String, to target: Int64, appenders: Int, showProgress: Bool) async throws {
        let have = try await store.head(of: try await store.ledger(named: ledger)).position
        guard have < target else { return }
        let missing = Int(target - have)
        let base = Int(have) + Int.random(in: 0..<1_000_000_000) * 1000
        let next = NIOLockedValueBox(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<appenders {
                group.addTask {
                    while true {
                        try Task.checkCancellation()
                        let start = next.withLockedValue { value -> Int in
                            defer { value += 100 }
                            return value
                        }
                        guard start < missing else { return }
                        let batch = (start..<min(missing, start + 100)).map { BenchAppend.event(index: base + $0, stream: $0 % 64) }
                        _ = try await store.append(batch, to: ledger)
                        if showProgress && start % 10_000 == 0 { Output.progress("filling \(ledger): \(Int(have) + start) of \(target)") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
