import AsyncHTTPClient
import Foundation
import NIOCore

/// Timings of one measured phase: its wall time and each call's latency.
struct Measurement: Sendable {
    var seconds: Double
    var latenciesMs: [Double]
    /// Calls answered other than expected (HTTP benchmarks), and the first such answer.
    var failures = 0
    var firstFailure: String?

    /// The `p` quantile (0…1) of the latencies in ms, rounded to µs; 0 without latencies.
    func percentile(_ p: Double) -> Double {
        guard !latenciesMs.isEmpty else { return 0 }
        let sorted = latenciesMs.sorted()
        let value = sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        return (value * 1000).rounded() / 1000
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// The duration in milliseconds.
    var milliseconds: Double { seconds * 1000 }
}

extension SystemRandomNumberGenerator {
    /// `count` random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `count` random bytes in lowercase hex.
    static func randomHex(_ count: Int) -> String {
        randomBytes(count).map { String(format: "%02x", $0) }.joined()
    }
}

/// Runs `body` with an HTTP client allowing `concurrency` connections per host, and shuts it
/// down afterwards (also when `body` throws).
func withBenchHTTPClient<T: Sendable>(concurrency: Int, _ body: (HTTPClient) async throws -> T) async throws -> T {
    let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
    let result: T
    do {
        result = try await body(http)
    } catch {
        try? await http.shutdown()
        throw error
    }
    try await http.shutdown()
    return result
}
