import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench web` as a user runs it: the inbox page measured with a session cookie over
/// HTTP on loopback, every answer checked (200, a full page of rows), the service's own histogram
/// counting the same requests, and the ledger still verifying.
@Suite("bench web", .timeLimit(.minutes(5)))
struct CLIBenchWebTests {
    struct Figures: Decodable {
        var conversations: Int
        var requests: Int
        var concurrency: Int
        var ledger: String
        var ledgerHead: Int
        var ledgerConversations: Int
        var seed: String
        var pageSize: Int
        var cursorPage: Int
        var inboxFirstPerSecond: Double
        var inboxFirstP50Ms: Double
        var inboxFirstP95Ms: Double
        var inboxFirstP99Ms: Double
        var inboxOpenPerSecond: Double
        var inboxOpenP95Ms: Double
        var inboxCursorPerSecond: Double
        var inboxCursorP95Ms: Double
        var v1InboxPerSecond: Double
        var v1InboxP95Ms: Double
        var healthzPerSecond: Double
        var healthzP95Ms: Double
        var inboxP95Ms: Double
        var serverInboxRequests: Int
        var serverInboxWithinTarget: Double?
    }

    @Test("a small run: figures for the three inbox pages and both baselines, counted by the service too; the ledger verifies")
    func smallRun() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli

            let run = try await cli.bench(["web", "--conversations", "120", "--requests", "20", "--concurrency", "2", "--json"])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(Figures.self)
            #expect(figures.conversations == 120 && figures.requests == 20 && figures.concurrency == 2)
            #expect(figures.seed == "webhook" && figures.pageSize == 50)
            #expect(figures.cursorPage == 2, "three pages: the middle one is reached through the cursor")
            #expect(figures.ledgerConversations == 120, "one conversation per delivery, in a fresh database")
            #expect(figures.ledgerHead >= 120, "each delivery is at least one entry")
            for rate in [
                figures.inboxFirstPerSecond, figures.inboxOpenPerSecond, figures.inboxCursorPerSecond, figures.v1InboxPerSecond, figures.healthzPerSecond,
            ] {
                #expect(rate > 0)
            }
            #expect(figures.inboxFirstP50Ms > 0 && figures.inboxFirstP50Ms <= figures.inboxFirstP95Ms && figures.inboxFirstP95Ms <= figures.inboxFirstP99Ms)
            #expect(figures.inboxP95Ms == max(figures.inboxFirstP95Ms, figures.inboxOpenP95Ms, figures.inboxCursorP95Ms))
            #expect(figures.serverInboxRequests == 3 * 20, "the service's histogram counted each measured page request once")
            #expect(figures.serverInboxWithinTarget.map { (0...1).contains($0) } == true)

            let verify = try await cli.run(["verify", "--ledger", figures.ledger, "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }

    @Test("fewer conversations than one page is refused with the reason: no page would be reached through the cursor")
    func tooFewConversations() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli
            let run = try await cli.bench(["web", "--conversations", "30", "--requests", "5"])
            #expect(run.exitCode != nil && run.exitCode != 0, "\(run.transcript)")
            #expect(run.transcript.contains("--conversations must be more than 50"), "\(run.transcript)")
        }
    }
}
