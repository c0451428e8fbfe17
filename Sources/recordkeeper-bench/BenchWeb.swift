import Access
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import LedgerStore
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperRuntime
import Server
import WhatsApp
import Workers

/// `recordkeeper-bench web`: an agent's inbox page (`GET /inbox`) with N conversations in their
/// team, over real HTTP on loopback with a session cookie, as a browser asks for it: the first
/// page, the open queue, and a page in the middle reached through the cursor. Baselines measured
/// in the same run: `GET /v1/inbox` (the JSON the page shares its query with) and `GET /healthz`.
///
/// The conversations are opened through the path the product uses: one signed webhook delivery
/// per citizen, then the conversations projection and the inbox router caught up (every
/// conversation routed to this run's team by the routing rules, set through `/v1/routing/rules`)
/// and every projection at the ledger's head. "Server time" is the client's latency on loopback
/// over keep-alive; the service's own `/metrics` histogram of `/inbox` is reported beside it.
struct BenchWeb: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Render an agent's inbox page with N conversations in their team, R times from C clients; compare with /v1/inbox and /healthz.")
    static let defaultLedger = "bench-web"
    static let defaultConcurrency = 4
    /// The inbox page's default page size (`WebApplication.Settings.pageSize`).
    static let pageSize = 50
    /// Issue 16's acceptance line: the inbox page's p95 server time.
    static let targetP95Ms = 100.0

    @OptionGroup var options: BenchOptions

    @Option(help: "Requests of each kind.")
    var requests = 500

    @Option(help: "Conversations in the agent's team, opened by signed webhook deliveries (more than one page: at least 51).")
    var conversations = 10_000

    var sizes: KeyValuePairs<String, Int> { ["--requests": requests, "--conversations": conversations] }

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        guard conversations > Self.pageSize else {
            throw CLIError("--conversations must be more than \(Self.pageSize) (one page of the inbox), so that a page is reached through the cursor")
        }
        let figures = try await withBenchHTTPClient(concurrency: max(context.concurrency, 8)) { http in
            try await measure(context, http: http)
        }
        return BenchFigures(json: figures.json, lines: figures.lines)
    }

    private func measure(_ context: BenchContext, http: HTTPClient) async throws -> BenchWebFigures {
        let (requests, conversations, concurrency, ledger, showProgress) = (requests, conversations, context.concurrency, context.ledger, context.showProgress)
        return try await BenchService.with(context) { service in
            let plan = BenchWebPlan(
                requests: requests, conversations: conversations, concurrency: concurrency, ledger: ledger, runID: service.run,
                secret: service.secret, showProgress: showProgress)
            var figures = try await plan.run(http: http, base: service.base, store: service.store, directory: service.directory)
            figures.memory = service.memory.ended()
            return figures
        }
    }
}

/// One run of `bench web` against a running server.
struct BenchWebPlan: Sendable {
    var requests: Int
    var conversations: Int
    var concurrency: Int
    var ledger: String
    /// This run's suffix (team, staff and wamid names).
    var runID: String
    var secret: String
    var showProgress: Bool

