import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing

/// `serve --no-workers` with two `recordkeeper work` processes on one ledger records and projects
/// the same as one `serve`: every event once (no worker does its job twice because another process
/// runs it too) and every projection at the head with the same rows.
@Suite("Workers apart from HTTP", .timeLimit(.minutes(8)))
struct WorkProcessesTests {
    static let citizens = (1...6).map { "1650555810\($0)" }

    @Test("serve --no-workers + two `work` processes record and project what one `serve` does")
    func twoWorkersMatchOneServe() async throws {
        let masterKey = TestEnvironment.randomMasterKeyBase64()
        let apart = try await Self.run(masterKey: masterKey) { cli, work, port in
            [
                try ChildProcess.spawn(
                    cli.binary, ["serve", "--no-workers", "--port", String(port)], environment: cli.environment, workingDirectory: work.path,
                    outputDirectory: work, label: "serve-http"),
                try ChildProcess.spawn(cli.binary, ["work"], environment: cli.environment, workingDirectory: work.path, outputDirectory: work, label: "work-1"),
                try ChildProcess.spawn(cli.binary, ["work"], environment: cli.environment, workingDirectory: work.path, outputDirectory: work, label: "work-2"),
            ]
        }
        let together = try await Self.run(masterKey: masterKey) { cli, work, port in
            [
                try ChildProcess.spawn(
                    cli.binary, ["serve", "--port", String(port)], environment: cli.environment, workingDirectory: work.path, outputDirectory: work,
                    label: "serve")
            ]
        }
        #expect(apart.eventCounts == together.eventCounts, "the same events, each as often")
        #expect(apart.eventCounts["conversation.routed"] == Self.citizens.count, "each conversation routed once")
        #expect(apart.conversations == together.conversations, "the same conversations in the API")
        #expect(apart.conversations.count == Self.citizens.count)
    }

