import Foundation
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import RecordkeeperRuntime
import Workers

/// Where the projections of one ledger stand against its head at one moment.
struct ProjectionLagSample: Sendable {
    /// Seconds since sampling began.
    var at: Double
    /// The ledger's head position.
    var head: Int64
    /// The lowest last position of any projection (0 for one that never ran).
    var lowest: Int64
    /// Entries the furthest-behind projection has still to look at (head minus its last position).
    var behindEntries: Int64 { max(0, head - lowest) }
    /// The age in seconds of the oldest entry some projection has not yet applied; 0 when every
    /// projection is at the head.
    var ageSeconds: Double
    /// The projection furthest behind (nil when none is behind).
    var worst: String?
    /// This process's resident memory (VmRSS, MB) when the sample was taken.
    var rssMB: Double
}

/// Reads every projection's lag on one ledger in one statement, on a connection of its own (not
/// the service's pool).
struct ProjectionLagProbe: Sendable {
    let client: PostgresClient
    /// The ledger's id.
    let ledgerID: Int32
    /// The projections `serve` runs (``WorkerSet/projections``).
    let projections: [String]
    let logger: Logger

    init(client: PostgresClient, ledgerID: Int32, logger: Logger) {
        self.client = client
        self.ledgerID = ledgerID
        self.projections = WorkerSet.projections.map(\.name)
        self.logger = logger
    }

    /// Runs `body` with a probe over its own one-connection pool.
    static func with<T: Sendable>(
        _ runtime: Runtime, ledger: String, logger: Logger, _ body: @escaping @Sendable (ProjectionLagProbe) async throws -> T
    ) async throws -> T {
        try await withPostgresClient(runtime.service, maximumConnections: 1, logger: logger) { client in
            let rows = try await client.query("SELECT id FROM ledgers WHERE name = \(ledger)", logger: logger)
            var id: Int32?
            for try await value in rows.decode(Int32.self) { id = value }
            guard let id else { throw CLIError("the ledger \(ledger) does not exist yet: nothing to measure the projections' lag on") }
            return try await body(ProjectionLagProbe(client: client, ledgerID: id, logger: logger))
        }
    }

    /// One sample: the head, each projection's last position, and the age of the entry after it
    /// (by its `recorded_at_us`, against the database's clock).
    func sample(at seconds: Double = 0) async throws -> ProjectionLagSample {
        let rows = try await client.query(
            """
            SELECT h.position, p.name, COALESCE(s.last_position, 0),
                   COALESCE((extract(epoch FROM clock_timestamp()) * 1000000)::int8 - e.recorded_at_us, 0)
            FROM ledger_heads h
            CROSS JOIN unnest(\(projections)::text[]) AS p(name)
            LEFT JOIN projection_state s ON s.ledger_id = h.ledger_id AND s.projection = p.name
            LEFT JOIN ledger_entries e ON e.ledger_id = h.ledger_id AND e.position = COALESCE(s.last_position, 0) + 1
            WHERE h.ledger_id = \(ledgerID)
            """, logger: logger)
        var sample = ProjectionLagSample(at: seconds, head: 0, lowest: .max, ageSeconds: 0, worst: nil, rssMB: ResidentMemory.currentMegabytes())
        for try await (head, name, last, ageMicroseconds) in rows.decode((Int64, String, Int64, Int64).self) {
            sample.head = head
            if last < sample.lowest {
                sample.lowest = last
                if last < head { sample.worst = name }
            }
            if last < head { sample.ageSeconds = max(sample.ageSeconds, Double(ageMicroseconds) / 1e6) }
        }
        if sample.lowest == .max { sample.lowest = sample.head }
        return sample
    }

    /// Runs `body` while sampling every `interval`; returns its result and the samples (the first
    /// taken as `body` starts, the last as it ends), each also handed to `onSample` as it is taken.
    func sampling<T: Sendable>(
        every interval: Duration = .seconds(1), onSample: @escaping @Sendable (ProjectionLagSample) -> Void = { _ in },
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> (T, [ProjectionLagSample]) {
        let samples = NIOLockedValueBox<[ProjectionLagSample]>([])
        let clock = ContinuousClock()
        let start = clock.now
        let probe = self
        let result = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                var next = start
                while !Task.isCancelled {
                    let sample = try await probe.sample(at: (clock.now - start).seconds)
                    samples.withLockedValue { $0.append(sample) }
                    onSample(sample)
                    next += interval
                    do { try await Task.sleep(until: next, clock: clock) } catch { return nil }
                }
                return nil
            }
            group.addTask { try await body() }
            while let value = try await group.next() {
                if let value {
                    group.cancelAll()
                    return value
                }
            }
            throw CancellationError()
        }
        let last = try await sample(at: (clock.now - start).seconds)
        onSample(last)
        return (result, samples.withLockedValue { $0 } + [last])
    }

    /// Waits until every projection has applied position `target`, looking every 100 ms; returns
    /// the seconds from `since` until it saw them there, or nil when `timeout` passed first.
    func waitUntilApplied(_ target: Int64, since: ContinuousClock.Instant, timeout: Duration) async throws -> Double? {
        let clock = ContinuousClock()
        while true {
            if try await sample().lowest >= target { return (clock.now - since).seconds }
            if clock.now - since > timeout { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The lag over a phase: the worst and the 95th percentile of the samples.
struct ProjectionLagSummary: Sendable {
    var samples: Int
    var maxSeconds: Double
    var p95Seconds: Double
    var maxEntries: Int64
    var p95Entries: Int64
    /// The projection furthest behind in the sample of the greatest lag (nil: none was behind).
    var worst: String?

    init(_ samples: [ProjectionLagSample]) {
        self.samples = samples.count
        worst = samples.max { ($0.ageSeconds, $0.behindEntries) < ($1.ageSeconds, $1.behindEntries) }?.worst
        let seconds = samples.map(\.ageSeconds).sorted()
        let entries = samples.map(\.behindEntries).sorted()
        func p95<V>(_ sorted: [V], zero: V) -> V { sorted.isEmpty ? zero : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * 0.95).rounded()))] }
        maxSeconds = seconds.last ?? 0
        p95Seconds = p95(seconds, zero: 0)
        maxEntries = entries.last ?? 0
        p95Entries = p95(entries, zero: 0)
    }

    /// JSON members prefixed with `prefix` (`sustained_lag_max_seconds` …).
    func json(_ prefix: String) -> [String: any Sendable] {
        var json: [String: any Sendable] = [
            "\(prefix)_max_seconds": (maxSeconds * 1000).rounded() / 1000, "\(prefix)_p95_seconds": (p95Seconds * 1000).rounded() / 1000,
            "\(prefix)_max_entries": maxEntries, "\(prefix)_p95_entries": p95Entries, "\(prefix)_samples": samples,
        ]
        if let worst { json["\(prefix)_worst_projection"] = worst }
        return json
    }

    var text: String {
        String(format: "max %.2f s / %lld entries, p95 %.2f s / %lld entries (%d samples)", maxSeconds, maxEntries, p95Seconds, p95Entries, samples)
            + (worst.map { "; furthest behind at the worst: \($0)" } ?? "")
    }
}