    func run(http: HTTPClient, base: String, store: LedgerStore, directory: StaffDirectory) async throws -> BenchWebFigures {
        let team = "bench-\(runID)"
        let (lead, agent) = ("bench-\(runID)-lead", "bench-\(runID)-agent")
        let password = "bench passphrase " + SystemRandomNumberGenerator.randomHex(12)
        _ = try await directory.addUser(name: lead, roles: [.supervisor], actor: "cli:bench")
        _ = try await directory.addUser(name: agent, roles: [.agent], teams: [team], password: password, actor: "cli:bench")
        let leadToken = try await directory.issueToken(user: lead, expiresIn: .seconds(3600), actor: "cli:bench").token
        let agentToken = try await directory.issueToken(user: agent, expiresIn: .seconds(3600), actor: "cli:bench").token
        // The session a browser gets from POST /signin, through the same directory call.
        let session = try await directory.signIn(name: agent, password: password, totp: nil, requireMFA: false).id
        try await setRouting(http: http, base: base, token: leadToken, team: team)

        let clock = ContinuousClock()
        let seedStart = clock.now
        _ = try await BenchConversations(http: http, base: base, token: leadToken, secret: secret, count: conversations, showProgress: showProgress)
            .open(run: runID)
        try await waitUntilRouted(store: store, team: team)
        try await waitUntilProjectionsCaughtUp(store: store)
        let seedSeconds = (clock.now - seedStart).seconds

        let cookie = [("Cookie", "rk_session=\(session)")]
        let pageSize = BenchWeb.pageSize
        let pages = (conversations + pageSize - 1) / pageSize
        let cursorPage = max(2, (pages + 1) / 2)
        if showProgress { Output.progress("following the inbox's Next page links to page \(cursorPage)…") }
        var path = "/inbox"
        for _ in 1..<cursorPage {
            let html = try await BenchWebRequests.get(http: http, base: base, path: path, headers: cookie)
            guard let next = BenchWebRequests.nextPagePath(html) else { throw CLIError("the inbox page \(path) has no Next page link") }
            path = next
        }
        let rows: @Sendable (String) -> Int = { BenchWebRequests.pageRows($0) }
        let targets = [
            BenchWebTarget(title: "GET /healthz", key: "healthz", path: "/healthz", headers: [], expectedRows: nil, countRows: { _ in 0 }),
            BenchWebTarget(
                title: "GET /v1/inbox (JSON)", key: "v1_inbox", path: "/v1/inbox?limit=\(pageSize)",
                headers: [("Authorization", "Bearer \(agentToken)")], expectedRows: pageSize, countRows: { BenchWebRequests.apiItems($0) }),
            BenchWebTarget(title: "GET /inbox (first page)", key: "inbox_first", path: "/inbox", headers: cookie, expectedRows: pageSize, countRows: rows),
            BenchWebTarget(
                title: "GET /inbox?state=open", key: "inbox_open", path: "/inbox?state=open", headers: cookie, expectedRows: pageSize, countRows: rows),
            BenchWebTarget(
                title: "GET /inbox?cursor=… (page \(cursorPage))", key: "inbox_cursor", path: path, headers: cookie,
                expectedRows: min(pageSize, conversations - pageSize * (cursorPage - 1)), countRows: rows),
        ]
        for target in targets {
            if showProgress { Output.progress("warm-up: \(target.title)…") }
            try check(try await BenchWebRequests.measure(http: http, base: base, target: target, count: min(50, requests), concurrency: concurrency))
        }
        let before = try await inboxHistogram(http: http, base: base, token: leadToken)
        var measured: [(BenchWebTarget, Measurement)] = []
        for target in targets {
            if showProgress { Output.progress("\(target.title): \(requests) requests…") }
            let measurement = try await BenchWebRequests.measure(http: http, base: base, target: target, count: requests, concurrency: concurrency)
            try check(measurement)
            measured.append((target, measurement))
        }
        let server = try await inboxHistogram(http: http, base: base, token: leadToken).since(before)
        if showProgress { Output.endProgress() }
        let ref = try await store.ledger(named: ledger, create: false)
        return BenchWebFigures(
            conversations: conversations, requests: requests, concurrency: concurrency, ledger: ledger, team: team,
            ledgerHead: try await store.head(of: ref).position, ledgerConversations: try await count("conversations", store: store, ledger: ref),
            seedSeconds: seedSeconds, cursorPage: cursorPage, kinds: measured.map { BenchWebFigures.Kind($0.0, $0.1, count: requests) },
            server: server)
    }

    private func check(_ measurement: Measurement) throws {
        guard measurement.failures == 0 else {
            throw CLIError(
                "\(measurement.failures) answers were wrong (first: \(measurement.firstFailure ?? "?")): the figures would be meaningless")
        }
    }

