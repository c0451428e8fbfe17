import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import RecordkeeperRuntime

/// One kind of request `bench web` measures: its address, its headers, and what a right answer
/// holds (a benchmark that measures error pages is worthless).
struct BenchWebTarget: Sendable {
    /// How it is shown (`GET /inbox (first page)`).
    var title: String
    /// The JSON key prefix of its figures (`inbox_first`).
    var key: String
    var path: String
    var headers: [(String, String)]
    /// The rows a right answer lists; nil: only its status is checked.
    var expectedRows: Int?
    /// Counts the rows of an answer's body.
    var countRows: @Sendable (String) -> Int

    /// Why `body` (answered `status`) is not a right answer; nil when it is.
    func problem(status: HTTPResponseStatus, body: String) -> String? {
        guard status == .ok else { return "HTTP \(status.code): \(body.prefix(300))" }
        if let expectedRows {
            let rows = countRows(body)
            if rows != expectedRows { return "\(rows) rows where \(expectedRows) were expected: \(body.prefix(300))" }
        }
        return nil
    }
}

/// The requests of `bench web`: GETs from C clients, each checked before it counts.
enum BenchWebRequests {
    /// Sends `count` requests of `target` from `concurrency` clients (keep-alive connections);
    /// latency is per request, from sending to the last byte of the answer, measured before the
    /// answer is checked.
    static func measure(http: HTTPClient, base: String, target: BenchWebTarget, count: Int, concurrency: Int) async throws -> Measurement {
        try await BenchIngest.send(
            http: http, count: count, concurrency: concurrency, bodyLimit: 8 << 20,
            request: { _ in
                var request = HTTPClientRequest(url: base + target.path)
                for (name, value) in target.headers { request.headers.add(name: name, value: value) }
                return request
            },
            check: { status, body in target.problem(status: status, body: String(buffer: body)).map { "\(target.title): \($0)" } })
    }

    /// One GET; throws unless it is answered 200.
    static func get(http: HTTPClient, base: String, path: String, headers: [(String, String)]) async throws -> String {
        var request = HTTPClientRequest(url: base + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = String(buffer: try await response.body.collect(upTo: 8 << 20))
        guard response.status == .ok else { throw CLIError("GET \(path) answered \(response.status.code): \(body.prefix(300))") }
        return body
    }

    /// The conversations an inbox page lists (its table rows).
    static func pageRows(_ html: String) -> Int {
        html.components(separatedBy: "<tr data-conversation=").count - 1
    }

    /// The items of a `/v1/inbox` answer.
    static func apiItems(_ json: String) -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return -1 }
        return (object["items"] as? [Any])?.count ?? -1
    }

    /// The address of an inbox page's "Next page" link (HTML entities undone); nil on the last page.
    static func nextPagePath(_ html: String) -> String? {
        guard let end = html.range(of: "\">Next page</a>"),
            let start = html[..<end.lowerBound].range(of: "href=\"", options: .backwards)
        else { return nil }
        return String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// The service's own request-duration histogram for one route (`/metrics`,
/// `recordkeeper_http_request_duration_seconds`): cumulative counts by upper bound.
struct BenchRouteHistogram: Sendable {
    /// (upper bound in seconds, requests at most that long), by bound; the last bound is +Inf.
    var buckets: [(bound: Double, count: Int)]

    /// The route's buckets of `GET route` in a Prometheus text scrape; empty when it has none.
    init(scrape: String, route: String) {
        var buckets: [(bound: Double, count: Int)] = []
        for line in scrape.split(separator: "\n") where line.hasPrefix("recordkeeper_http_request_duration_seconds_bucket{") {
            guard line.contains("route=\"\(route)\""), line.contains("method=\"GET\""),
                let le = line.range(of: "le=\"").map({ line[$0.upperBound...].prefix { $0 != "\"" } }),
                let count = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            buckets.append((bound: le == "+Inf" ? .infinity : Double(le) ?? .infinity, count: Int(count)))
        }
        self.buckets = buckets.sorted { $0.bound < $1.bound }
    }

    private init(buckets: [(bound: Double, count: Int)]) {
        self.buckets = buckets
    }

    /// The requests counted since `earlier` (a scrape of the same route before).
    func since(_ earlier: BenchRouteHistogram) -> BenchRouteHistogram {
        BenchRouteHistogram(
            buckets: buckets.map { bucket in (bound: bucket.bound, count: bucket.count - (earlier.buckets.first { $0.bound == bucket.bound }?.count ?? 0)) })
    }

    /// Requests counted.
    var total: Int { buckets.last?.count ?? 0 }

    /// The share of requests answered within `seconds` (a bucket bound); nil without requests.
    func share(within seconds: Double) -> Double? {
        guard total > 0, let bucket = buckets.first(where: { abs($0.bound - seconds) < 1e-9 }) else { return nil }
        return Double(bucket.count) / Double(total)
    }

    /// The smallest bucket bound (ms) holding the `p` quantile; nil without requests.
    func quantileBoundMs(_ p: Double) -> Double? {
        guard total > 0 else { return nil }
        let needed = Double(total) * p
        return buckets.first { Double($0.count) >= needed }.map { $0.bound * 1000 }
    }
}
