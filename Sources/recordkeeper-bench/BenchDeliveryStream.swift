import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import WhatsApp

/// Signed single-message webhook deliveries (``BenchIngest/delivery(index:run:)``, made and
/// signed as they are posted, so that a long run holds no more memory than a short one), posted
/// for a set time: at a fixed rate, or as fast as the clients go.
struct BenchDeliveryStream: Sendable {
    var http: HTTPClient
    /// The webhook route's address.
    var url: String
    /// The app secret deliveries are signed with.
    var secret: String
    /// This run's suffix (unique wamids).
    var run: String
    var concurrency: Int

    /// What one phase posted.
    struct Result: Sendable {
        /// Deliveries answered (200 or not).
        var sent: Int
        /// From the first due delivery to the last answer.
        var seconds: Double
        var failures: Int
        var firstFailure: String?
        /// Request latency quantiles in ms (1 ms buckets up to 10 s: memory stays flat however long the run).
        var p50Ms: Double
        var p99Ms: Double
        /// When the last answer arrived.
        var ended: ContinuousClock.Instant

        var rate: Double { Double(sent) / max(seconds, 1e-9) }
    }

    /// Posts deliveries `first`, `first + 1`, … for `duration`. With `rate`, open loop: delivery
    /// `first + k` is due at the start plus k/`rate` seconds and a client late for its slot posts
    /// at once (so the rate achieved falls short when the clients cannot keep up); without it, each
    /// client posts its next delivery as soon as the previous one is answered.
    func post(from first: Int, rate: Double?, for duration: Duration) async throws -> Result {
        let next = NIOLockedValueBox(0)
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + duration
        let stream = self
        let buckets = 10_001
        let parts = try await withThrowingTaskGroup(of: (Int, Int, String?, [Int], ContinuousClock.Instant).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var (sent, failures, firstFailure, last) = (0, 0, String?.none, start)
                    var histogram = [Int](repeating: 0, count: buckets)
                    while true {
                        try Task.checkCancellation()
                        let k = next.withLockedValue { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        if let rate {
                            let due = start + .nanoseconds(Int64((Double(k) / rate * 1e9).rounded()))
                            guard due < end else { break }
                            if due > clock.now { try await Task.sleep(until: due, clock: clock) }
                        } else if clock.now >= end {
                            break
                        }
                        let began = clock.now
                        let problem = try await stream.postOne(index: first + k)
                        last = clock.now
                        histogram[min(buckets - 1, Int((last - began).milliseconds))] += 1
                        sent += 1
                        if let problem {
                            failures += 1
                            if firstFailure == nil { firstFailure = problem }
                        }
                    }
                    return (sent, failures, firstFailure, histogram, last)
                }
            }
            var total = (0, 0, String?.none, [Int](repeating: 0, count: buckets), start)
            for try await part in group {
                total.0 += part.0
                total.1 += part.1
                total.2 = total.2 ?? part.2
                for index in 0..<buckets { total.3[index] += part.3[index] }
                total.4 = max(total.4, part.4)
            }
            return total
        }
        let (sent, failures, firstFailure, histogram, last) = parts
        func quantile(_ p: Double) -> Double {
            let needed = max(1, Int((Double(sent) * p).rounded(.up)))
            var seen = 0
            for (bucket, count) in histogram.enumerated() {
                seen += count
                if seen >= needed { return Double(bucket + 1) }
            }
            return 0
        }
        return Result(
            sent: sent, seconds: (last - start).seconds, failures: failures, firstFailure: firstFailure, p50Ms: quantile(0.5), p99Ms: quantile(0.99),
            ended: last)
    }

    /// Posts delivery `index`; returns why its answer is wrong, or nil for a 200.
    private func postOne(index: Int) async throws -> String? {
        let body = BenchIngest.delivery(index: index, run: run)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignatureVerifier.signatureHeader(for: body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return response.status == .ok ? nil : "HTTP \(response.status.code): \(String(buffer: answer).prefix(300))"
    }
}
