import Access
import Foundation
import Hummingbird
import HummingbirdTesting
import Inbox
import LedgerStore
import NIOCore
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp
import Workers

/// The agent's job in Chromium (Tests/Browser/journey_agent.py): an agent signs in with the
/// keyboard, opens the inbox, tabs to a conversation, types a reply and sends it with the
/// keyboard alone; the reply must reach the fake Graph API on loopback through the send
/// dispatcher. Then a supervisor adds a routing rule and sees it listed, and it is in force.
/// Screenshots go to `.build/browser-artifacts/journey-agent/`.
@Suite("agent journey in a real browser", .timeLimit(.minutes(10)))
struct BrowserAgentJourneyTests {
    static let reply = "Your permit is ready: collect it at City Hall."

    @Test("an agent answers a citizen with the keyboard (the reply reaches the Graph API); a supervisor adds a routing rule")
    func agentJourney() async throws {
        let python = try BrowserTests.requirePython()
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
                let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
                let directory = StaffDirectory(store: store, ledger: "main", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
                let configuration = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(10))
                let background = testBackground(
                    client: client, store: store, workers: WorkerSet.Settings(ledger: "main", graph: configuration))
                let app = RecordkeeperServer.makeApplication(
                    configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                    migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                    conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: directory,
                    background: background.services, logger: testLogger)
                try await app.test(.live) { client in
                    let port = try #require(client.port)
                    let delivery = WebhookDeliveries.textDelivery(
                        wamid: "wamid.JOURNEY1", waID: "12065550199", text: "Is my parking permit ready?", timestamp: Int64(Date().timeIntervalSince1970))
                    try await client.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
                    var accounts: [BrowserTests.Account] = []
                    for role in [StaffRole.agent, .supervisor] {
                        let name = "journey.\(role.rawValue)"
                        let password = "journey-\(TestEnvironment.randomHex(12))"
                        let (_, enrollment) = try await directory.addUser(
                            name: name, roles: [role], teams: [RoutingRuleSet.defaultTeamName], password: password, enrollTOTP: true, actor: "test")
                        accounts.append(Account(label: role.rawValue, name: name, password: password, totpSecret: try #require(enrollment?.secret)))
                    }
                    try await eventually("the inbox projection did not take in the conversation") {
                        try await BrowserTests.conversations(store) == 1
                    }
                    let failed = try await Self.run(python: python, port: port, accounts: accounts)
                    for line in failed { Issue.record("journey step failed: \(line)") }

                    // The reply went out through the send dispatcher to the fake Graph API.
                    try await eventually("the reply never reached the fake Graph API", timeout: .seconds(30)) {
                        await graph.receivedRequests().contains { $0.endpoint == "messages" && String(decoding: $0.body, as: UTF8.self).contains(Self.reply) }
                    }
                    // The supervisor's rule is in force.
                    let rules = try await InboxQueries(store: store).routingRules(ledger: "main")
                    #expect(rules.rules.rules.contains { $0.id == "journey-roads" && $0.team == "roads" && $0.keywords == ["pothole"] })
                }
            }
        }
    }

    typealias Account = BrowserTests.Account

    /// Runs the journey script; returns its FAIL lines (and throws when it could not run).
    static func run(python: String, port: Int, accounts: [Account]) async throws -> [String] {
        try await withTemporaryDirectory { work in
            let file = work.appendingPathComponent("accounts.json")
            try JSONEncoder().encode(accounts).write(to: file)
            let root = TestEnvironment.repositoryRoot
            let artifacts = root.appendingPathComponent(".build/browser-artifacts/journey-agent").path
            let script = root.appendingPathComponent("Tests/Browser/journey_agent.py").path
            let child = try ChildProcess.spawn(
                python, [script, "--base-url", "http://127.0.0.1:\(port)", "--accounts", file.path, "--artifacts", artifacts, "--reply", reply],
                environment: ProcessInfo.processInfo.environment, workingDirectory: root.path, outputDirectory: work, label: "journey-agent")
            let termination = try await child.waitForExit(timeout: .seconds(480))
            let output = child.stdout
            print(output)
            let failures = output.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.map(String.init)
            if termination.exitCode == 2 || !output.contains("PASS") {
                throw TestSetupError("the agent journey could not run (\(termination)):\n\(output)\n\(child.stderr)")
            }
            #expect((termination.exitCode == 0) == failures.isEmpty, "the journey's exit status disagrees with its FAIL lines: \(termination)")
            return failures
        }
    }
}
