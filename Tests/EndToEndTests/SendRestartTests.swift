import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// `recordkeeper serve` killed (SIGKILL) in the middle of a send queue, then started again: every
/// request is sent exactly once. Requests that were in flight when it died (Meta got them, the
/// answer was lost) are proven by Meta's status webhook carrying their callback data, and are
/// not sent a second time.
@Suite("Sending across a crash", .timeLimit(.minutes(6)))
struct SendRestartTests {
    /// The staff API token of the test's supervisor (issued with `recordkeeper tokens issue`).
    @TaskLocal static var staffToken = ""
    static let citizens = (1...4).map { "1650555700\($0)" }
    static let perCitizen = 3

    @Test("SIGKILL mid-queue, restart: each request reaches Meta once and ends accepted; the ledger verifies")
    func crashMidQueue() async throws {
        try await TestGraphServer.with { graph in
            // Every send takes 400 ms, but the first citizen's second one 15 s: serve is killed while
            // Meta holds that one (a kill timed by the other sends alone could, on a loaded machine,
            // fall between an answer and the next send, with nothing in flight).
            for citizen in Self.citizens {
                let second: FakeSendAnswer = citizen == Self.citizens[0] ? .slow(.seconds(15)) : .slow(.milliseconds(400))
                await graph.script(citizen, .slow(.milliseconds(400)), second, .slow(.milliseconds(400)))
            }
            try await withScratchDatabase { database in
                try await withTemporaryDirectory { work in
                    var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                    cli.environment["WHATSAPP_APP_SECRET"] = WebhookDeliveries.appSecret
                    cli.environment["WHATSAPP_ACCESS_TOKEN"] = TestGraphServer.accessToken
                    cli.environment["WHATSAPP_GRAPH_URL"] = graph.baseURL
                    // Longer than a restart takes on a loaded machine: the dead process's claims must
                    // still hold when Meta's statuses arrive (after that, the documented window).
                    cli.environment["WHATSAPP_SEND_CLAIM_SECONDS"] = "30"
                    try await cli.succeed(["migrate"])
                    try await cli.succeed(["users", "add", "desk", "--role", "supervisor"])
                    let issued = try await cli.run(["tokens", "issue", "desk", "--expires", "1d", "--json"])
                    #expect(issued.exitCode == 0, "\(issued.transcript)")
                    let token = try #require(try JSONValue.parse(Array(issued.stdout.utf8)).text("token"))
                    let http = HTTPClient(eventLoopGroupProvider: .singleton)
                    do {
                        try await Self.$staffToken.withValue(token) { try await Self.exercise(cli: cli, work: work, graph: graph, http: http) }
                    } catch {
                        try? await http.shutdown()
                        throw error
                    }
                    try await http.shutdown()

                    // At least one request was in flight when serve died: Meta's status proved it.
                    let proven = try await withPostgresClient(database.serviceURL) { client in
                        try await client.query(
                            """
                            SELECT count(*)::int8 FROM ledger_entries
                            WHERE event_type = 'message.send.accepted' AND header::jsonb ->> 'source' = 'status_webhook'
                            """, logger: testLogger
                        ).collect().first?.decode(Int64.self)
                    }
                    #expect((proven ?? 0) >= 1, "a request in flight at the crash is accepted from its status, not sent again")

                    let verify = try await cli.run(["verify", "--ledger", "main", "--json"])
                    #expect(verify.exitCode == 0, "\(verify.transcript)")
                }
            }
        }
    }