    @Test("work and serve --no-workers refuse the embedded default with a message naming DATABASE_URL")
    func refuseEmbedded() async throws {
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: ["RECORDKEEPER_DATA_DIR": work.appendingPathComponent("data").path])
            for arguments in [["work"], ["serve", "--no-workers"]] {
                let result = try await cli.run(arguments, overrides: ["DATABASE_URL": nil])
                #expect(result.exitCode != 0 && result.stderr.contains("DATABASE_URL"), "\(arguments): \(result.transcript)")
            }
        }
    }

    @Test("serve --no-workers alone records deliveries and projects nothing: the workers really are apart")
    func noWorkersProjectsNothing() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                cli.environment["WHATSAPP_APP_SECRET"] = WebhookDeliveries.appSecret
                try await cli.succeed(["migrate"])
                let port = try freeLocalPort()
                let serve = try ChildProcess.spawn(
                    cli.binary, ["serve", "--no-workers", "--port", String(port)], environment: cli.environment, workingDirectory: work.path,
                    outputDirectory: work, label: "serve-http")
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                do {
                    let base = "http://127.0.0.1:\(port)"
                    _ = try await waitForHTTP("\(base)/readyz", from: serve, within: .seconds(60))
                    try await Self.deliver(http, base: base, wamid: "wamid.alone", from: Self.citizens[0], text: "hello")
                    // A projection runner catches up at start and on each append's notification: 3 s is ample.
                    try await Task.sleep(for: .seconds(3))
                    let (received, projected) = try await withPostgresClient(database.serviceURL) { client in
                        let received = try await client.query(
                            "SELECT count(*)::int8 FROM ledger_entries WHERE event_type = 'whatsapp.message.received'", logger: testLogger
                        ).collect().first?.decode(Int64.self)
                        let projected = try await client.query("SELECT count(*)::int8 FROM projection_state", logger: testLogger).collect().first?
                            .decode(Int64.self)
                        return (received, projected)
                    }
                    #expect(received == 1, "the delivery is recorded")
                    #expect(projected == 0, "no projection ran in serve --no-workers")
                    serve.send(SIGTERM)
                    #expect(try await serve.waitForExit(timeout: .seconds(60)) == .exited(0), "\(serve.stderr)")
                    try await http.shutdown()
                } catch {
                    await serve.killAndReap()
                    try? await http.shutdown()
                    throw error
                }
            }
        }
    }

    /// Delivers a signed text message from `citizen` to the webhook, which must answer 200.
    static func deliver(_ http: HTTPClient, base: String, wamid: String, from citizen: String, text: String) async throws {
        let body = WebhookDeliveries.textDelivery(wamid: wamid, waID: citizen, text: text, timestamp: Int64(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: "\(base)/webhooks/whatsapp")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookDeliveries.signature(body))
        request.body = .bytes(ByteBuffer(bytes: body))
        #expect(try await http.execute(request, timeout: .seconds(30)).status == .ok)
    }

    struct Outcome {
        var eventCounts: [String: Int]
        var conversations: [String]
    }

    /// Migrates a scratch database, starts `processes`, delivers two messages from each citizen,
    /// waits until every projection reached the head, and reads the outcome.
    static func run(
        masterKey: String, processes: (RecordkeeperCLI, URL, Int) throws -> [ChildProcess]
    ) async throws -> Outcome {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: masterKey)
                cli.environment["WHATSAPP_APP_SECRET"] = WebhookDeliveries.appSecret
                cli.environment["RECORDKEEPER_ADMIN_TOKEN"] = "work-processes-admin-token-0123456789"
                try await cli.succeed(["migrate"])
                let port = try freeLocalPort()
                let children = try processes(cli, work, port)
                let base = "http://127.0.0.1:\(port)"
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                do {
                    _ = try await waitForHTTP("\(base)/readyz", from: children[0], within: .seconds(60))
                    for round in 0..<2 {
                        for (index, citizen) in citizens.enumerated() {
                            try await deliver(http, base: base, wamid: "wamid.work-\(round)-\(index)", from: citizen, text: "hello \(round)")
                        }
                    }
                    let outcome = try await settled(database: database, base: base, http: http)
                    for child in children { child.send(SIGTERM) }
                    for child in children {
                        #expect(try await child.waitForExit(timeout: .seconds(60)) == .exited(0), "\(child.stderr)")
                    }
                    try await http.shutdown()
                    return outcome
                } catch {
                    for child in children { await child.killAndReap() }
                    try? await http.shutdown()
                    throw error
                }
            }
        }
    }

    /// Polls until every projection is at the head and the router and classifier have done their
    /// work (the event counts stop changing), then reads the outcome.
    static func settled(database: ScratchDatabase, base: String, http: HTTPClient) async throws -> Outcome {
        try await withPostgresClient(database.serviceURL) { client in
            var last: [String: Int] = [:]
            try await eventually(
                "the processes did not settle (projections at the head, every conversation routed)", timeout: .seconds(150), interval: .milliseconds(250)
            ) {
                let counts = try await eventCounts(client)
                let behind =
                    try await client.query(
                        """
                        SELECT count(*)::int8 FROM projection_state s JOIN ledger_heads h ON h.ledger_id = s.ledger_id
                        WHERE s.last_position < h.position
                        """, logger: testLogger
                    ).collect().first?.decode(Int64.self) ?? 1
                if behind == 0, counts == last, counts["conversation.routed"] == citizens.count {
                    return true
                }
                last = counts
                return false
            }
            var request = HTTPClientRequest(url: "\(base)/v1/conversations?limit=100")
            request.headers.add(name: "Authorization", value: "Bearer work-processes-admin-token-0123456789")
            request.headers.add(name: "X-Recordkeeper-Access-Reason", value: "test comparison")
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try JSONValue.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
            let conversations =
                body["items"]?.array?.map { item in
                    "\(item.text("id") ?? "?") team=\(item.text("team") ?? "-") state=\(item.text("state") ?? "-")"
                } ?? []
            return Outcome(eventCounts: try await eventCounts(client), conversations: conversations.sorted())
        }
    }

    static func eventCounts(_ client: PostgresClient) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (type, count) in try await client.query(
            "SELECT event_type, count(*)::int8 FROM ledger_entries GROUP BY event_type", logger: testLogger
        ).decode((String, Int64).self) {
            counts[type] = Int(count)
        }
        return counts
    }
}