    /// Routes every new conversation to `team` (`PUT /v1/routing/rules` as a supervisor).
    private func setRouting(http: HTTPClient, base: String, token: String, team: String) async throws {
        var request = HTTPClientRequest(url: base + "/v1/routing/rules")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"default_team":"\#(team)","rules":[]}"#))
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw CLIError("PUT /v1/routing/rules answered \(response.status.code): \(String(buffer: body).prefix(300))")
        }
    }

    /// Waits until the inbox router has routed every conversation of this run to `team`.
    private func waitUntilRouted(store: LedgerStore, team: String) async throws {
        let ref = try await store.ledger(named: ledger, create: false)
        let clock = ContinuousClock()
        var last = (clock.now, -1)
        while true {
            let rows = try await store.client.query(
                "SELECT count(*)::int8 FROM inbox_conversations WHERE ledger_id = \(ref.id) AND team = \(team)", logger: store.logger)
            var routed = 0
            for try await value in rows.decode(Int64.self) { routed = Int(value) }
            if routed >= conversations { return }
            if showProgress { Output.progress("routing: \(routed)/\(conversations) conversations in team \(team)…") }
            if routed > last.1 {
                last = (clock.now, routed)
            } else if clock.now - last.0 > .seconds(60) {
                throw CLIError("the inbox router stalled: \(routed) of \(conversations) conversations routed to \(team), nothing new for 60 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until every projection of the ledger has applied its head, so that no catch-up
    /// competes with the measured requests.
    private func waitUntilProjectionsCaughtUp(store: LedgerStore) async throws {
        let ref = try await store.ledger(named: ledger, create: false)
        let head = try await store.head(of: ref).position
        let clock = ContinuousClock()
        var last = (clock.now, Int64.max)
        while true {
            let rows = try await store.client.query(
                "SELECT count(*)::int8, COALESCE(sum(\(head) - last_position), 0)::int8 FROM projection_state WHERE ledger_id = \(ref.id) AND last_position < \(head)",
                logger: store.logger)
            var (behind, lag) = (Int64(0), Int64(0))
            for try await (count, total) in rows.decode((Int64, Int64).self) { (behind, lag) = (count, total) }
            if behind == 0 { return }
            if showProgress { Output.progress("projections: \(behind) still catching up to position \(head)…") }
            if lag < last.1 {
                last = (clock.now, lag)
            } else if clock.now - last.0 > .seconds(60) {
                throw CLIError("\(behind) projections stalled behind position \(head) for 60 s: the requests would compete with their catch-up")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The service's own duration histogram of `GET /inbox` (`/metrics`, as a supervisor).
    private func inboxHistogram(http: HTTPClient, base: String, token: String) async throws -> BenchRouteHistogram {
        let text = try await BenchWebRequests.get(http: http, base: base, path: "/metrics", headers: [("Authorization", "Bearer \(token)")])
        return BenchRouteHistogram(scrape: text, route: "/inbox")
    }

    private func count(_ table: String, store: LedgerStore, ledger: LedgerRef) async throws -> Int {
        let rows = try await store.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(table) WHERE ledger_id = \(ledger.id)"), logger: store.logger)
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }
}

/// What `bench web` measured.
struct BenchWebFigures: Sendable {
    /// One kind of request: throughput and latency quantiles (ms, client-side).
    struct Kind: Sendable {
        var title: String
        var key: String
        var rate: Double
        var p50: Double
        var p95: Double
        var p99: Double

        init(_ target: BenchWebTarget, _ measurement: Measurement, count: Int) {
            title = target.title
            key = target.key
            rate = Double(count) / measurement.seconds
            p50 = measurement.percentile(0.50)
            p95 = measurement.percentile(0.95)
            p99 = measurement.percentile(0.99)
        }
    }

    var conversations: Int
    var requests: Int
    var concurrency: Int
    var ledger: String
    var team: String
    var ledgerHead: Int64
    var ledgerConversations: Int
    var seedSeconds: Double
    var cursorPage: Int
    var kinds: [Kind]
    /// `GET /inbox` as the service's own histogram counted it during the measured requests.
    var server: BenchRouteHistogram
    /// The process's resident memory from the service's start to the end of the requests.
    var memory: ProcessMemory?

    /// The worst p95 of the three inbox page kinds.
    var inboxP95: Double { kinds.filter { $0.key.hasPrefix("inbox_") }.map(\.p95).max() ?? 0 }

    var json: [String: any Sendable] {
        var json: [String: any Sendable] = [
            "conversations": conversations, "requests": requests, "concurrency": concurrency, "ledger": ledger, "team": team,
            "ledger_head": ledgerHead, "ledger_conversations": ledgerConversations, "build": RecordkeeperBench.buildKind,
            "seed": "webhook", "seed_seconds": (seedSeconds * 10).rounded() / 10, "page_size": BenchWeb.pageSize, "cursor_page": cursorPage,
            "inbox_p95_ms": inboxP95, "target_p95_ms": BenchWeb.targetP95Ms, "met": inboxP95 < BenchWeb.targetP95Ms,
            "server_inbox_requests": server.total,
        ]
        for kind in kinds {
            json["\(kind.key)_per_second"] = kind.rate.rounded()
            json["\(kind.key)_p50_ms"] = kind.p50
            json["\(kind.key)_p95_ms"] = kind.p95
            json["\(kind.key)_p99_ms"] = kind.p99
        }
        if let share = server.share(within: BenchWeb.targetP95Ms / 1000) { json["server_inbox_within_target"] = (share * 10_000).rounded() / 10_000 }
        if let bound = server.quantileBoundMs(0.95), bound.isFinite { json["server_inbox_p95_bucket_ms"] = bound }
        if let memory { json.merge(memory.json(of: "the service"), uniquingKeysWith: { $1 }) }
        return json
    }

    var lines: [String] {
        var lines = [
            "recordkeeper-bench web: \(conversations) conversations in team \(team), \(requests) requests of each kind, \(concurrency) clients, "
                + "\(RecordkeeperBench.buildKind) build",
            "  ledger \(ledger): \(ledgerHead) entries, \(ledgerConversations) conversations; seeded by signed webhook deliveries, "
                + String(format: "projections and router caught up in %.1f s", seedSeconds),
            "  latency: client-side on loopback over keep-alive, from sending the request to the answer's last byte",
        ]
        for kind in kinds {
            lines.append(
                "  " + kind.title.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(format: " %7.0f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms", kind.rate, kind.p50, kind.p95, kind.p99))
        }
        if let share = server.share(within: BenchWeb.targetP95Ms / 1000) {
            let bound = server.quantileBoundMs(0.95).map { $0.isFinite ? String(format: "≤ %.0f ms", $0) : "over 10 s" } ?? "?"
            lines.append(
                "  server histogram (/metrics, GET /inbox, \(server.total) requests): "
                    + String(format: "%.1f%% within 100 ms; p95 in the bucket ", share * 100) + bound)
        }
        lines.append(
            String(format: "  inbox page p95 %.2f ms: ", inboxP95)
                + (inboxP95 < BenchWeb.targetP95Ms ? "under" : "NOT under") + String(format: " the %.0f ms of issue 16", BenchWeb.targetP95Ms))
        if let memory { lines.append(memory.line(of: "the service")) }
        return lines
    }
}
