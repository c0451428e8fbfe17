import Access
import AsyncHTTPClient
import Foundation
import Hummingbird
import KeyLookups
import Ledger
import LedgerStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperRuntime
import SchemaMigrator
import Server
import WhatsApp
import Workers

/// One run of `recordkeeper bench send`: the bare baseline, then the real application (send API,
/// projections, dispatcher) sending to a fake Graph API, all in this process on loopback.
struct BenchSendPlan: Sendable {
    var requests: Int
    var conversations: Int
    var concurrency: Int
    var ledger: String
    var showProgress: Bool

    /// Requests posted (and sent on) before the measurement, waited for until accepted.
    var warmUp: Int { min(200, requests) }

    func measure(runtime: Runtime, http: HTTPClient, logger: Logger) async throws -> BenchSendFigures {
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let token = SystemRandomNumberGenerator.randomHex(24)
        let bodies = (0..<requests).map(Self.sendBody)

        // Baseline: the bare route, on its own server in this process, posted the same bodies.
        if showProgress { Output.progress("baseline: bare route…") }
        let bareAnnouncer = BenchIngest.portAnnouncer()
        let bareApp = BenchIngest.bareApplication(logger: logger, status: .accepted, onServerRunning: bareAnnouncer.announce)
        let plan = self
        let bare = try await BenchIngest.withServer(bareApp, port: bareAnnouncer.port) { port in
            let url = "http://127.0.0.1:\(port)/bare"
            _ = try await plan.post(http: http, token: token, urls: [url], bodies: Array(bodies.prefix(plan.warmUp)))
            return try await plan.post(http: http, token: token, urls: [url], bodies: bodies)
        }
        guard bare.failures == 0 else { throw CLIError("the bare route did not answer 202 (\(bare.firstFailure ?? "?"))") }

        // The fake Graph API, then the real application sending to it, on a ledger that exists
        // before the dispatcher's first round.
        let ledger = ledger
        _ = try await withLedgerStore(runtime, maximumConnections: 2, logger: logger) { try await $0.ledger(named: ledger) }
        // The database pool of `serve` (its default size).
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(), backgroundLogger: logger)
        let lookups = KeyLookupPool(
            client: PostgresClient(
                configuration: KeyLookupPool.configuration(try runtime.service.clientConfiguration(maximumConnections: 8)), backgroundLogger: logger))
        let store = LedgerStore(client: client, keyLookups: lookups, masterKey: runtime.masterKey, limits: Runtime.appendLimits(), logger: logger)
        let migrations = runtime.migrations
        let received = NIOLockedValueBox(0)
        let graphAnnouncer = BenchIngest.portAnnouncer()
        let graphApp = BenchGraphServer.application(run: run, received: received, logger: logger, onServerRunning: graphAnnouncer.announce)
        return try await BenchIngest.withServer(graphApp, port: graphAnnouncer.port) { graphPort in
            let graph = try GraphAPIConfiguration(baseURL: "http://127.0.0.1:\(graphPort)/v23.0", accessToken: "bench-" + token)
            return try await plan.measureSends(
                client: client, store: store, migrations: migrations, http: http, logger: logger, graph: graph, run: run, bodies: bodies, bare: bare,
                received: received)
        }
    }

    private func measureSends(
        client: PostgresClient, store: LedgerStore, migrations: [Migration], http: HTTPClient, logger: Logger, graph: GraphAPIConfiguration, run: String,
        bodies: [[UInt8]],
        bare: Measurement, received: NIOLockedValueBox<Int>
    ) async throws -> BenchSendFigures {
        let secret = SystemRandomNumberGenerator.randomHex(24)
        var webhook = WhatsAppWebhookSettings(verifyToken: nil, secrets: [.init(app: "bench", secret: secret)], ledger: ledger)
        webhook.commitTimeout = .seconds(30)
        var quiet = logger
        quiet.logLevel = .warning
        let announcer = BenchIngest.portAnnouncer()
        let directory = StaffDirectory(store: store, ledger: ledger, logger: quiet)
        let background = Background(
            workers: WorkerSet.Settings(ledger: ledger, graph: graph, runClassifier: false, runRouter: false), running: true, client: client, store: store,
            logger: quiet)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: migrations,
            projections: WorkerSet.projections,
            whatsApp: webhook, media: graph, conversations: ConversationSettings(ledger: ledger), relays: background.relays,
            staff: directory, background: background.services, logger: quiet, onServerRunning: announcer.announce)
        let plan = self
        return try await BenchIngest.withServer(app, port: announcer.port) { port in
            let base = "http://127.0.0.1:\(port)"
            let memory = ProcessMemory.starting()
            // The send API acts as a member of staff: a supervisor of this run, with a short-lived token.
            _ = try await directory.addUser(name: "bench-\(run)", roles: [.supervisor], actor: "cli:bench")
            let token = try await directory.issueToken(user: "bench-\(run)", expiresIn: .seconds(3600), actor: "cli:bench").token
            let opener = BenchConversations(http: http, base: base, token: token, secret: secret, count: plan.conversations, showProgress: plan.showProgress)
            let ids = try await opener.open(run: run)
            let urls = ids.map { "\(base)/v1/conversations/\($0)/messages" }
            let outbox = BenchOutbox(store: store, ledger: try await store.ledger(named: plan.ledger, create: false), showProgress: plan.showProgress)

            if plan.showProgress { Output.progress("warm-up: \(plan.warmUp) sends…") }
            let warmFrom = try await outbox.head()
            let warm = try await plan.post(http: http, token: token, urls: urls, bodies: Array(bodies.prefix(plan.warmUp)))
            guard warm.failures == 0 else { throw CLIError("a warm-up send request was not answered 202 (\(warm.firstFailure ?? "?"))") }
            _ = try await outbox.waitUntilSent(after: warmFrom, count: plan.warmUp, since: .now())

            if plan.showProgress { Output.progress("send API: \(plan.requests) requests…") }
            let from = try await outbox.head()
            let graphBefore = received.withLockedValue { $0 }
            let started = LedgerTimestamp.now()
            let accept = try await plan.post(http: http, token: token, urls: urls, bodies: bodies)
            guard accept.failures == 0 else {
                throw CLIError(
                    "\(accept.failures) of \(plan.requests) send requests were not answered 202 (first: \(accept.firstFailure ?? "?")): the figures would be meaningless"
                )
            }
            let outcome = try await outbox.waitUntilSent(after: from, count: plan.requests, since: started)
            if plan.showProgress { Output.endProgress() }
            return BenchSendFigures(
                plan: plan, bodyBytes: bodies.first?.count ?? 0, ledgerHead: try await outbox.head(), accept: accept, bare: bare, outcome: outcome,
                graphMessages: received.withLockedValue { $0 } - graphBefore, memory: memory.ended())
        }
    }

    /// Posts body `i` to `urls[i % urls.count]` with the staff token, from `concurrency` clients;
    /// anything but 202 is a failure.
    func post(http: HTTPClient, token: String, urls: [String], bodies: [[UInt8]]) async throws -> Measurement {
        try await BenchIngest.post(http: http, count: bodies.count, concurrency: concurrency, expect: .accepted) { index in
            var request = HTTPClientRequest(url: urls[index % urls.count])
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.body = .bytes(ByteBuffer(bytes: bodies[index]))
            return request
        }
    }

    /// A send API text message of about 200 bytes.
    static func sendBody(index: Int) -> [UInt8] {
        Array(
            """
            {"type":"text","text":{"body":"Your permit application number \(100_000 + index) has been approved. \
            The inspection is scheduled for Tuesday at 10:00. Reply to this message if you need another time."}}
            """.utf8)
    }
}
