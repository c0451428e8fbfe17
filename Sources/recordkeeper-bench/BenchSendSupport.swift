import AsyncHTTPClient
import Foundation
import Ledger
import LedgerStore
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import RecordkeeperRuntime
import WhatsApp

/// Opens `bench send`'s conversations: one signed text delivery from each of `count` citizens to a
/// phone number id of this run (so every run's conversations are new and their 24-hour windows
/// open), then waits until the conversations projection lists them all.
struct BenchConversations: Sendable {
    var http: HTTPClient
    var base: String
    var token: String
    var secret: String
    var count: Int
    var showProgress: Bool

    /// The conversations' path ids.
    func open(run: String) async throws -> [String] {
        let phoneNumberID = String(100_000_000_000_000 + Int.random(in: 0..<900_000_000_000_000))
        let now = Int64(Date().timeIntervalSince1970)
        let bodies = (0..<count).map { Self.delivery(index: $0, run: run, phoneNumberID: phoneNumberID, timestamp: now) }
        let signatures = bodies.map { WebhookSignatureVerifier.signatureHeader(for: $0, secret: secret) }
        if showProgress { Output.progress("opening \(count) conversations…") }
        let posted = try await BenchIngest.measure(
            http: http, url: base + "/webhooks/whatsapp", bodies: bodies, signatures: signatures, concurrency: min(count, 8))
        guard posted.failures == 0 else { throw CLIError("a webhook delivery was not answered 200 (\(posted.firstFailure ?? "?"))") }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while true {
            let ids = try await list(phoneNumberID: phoneNumberID)
            if ids.count >= count { return ids }
            if showProgress { Output.progress("opening conversations: \(ids.count)/\(count) listed…") }
            guard clock.now < deadline else {
                throw CLIError("the conversations projection listed \(ids.count) of \(count) conversations after 120 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Every conversation of `phoneNumberID`, page by page.
    func list(phoneNumberID: String) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            var request = HTTPClientRequest(url: base + "/v1/conversations?phone_number_id=\(phoneNumberID)&limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""))
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 8 << 20)
            guard response.status == .ok else {
                throw CLIError("GET /v1/conversations answered \(response.status.code): \(String(buffer: body).prefix(300))")
            }
            let page = try JSONValue.parse(Array(body.readableBytesView))
            ids += page["items"]?.array?.compactMap { $0.text("id") } ?? []
            cursor = page.text("next_cursor")
        } while cursor != nil
        return ids
    }

    /// A text message from citizen `index`, sent `timestamp` (unix seconds).
    static func delivery(index: Int, run: String, phoneNumberID: String, timestamp: Int64) -> [UInt8] {
        let citizen = 12_065_550_000 + index
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"13605550100","phone_number_id":"\(phoneNumberID)"},\
            "contacts":[{"profile":{"name":"Citizen \(citizen)"},"wa_id":"\(citizen)"}],\
            "messages":[{"from":"\(citizen)","id":"wamid.bench-send.\(run).\(index)","timestamp":"\(timestamp)","type":"text",\
            "text":{"body":"Hello, is my permit application ready?"}}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }
}

/// What the dispatcher did with one batch of send requests.
struct BenchSendOutcome: Sendable {
    /// Requests accepted by the (fake) Graph API and recorded so.
    var sent: Int
    /// From the first request to the last `message.send.accepted` recorded.
    var seconds: Double
    /// From each request's record to its acceptance's, in milliseconds.
    var p50Ms: Double
    var p99Ms: Double

    func sentPerSecond(requests: Int) -> Double { Double(requests) / max(seconds, 1e-6) }
}

/// Reads the `outbox` projection (the dispatcher's own queue) to learn when every request of a
/// batch is accepted: one cheap count every 100 ms, no HTTP polling that would compete with the
/// requests being measured.
struct BenchOutbox: Sendable {
    var store: LedgerStore
    var ledger: LedgerRef
    var showProgress: Bool

    func head() async throws -> Int64 {
        try await store.head(of: ledger).position
    }

    /// Waits until `count` requests recorded after position `after` are accepted; fails at once if
    /// one failed, and after 60 s without progress.
    /// - Parameter since: when the first of them was posted.
    func waitUntilSent(after: Int64, count: Int, since: LedgerTimestamp) async throws -> BenchSendOutcome {
        let clock = ContinuousClock()
        var lastProgress = (clock.now, -1)
        while true {
            let (queued, accepted, failed) = try await counts(after: after)
            guard failed == 0 else { throw CLIError("\(failed) send requests failed at the fake Graph API: see the ledger's message.send.failed entries") }
            if accepted >= count { break }
            if showProgress { Output.progress("dispatcher: \(accepted)/\(count) sent, \(queued - accepted) pending in the outbox…") }
            if accepted + queued > lastProgress.1 {
                lastProgress = (clock.now, accepted + queued)
            } else if clock.now - lastProgress.0 > .seconds(60) {
                throw CLIError("the dispatcher stalled: \(accepted) of \(count) sent, \(queued) in the outbox, nothing new for 60 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let rows = try await store.client.query(
            """
            SELECT count(*), max(e.recorded_at_us),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY e.recorded_at_us - o.requested_at_us),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY e.recorded_at_us - o.requested_at_us)
            FROM outbox o JOIN ledger_entries e ON e.ledger_id = o.ledger_id AND e.position = o.outcome_position
            WHERE o.ledger_id = \(ledger.id) AND o.request_position > \(after) AND o.state = 'accepted'
            """, logger: store.logger)
        for try await (sent, last, p50, p99) in rows.decode((Int64, Int64?, Double?, Double?).self) {
            let seconds = Double((last ?? since.microseconds) - since.microseconds) / 1e6
            return BenchSendOutcome(
                sent: Int(sent), seconds: seconds, p50Ms: ((p50 ?? 0) / 100).rounded() / 10, p99Ms: ((p99 ?? 0) / 100).rounded() / 10)
        }
        throw CLIError("the outbox could not be read")
    }

    /// Requests recorded after `after`: (in the outbox, accepted, failed).
    private func counts(after: Int64) async throws -> (Int, Int, Int) {
        let rows = try await store.client.query(
            """
            SELECT count(*), count(*) FILTER (WHERE state = 'accepted'), count(*) FILTER (WHERE state = 'failed')
            FROM outbox WHERE ledger_id = \(ledger.id) AND request_position > \(after)
            """, logger: store.logger)
        for try await (queued, accepted, failed) in rows.decode((Int64, Int64, Int64).self) {
            return (Int(queued), Int(accepted), Int(failed))
        }
        return (0, 0, 0)
    }
}
