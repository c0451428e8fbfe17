import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench send` as a user runs it: conversations are opened by signed deliveries,
/// every send request is answered 202, the dispatcher sends every one to the benchmark's fake
/// Graph API exactly once, the figures are printed, and the ledger still verifies.
@Suite("bench send", .timeLimit(.minutes(5)))
struct CLIBenchSendTests {
    struct Figures: Decodable {
        var requests: Int
        var conversations: Int
        var concurrency: Int
        var acceptedPerSecond: Double
        var sentPerSecond: Double
        var barePerSecond: Double
        var ratio: Double
        var p50Ms: Double
        var p99Ms: Double
        var sent: Int
        var graphMessages: Int
        var ledger: String
        var ledgerHead: Int
    }

    @Test("a small run: every request accepted and sent once, positive rates, a verifiable ledger")
    func smallRun() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli

            let run = try await cli.bench(["send", "--requests", "200", "--conversations", "20", "--concurrency", "4", "--json"])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(Figures.self)
            #expect(figures.requests == 200 && figures.conversations == 20 && figures.concurrency == 4)
            #expect(figures.sent == figures.requests, "every request is sent and recorded as accepted")
            #expect(figures.graphMessages == figures.requests, "the fake Graph API received each request once")
            #expect(figures.acceptedPerSecond > 0 && figures.sentPerSecond > 0 && figures.barePerSecond > 0)
            #expect(figures.ratio > 0)
            #expect(figures.p99Ms >= figures.p50Ms && figures.p50Ms > 0)
            // The bench's staff user and its token (2), 20 inbound messages; the 200 warm-up and 200
            // measured requests, each requested and accepted.
            #expect(figures.ledgerHead == 2 + 20 + 2 * (200 + 200))

            let verify = try await cli.run(["verify", "--ledger", figures.ledger, "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }

    @Test(
        "--requests, --conversations and --concurrency must be positive: exit 64 with a message, before any database is touched",
        arguments: ["--requests", "--conversations", "--concurrency"])
    func badOptions(option: String) async throws {
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let run = try await cli.bench(["send", option, "0"])
            #expect(run.exitCode == 64, "\(run.transcript)")
            #expect(run.stderr.contains("must be positive"), "\(run.transcript)")
        }
    }
}
