import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import RecordkeeperRuntime

/// `recordkeeper-bench all`: issue 17's table in one run. Runs `append`, `ingest`, `send`, `read`,
/// `verify` and `projections` one after another, each on its own ledger, then verifies each
/// ledger and prints one row per path: our figure, the baseline measured in the same run, their
/// ratio, the target and whether it is met, and the ledger's size.
///
/// Exits 0 when every benchmark ran, whether or not its target was met (it is a measurement);
/// 1 when a benchmark could not run or its ledger did not verify (the other benchmarks still run).
struct BenchAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run append, ingest, send, read, verify and projections in sequence and print issue 17's table: ours, baseline, ratio, target, met.",
        discussion: """
            The default sizes take about 5 minutes in a release build on 2 cores (a first run fills the \
            verify ledger too). Each benchmark writes to its own ledger (--ledger P: P-append, P-ingest, …), \
            which is verified afterwards. --concurrency, when given, applies to every benchmark. Exit status \
            0 even when a target is missed; 1 when a benchmark could not run or a ledger did not verify.
            """)

    @OptionGroup var options: BenchOptions

    @Option(name: .customLong("append-events"), help: "bench append --events (8 appenders, 10 per call).")
    var appendEvents = 20_000

    @Option(name: .customLong("ingest-deliveries"), help: "bench ingest --deliveries (32 clients, projections on).")
    var ingestDeliveries = 20_000

    @Option(name: .customLong("send-requests"), help: "bench send --requests (32 clients).")
    var sendRequests = 5_000

    @Option(name: .customLong("send-conversations"), help: "bench send --conversations.")
    var sendConversations = 200

    @Option(name: .customLong("read-requests"), help: "bench read --requests (16 clients).")
    var readRequests = 3_000

    @Option(name: .customLong("read-conversations"), help: "bench read --conversations.")
    var readConversations = 50

    @Option(name: .customLong("verify-entries"), help: "bench verify --entries (the ledger is filled up to it once, then kept).")
    var verifyEntries = 200_000

    @Option(name: .customLong("verify-proofs"), help: "bench verify --proofs.")
    var verifyProofs = 2_000

    @Option(name: .customLong("projections-rate"), help: "bench projections --rate (deliveries/s offered).")
    var projectionsRate = 1_000

    @Option(name: .customLong("projections-seconds"), help: "bench projections --seconds (the sustained phase).")
    var projectionsSeconds = 60

    @Option(name: .customLong("burst-seconds"), help: "bench projections --burst-seconds.")
    var burstSeconds = 20

    @Option(help: "Run only these benchmarks, comma-separated (append,ingest,send,read,verify,projections).")
    var only: String?

    func validate() throws {
        let sizes: KeyValuePairs<String, Int> = [
            "--append-events": appendEvents, "--ingest-deliveries": ingestDeliveries, "--send-requests": sendRequests,
            "--send-conversations": sendConversations, "--read-requests": readRequests, "--read-conversations": readConversations,
            "--verify-entries": verifyEntries, "--verify-proofs": verifyProofs, "--projections-rate": projectionsRate,
            "--projections-seconds": projectionsSeconds, "--burst-seconds": burstSeconds, "--concurrency": options.concurrency ?? 1,
        ]
        let bad = sizes.filter { $0.value <= 0 }.map(\.key)
        guard bad.isEmpty else { throw ValidationError("\(bad.joined(separator: ", ")) must be positive") }
        let unknown = selected.filter { name in !BenchAllStep.names.contains(name) }
        guard unknown.isEmpty else {
            throw ValidationError("--only: unknown benchmark \(unknown.joined(separator: ", ")) (known: \(BenchAllStep.names.joined(separator: ", ")))")
        }
    }

    /// The benchmarks `--only` names (all of them without it).
    var selected: [String] {
        only.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? BenchAllStep.names
    }

    /// The steps, with the sizes of this run.
    func steps() throws -> [BenchAllStep] {
        let all = [
            BenchAllStep(name: "append", benchmark: try BenchAppend.parse(["--events", "\(appendEvents)"]), judge: BenchAllJudge.append),
            BenchAllStep(name: "ingest", benchmark: try BenchIngest.parse(["--deliveries", "\(ingestDeliveries)"]), judge: BenchAllJudge.ingest),
            BenchAllStep(
                name: "send", benchmark: try BenchSend.parse(["--requests", "\(sendRequests)", "--conversations", "\(sendConversations)"]),
                judge: BenchAllJudge.send),
            BenchAllStep(
                name: "read", benchmark: try BenchRead.parse(["--requests", "\(readRequests)", "--conversations", "\(readConversations)"]),
                judge: BenchAllJudge.read),
            BenchAllStep(
                name: "verify", benchmark: try BenchVerify.parse(["--entries", "\(verifyEntries)", "--proofs", "\(verifyProofs)"]),
                judge: BenchAllJudge.verify),
            BenchAllStep(
                name: "projections",
                benchmark: try BenchProjections.parse([
                    "--rate", "\(projectionsRate)", "--seconds", "\(projectionsSeconds)", "--burst-seconds", "\(burstSeconds)",
                ]), judge: BenchAllJudge.projections),
        ]
        let chosen = Set(selected)
        return all.filter { chosen.contains($0.name) }
    }

    func run() async throws {
        let steps = try steps()
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required, environment: options.environment)
        defer { runtime.shutdown() }
        let clock = ContinuousClock()
        let started = clock.now
        var rows: [BenchAllRow] = []
        var figures: [String: any Sendable] = [:]
        for step in steps {
            let context = BenchContext(
                runtime: runtime, logger: logger, ledger: options.ledger.map { "\($0)-\(step.name)" } ?? step.defaultLedger,
                concurrency: options.concurrency ?? step.defaultConcurrency, showProgress: !options.json)
            if context.showProgress { Output.error("recordkeeper-bench all: \(step.name) on ledger \(context.ledger)…") }
            let stepStart = clock.now
            var row: BenchAllRow
            do {
                let measured = try await step.benchmark.measure(context)
                if !options.json { measured.lines.forEach(Output.error) }
                figures[step.name] = measured.json
                row = step.judge(measured.json)
            } catch is CancellationError {
                Output.error("recordkeeper-bench: cancelled")
                throw ExitCode(130)
            } catch {
                row = BenchAllRow(path: step.name, error: "\(error)")
                Output.error("recordkeeper-bench all: \(step.name) could not run: \(error)")
            }
            row.seconds = (clock.now - stepStart).seconds
            do {
                let (entries, verified) = try await Self.ledgerSize(context)
                row.ledger = context.ledger
                row.entries = entries
                row.verifies = verified
            } catch {
                row.ledger = context.ledger
                if row.error == nil { row.error = "the ledger could not be verified: \(error)" }
            }
            rows.append(row)
        }
        let seconds = (clock.now - started).seconds
        let failed = rows.filter { $0.error != nil || $0.verifies == false }
        if options.json {
            Output.json([
                "build": RecordkeeperBench.buildKind, "seconds": (seconds * 10).rounded() / 10, "table": rows.map(\.json), "benchmarks": figures,
                "all_met": rows.allSatisfy { $0.met == true }, "could_not_run": failed.map(\.path),
            ])
        } else {
            BenchAllRow.table(rows, build: RecordkeeperBench.buildKind, seconds: seconds).forEach(Output.line)
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// The ledger's entries, and whether it verifies (chain, payloads, Merkle tree), after its benchmark.
    static func ledgerSize(_ context: BenchContext) async throws -> (Int64, Bool?) {
        try await withLedgerStore(context.runtime, maximumConnections: 4, logger: context.logger) { store in
            guard let ref = try? await store.ledger(named: context.ledger, create: false) else { return (0, nil) }
            let head = try await store.head(of: ref).position
            if context.showProgress { Output.progress("verifying \(context.ledger) (\(head) entries)…") }
            let report = try await store.verify(ledger: context.ledger, trust: CheckpointTrust(includeStored: false))
            if context.showProgress { Output.endProgress() }
            return (head, report.ok)
        }
    }
}

/// One benchmark of `bench all`: how it is run and how its figures are judged.
struct BenchAllStep: Sendable {
    static let names = ["append", "ingest", "send", "read", "verify", "projections"]

    var name: String
    var benchmark: any Benchmark
    var judge: @Sendable ([String: any Sendable]) -> BenchAllRow

    var defaultLedger: String { type(of: benchmark).defaultLedger }
    var defaultConcurrency: Int { type(of: benchmark).defaultConcurrency }
}