    static func exercise(cli: RecordkeeperCLI, work: URL, graph: TestGraphServer, http: HTTPClient) async throws {
        var serve = try await start(cli: cli, work: work, label: "serve-1")
        // Citizens write; the agency answers each three times.
        for (index, citizen) in citizens.enumerated() {
            let body = WebhookDeliveries.textDelivery(
                wamid: "wamid.restart-in-\(index)", waID: citizen, timestamp: Int64(Date().timeIntervalSince1970))
            #expect(
                try await request(http, serve.base, "/webhooks/whatsapp", body: body, headers: ["X-Hub-Signature-256": WebhookDeliveries.signature(body)])
                    .status == 200)
        }
        var conversations: [String] = []
        try await eventually("not every citizen's conversation was listed", timeout: .seconds(30), interval: .milliseconds(100)) {
            let list = try await request(http, serve.base, "/v1/conversations", method: .GET)
            conversations = (try JSONValue.parse(list.body))["items"]?.array?.compactMap { $0.text("id") } ?? []
            return conversations.count >= citizens.count
        }
        try #require(conversations.count == citizens.count)
        var positions: [Int64] = []
        for round in 0..<perCitizen {
            for conversation in conversations {
                let answer = try await request(
                    http, serve.base, "/v1/conversations/\(conversation)/messages", body: Array(#"{"type":"text","text":{"body":"answer \#(round)"}}"#.utf8))
                #expect(answer.status == 202)
                positions.append(try #require(try JSONValue.parse(answer.body)["position"]?.integer))
            }
        }
        // Kill it while sends are in flight: once Meta holds the first citizen's second answer.
        try await eventually("the first citizen's second answer did not reach Meta", interval: .milliseconds(25)) {
            let sent = await graph.sentMessages()
            return sent.count(where: { (try? JSONValue.parse($0.body))?.text("to") == citizens[0] }) >= 2
        }
        serve.process.send(SIGKILL)
        _ = try await serve.process.waitForExit(timeout: .seconds(30))
        let reachedMeta = await graph.sentMessages()
        #expect(reachedMeta.count < positions.count, "killed mid-queue: \(reachedMeta.count) of \(positions.count) had reached Meta")

        // Meta's statuses for what it got (as it sends them, with the callback data) arrive after the restart.
        serve = try await start(cli: cli, work: work, label: "serve-2")
        for sent in reachedMeta {
            let json = try JSONValue.parse(sent.body)
            guard let wamid = sent.answeredID, let callback = json.text("biz_opaque_callback_data"), let to = json.text("to") else { continue }
            let body = statusDelivery(wamid: wamid, to: to, callback: callback)
            #expect(
                try await request(http, serve.base, "/webhooks/whatsapp", body: body, headers: ["X-Hub-Signature-256": WebhookDeliveries.signature(body)])
                    .status == 200)
        }
        var statuses: [String] = []
        try await eventually("sends stayed requested after the restart", timeout: .seconds(120), interval: .milliseconds(200)) {
            statuses = []
            for position in positions {
                let status = try await request(http, serve.base, "/v1/sends/\(position)", method: .GET)
                statuses.append((try? JSONValue.parse(status.body))?.text("status") ?? "?")
            }
            return statuses.allSatisfy { $0 != "requested" }
        }
        #expect(statuses.allSatisfy { $0 == "accepted" || $0 == "sent" }, "\(statuses)")

        let sent = await graph.sentMessages()
        let perRequest = Dictionary(grouping: sent.compactMap { try? JSONValue.parse($0.body).text("biz_opaque_callback_data") }, by: { $0 })
        #expect(perRequest.count == positions.count, "every request reached Meta")
        #expect(perRequest.values.allSatisfy { $0.count == 1 }, "no request reached Meta twice: \(perRequest.filter { $0.value.count > 1 }.keys)")
        serve.process.send(SIGTERM)
        #expect(try await serve.process.waitForExit(timeout: .seconds(60)) == .exited(0), "\(serve.process.stderr)")
    }

    struct Serve {
        var process: ChildProcess
        var base: String
    }

    static func start(cli: RecordkeeperCLI, work: URL, label: String) async throws -> Serve {
        let port = try freeLocalPort()
        let process = try ChildProcess.spawn(
            cli.binary, ["serve", "--port", String(port)], environment: cli.environment, workingDirectory: work.path, outputDirectory: work,
            label: label)
        let base = "http://127.0.0.1:\(port)"
        _ = try await waitForHTTP("\(base)/readyz", from: process, within: .seconds(60))
        return Serve(process: process, base: base)
    }

    /// A `sent` status as Meta delivers it for a message that carried `callback`.
    static func statusDelivery(wamid: String, to: String, callback: String) -> [UInt8] {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},\
            "statuses":[{"id":"\(wamid)","status":"sent","timestamp":"\(Int(Date().timeIntervalSince1970))","recipient_id":"\(to)",\
            "biz_opaque_callback_data":"\(callback)"}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }

    struct Answer {
        var status: Int
        var body: [UInt8]
    }

    static func request(
        _ http: HTTPClient, _ base: String, _ path: String, method: HTTPMethod = .POST, body: [UInt8] = [], headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(staffToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if method == .POST { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(request, timeout: .seconds(30))
        return Answer(status: Int(response.status.code), body: Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
    }
}
