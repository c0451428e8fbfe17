import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// Stopping PostgreSQL under a running `recordkeeper serve`: deliveries are answered 503 (Meta
/// retries), never 200 without a committed event; after PostgreSQL is back they are recorded,
/// and the ledger verifies.
@Suite("Webhook during a database outage", .timeLimit(.minutes(6)))
struct WebhookDatabaseOutageTests {
    @Test("PostgreSQL stopped: 503s and no 200 without a committed event; restarted: recorded once")
    func outage() async throws {
        try await EmbeddedServe.run(extraEnvironment: [
            "WHATSAPP_APP_SECRET": WebhookDeliveries.appSecret, "WHATSAPP_COMMIT_TIMEOUT": "3",
            // Only the deliveries' own entries: no record.classified or conversation.routed in the count below.
            "RECORDKEEPER_CLASSIFIER": "off", "RECORDKEEPER_ROUTER": "off",
        ]) { serve in
            try await Self.exercise(serve: serve.process, base: serve.baseURL, cluster: serve.clusterDirectory, pgPort: serve.pgPort, work: serve.work)
            // Offline, after the outage: the ledger verifies and holds each acknowledged message once.
            await EmbeddedCluster.stopIfRunning(serve.clusterDirectory, scratch: serve.work)
            let verify = try await RecordkeeperCLI(workDirectory: serve.work, environment: serve.environment).run(["verify", "--ledger", "main", "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
            struct Report: Decodable {
                var ok: Bool
                var entries: Int
            }
            let report = try verify.json(Report.self)
            #expect(report.ok)
            #expect(report.entries == 7, "3 before the outage + 4 retried after it, each once")
        }
    }

    private static func exercise(serve: ChildProcess, base: String, cluster: URL, pgPort: Int, work: URL) async throws {
        _ = try await waitForHTTP("\(base)/healthz", from: serve, within: .seconds(120))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            // Before: recorded.
            for i in 0..<3 {
                #expect(try await post(http, base, WebhookDeliveries.textDelivery(wamid: "wamid.before-\(i)")) == 200)
            }
            // PostgreSQL stops.
            try await pgCtl(["-D", cluster.path, "-m", "fast", "-w", "stop"], work: work)
            var during: [Int] = []
            for i in 0..<4 {
                during.append(try await post(http, base, WebhookDeliveries.textDelivery(wamid: "wamid.during-\(i)")))
            }
            #expect(during.allSatisfy { $0 == 503 }, "while PostgreSQL is down every delivery is answered 503, got \(during)")
            // PostgreSQL is back; Meta retries the same deliveries.
            try await pgCtl(
                [
                    "-D", cluster.path, "-l", cluster.appendingPathComponent("restart.log").path, "-w",
                    "-o", "-c listen_addresses=127.0.0.1 -p \(pgPort) -c unix_socket_directories=''", "start",
                ], work: work)
            var after: [Int] = []
            for attempt in 0..<20 {
                after = []
                for i in 0..<4 {
                    after.append(try await post(http, base, WebhookDeliveries.textDelivery(wamid: "wamid.during-\(i)")))
                }
                if after.allSatisfy({ $0 == 200 }) || attempt == 19 { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(after.allSatisfy { $0 == 200 }, "after the restart the retries are recorded, got \(after)")
            for i in 0..<3 {
                #expect(try await post(http, base, WebhookDeliveries.textDelivery(wamid: "wamid.before-\(i)")) == 200)
            }
            serve.send(SIGTERM)
            let termination = try await serve.waitForExit(timeout: .seconds(60))
            #expect(termination == .exited(0), "serve's stderr:\n\(serve.stderr)")
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// POSTs a signed delivery and returns the status.
    private static func post(_ http: HTTPClient, _ base: String, _ body: [UInt8]) async throws -> Int {
        var request = HTTPClientRequest(url: "\(base)/webhooks/whatsapp")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookDeliveries.signature(body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Runs pg_ctl as the cluster's owner (the `postgres` OS user when we are root).
    private static func pgCtl(_ arguments: [String], work: URL) async throws {
        guard let pgCtl = EmbeddedCluster.pgCtl() else { throw TestSetupError("pg_ctl not found: install postgresql-15") }
        var command = [pgCtl] + arguments
        if getuid() == 0 { command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command }
        let child = try ChildProcess.spawn(
            command[0], Array(command.dropFirst()), environment: TestEnvironment.cleanEnvironment(), workingDirectory: "/",
            outputDirectory: work, label: "pg-ctl-\(arguments.last ?? "")"
        )
        let termination = try await child.waitForExit(timeout: .seconds(60))
        guard termination == .exited(0) else { throw TestSetupError("pg_ctl \(arguments) ended \(termination): \(child.stderr)") }
    }
}
