import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench ingest` as a user runs it: both phases run over HTTP on loopback, every
/// delivery is recorded, the figures are printed, and the ledger still verifies.
@Suite("bench ingest", .timeLimit(.minutes(4)))
struct CLIBenchIngestTests {
    struct Figures: Decodable {
        var deliveries: Int
        var concurrency: Int
        var projections: Bool
        var ingestPerSecond: Double
        var barePerSecond: Double
        var ratio: Double
        var p50Ms: Double
        var p99Ms: Double
        var ledger: String
        var ledgerHead: Int
    }

    @Test("a small run: figures for both routes, one ledger entry per delivery (and the warm-up's), a verifiable ledger")
    func smallRun() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli

            let run = try await cli.bench(["ingest", "--deliveries", "120", "--concurrency", "4", "--json"])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(Figures.self)
            #expect(figures.deliveries == 120)
            #expect(figures.projections)
            #expect(figures.ingestPerSecond > 0 && figures.barePerSecond > 0)
            #expect(figures.ratio > 0)
            #expect(figures.p99Ms >= figures.p50Ms)
            #expect(figures.ledgerHead == 120 + 200, "each delivery is one message event; the 200 warm-up deliveries too")

            let verify = try await cli.run(["verify", "--ledger", figures.ledger, "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }
}
