import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import RecordkeeperRuntime

/// The options every benchmark takes, declared once (each subcommand includes them with
/// `@OptionGroup`).
struct BenchOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"), help: "The service role's connection (default: DATABASE_URL; with neither URL set, the embedded default cluster).")
    var databaseURL: String?

    @Option(
        name: .customLong("owner-url"), help: "The schema owner's connection, for the baseline table (default: DATABASE_OWNER_URL, else the service role's).")
    var ownerURL: String?

    @Option(help: "The ledger the benchmark writes to (default: the benchmark's own).")
    var ledger: String?

    @Option(help: "Concurrent clients: appenders, or HTTP clients (default: the benchmark's own).")
    var concurrency: Int?

    @Flag(help: "Print one JSON object with the figures.")
    var json = false

    /// The environment the runtime is resolved from: this process's, with the URLs given here.
    var environment: [String: String] {
        var environment = Runtime.environment
        if let databaseURL { environment["DATABASE_URL"] = databaseURL }
        if let ownerURL { environment["DATABASE_OWNER_URL"] = ownerURL }
        return environment
    }
}

/// What a benchmark measures with: resolved once by ``Benchmark/run()``.
struct BenchContext: Sendable {
    var runtime: Runtime
    var logger: Logger
    /// `--ledger`, or the benchmark's default.
    var ledger: String
    /// `--concurrency`, or the benchmark's default.
    var concurrency: Int
    /// Whether to show progress (not with `--json`).
    var showProgress: Bool
}

/// What a benchmark reports: one JSON object (`--json`), or lines for a terminal.
struct BenchFigures: Sendable {
    var json: [String: any Sendable]
    var lines: [String]
}

/// One benchmark: its own sizes and a measurement. Validation of the sizes, the runtime and the
/// output are shared.
protocol Benchmark: AsyncParsableCommand, Sendable {
    /// The ledger written to when `--ledger` is not given.
    static var defaultLedger: String { get }
    /// The concurrency when `--concurrency` is not given.
    static var defaultConcurrency: Int { get }
    /// The shared options (`@OptionGroup var options: BenchOptions`).
    var options: BenchOptions { get }
    /// The benchmark's own sizes by option name (`--events` …): each must be positive.
    var sizes: KeyValuePairs<String, Int> { get }
    /// Runs the benchmark.
    func measure(_ context: BenchContext) async throws -> BenchFigures
}

extension Benchmark {
    func validate() throws {
        var all = Array(sizes.map { ($0.key, $0.value) })
        if let concurrency = options.concurrency { all.append(("--concurrency", concurrency)) }
        let bad = all.filter { $0.1 <= 0 }.map(\.0)
        guard bad.isEmpty else {
            throw ValidationError("\(bad.joined(separator: ", ")) must be positive")
        }
    }

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required, environment: options.environment)
        defer { runtime.shutdown() }
        let context = BenchContext(
            runtime: runtime, logger: logger, ledger: options.ledger ?? Self.defaultLedger,
            concurrency: options.concurrency ?? Self.defaultConcurrency, showProgress: !options.json)
        let figures: BenchFigures
        do {
            figures = try await measure(context)
        } catch is CancellationError {
            Output.endProgress()
            Output.error("recordkeeper-bench: cancelled")
            throw ExitCode(130)
        }
        if options.json {
            Output.json(figures.json)
        } else {
            figures.lines.forEach(Output.line)
        }
    }
}

/// SIGINT and SIGTERM turned into cancellation, so that a benchmark interrupted by its user still
/// drops what it created. From ``install()`` to ``remove()`` the signals no longer end the
/// process; they cancel the body of ``run(_:)`` (one that arrives earlier cancels the next body
/// at once). The caller's own task is not cancelled, so its cleanup can still reach the database.
final class SignalCancellation: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM]
    private let state = NIOLockedValueBox<(signalled: Bool, cancel: (@Sendable () -> Void)?)>((false, nil))
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    /// Starts catching SIGINT and SIGTERM.
    static func install() -> SignalCancellation {
        let cancellation = SignalCancellation()
        cancellation.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [state = cancellation.state] in
                let cancel = state.withLockedValue { value in
                    value.signalled = true
                    return value.cancel
                }
                cancel?()
            }
            source.resume()
            return source
        }
        return cancellation
    }

    /// Lets the signals end the process again.
    func remove() {
        for (source, number) in zip(sources, Self.signals) {
            source.cancel()
            signal(number, SIG_DFL)
        }
        sources = []
    }

    /// Runs `body` in a task a signal cancels; throws `CancellationError` when one did.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let signalled = state.withLockedValue { value in
            value.cancel = { task.cancel() }
            return value.signalled
        }
        if signalled { task.cancel() }
        defer { state.withLockedValue { $0.cancel = nil } }
        do {
            return try await task.value
        } catch {
            if task.isCancelled { throw CancellationError() }
            throw error
        }
    }
}
