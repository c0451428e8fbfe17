import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench read` as a user runs it: conversations opened by signed webhook
/// deliveries, their timelines and metadata read over HTTP on loopback, each timeline read
/// recorded as `access.viewed`, and the ledger still verifying.
@Suite("bench read", .timeLimit(.minutes(5)))
struct CLIBenchReadTests {
    struct Figures: Decodable {
        var requests: Int
        var conversations: Int
        var concurrency: Int
        var ledger: String
        var metadataPerSecond: Double
        var metadataP50Ms: Double
        var metadataP99Ms: Double
        var timelinePerSecond: Double
        var timelineP50Ms: Double
        var timelineP99Ms: Double
        var accessEvents: Int
    }

    @Test("a small run: figures for both kinds of read, one access.viewed per timeline read; the ledger verifies")
    func smallRun() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli

            let run = try await cli.bench(["read", "--conversations", "5", "--requests", "30", "--concurrency", "2", "--json"])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(Figures.self)
            #expect(figures.conversations == 5 && figures.requests == 30 && figures.concurrency == 2)
            #expect(figures.metadataPerSecond > 0 && figures.timelinePerSecond > 0)
            #expect(figures.metadataP50Ms > 0 && figures.metadataP50Ms <= figures.metadataP99Ms)
            #expect(figures.timelineP50Ms > 0 && figures.timelineP50Ms <= figures.timelineP99Ms)
            #expect(figures.accessEvents == 30, "each measured timeline read is recorded once")

            let verify = try await cli.run(["verify", "--ledger", figures.ledger, "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }
}
