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
            let configuration = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(10))
            try await BrowserApp.with(.init(workers: WorkerSet.Settings(ledger: "main", graph: configuration))) { app in
                let delivery = WebhookDeliveries.textDelivery(
                    wamid: "wamid.JOURNEY1", waID: "12065550199", text: "Is my parking permit ready?", timestamp: Int64(Date().timeIntervalSince1970))
                try await app.http.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
                var accounts: [BrowserTests.Account] = []
                for role in [StaffRole.agent, .supervisor] {
                    accounts.append(try await app.enroll(role, name: "journey.\(role.rawValue)", passwordPrefix: "journey"))
                }
                try await eventually("the inbox projection did not take in the conversation") {
                    try await BrowserTests.conversations(app.store) == 1
                }
                let failed = try await Self.run(python: python, port: app.port, accounts: accounts)
                for line in failed { Issue.record("journey step failed: \(line)") }

                // The reply went out through the send dispatcher to the fake Graph API.
                try await eventually("the reply never reached the fake Graph API", timeout: .seconds(30)) {
                    await graph.receivedRequests().contains { $0.endpoint == "messages" && String(decoding: $0.body, as: UTF8.self).contains(Self.reply) }
                }
                // The supervisor's rule is in force.
                let rules = try await InboxQueries(store: app.store).routingRules(ledger: "main")
                #expect(rules.rules.rules.contains { $0.id == "journey-roads" && $0.team == "roads" && $0.keywords == ["pothole"] })
            }
        }
    }

    typealias Account = BrowserTests.Account

    /// Runs the journey script; returns its FAIL lines (and throws when it could not run).
    static func run(python: String, port: Int, accounts: [Account]) async throws -> [String] {
        let run = try await BrowserScript.run(
            python: python, script: "journey_agent.py", port: port, accounts: accounts, label: "journey-agent", timeout: .seconds(480)
        ) { _ in ["--artifacts", BrowserScript.artifacts("journey-agent"), "--reply", reply] }
        let output = run.stdout
        print(output)
        let failures = output.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.map(String.init)
        if run.termination.exitCode == 2 || !output.contains("PASS") {
            throw TestSetupError("the agent journey could not run (\(run.termination)):\n\(output)\n\(run.stderr)")
        }
        #expect((run.termination.exitCode == 0) == failures.isEmpty, "the journey's exit status disagrees with its FAIL lines: \(run.termination)")
        return failures
    }
}
