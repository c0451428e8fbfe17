import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench projections` as a user runs it: signed deliveries at a fixed rate into the
/// service, the projections' lag sampled each second, a burst and its catch-up, the process's
/// memory at start and end, and the ledger still verifying.
@Suite("bench projections", .timeLimit(.minutes(6)))
struct CLIBenchProjectionsTests {
    struct Figures: Decodable {
        var rateOffered: Double
        var rateAchieved: Double
        var rateReached: Bool
        var concurrency: Int
        var ledger: String
        var ledgerHead: Int
        var sustainedSent: Int
        var sustainedSeconds: Double
        var sustainedLagSamples: Int
        var sustainedLagMaxSeconds: Double
        var sustainedLagP95Seconds: Double
        var sustainedLagMaxEntries: Int
        var sustainedLagP95Entries: Int
        var sustainedCaughtUp: Bool
        var burstSent: Int
        var burstRate: Double
        var burstCaughtUp: Bool
        var burstCaughtUpSeconds: Double?
        var burstMet: Bool
        var met: Bool
        var rssStartMb: Double
        var rssEndMb: Double
        var rssProcess: String
        var rssByMinuteMb: [Double]
    }

    @Test(
        "a small run: the rate achieved and whether it reached the offered one, lag sampled each second, the burst caught up, memory reported; the ledger verifies"
    )
    func smallRun() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli
            let run = try await cli.bench(
                ["projections", "--rate", "20", "--seconds", "4", "--burst-seconds", "2", "--concurrency", "2", "--json"], timeout: .seconds(240))
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(Figures.self)
            #expect(figures.rateOffered == 20 && figures.concurrency == 2)
            // Open loop: 20/s for 4 s is 80 deliveries due, none posted after the phase ends.
            #expect(figures.sustainedSent <= 80 && figures.sustainedSent > 0, "\(figures.sustainedSent) deliveries in the sustained phase")
            // Whether the rate was reached depends on the machine; what it says must follow the figures.
            // (rate_achieved is rounded to a whole number: allow half a delivery either way.)
            let threshold = 0.95 * figures.rateOffered
            #expect(
                figures.rateReached ? figures.rateAchieved > threshold - 0.5 : figures.rateAchieved < threshold + 0.5,
                "\(figures.rateAchieved)/s of \(figures.rateOffered)/s")
            #expect(!figures.rateReached || figures.sustainedSent >= 70)
            #expect(figures.sustainedLagSamples >= 4, "one sample a second, one at the end")
            #expect(figures.sustainedLagP95Seconds <= figures.sustainedLagMaxSeconds)
            #expect(figures.sustainedLagP95Entries <= figures.sustainedLagMaxEntries)
            #expect(figures.sustainedLagMaxSeconds < 60, "a handful of deliveries a second cannot leave the projections a minute behind")
            #expect(figures.sustainedCaughtUp && figures.burstCaughtUp)
            #expect(figures.burstSent > 0 && figures.burstRate > 0)
            #expect(figures.burstMet == ((figures.burstCaughtUpSeconds ?? .infinity) < 10))
            // The 200 warm-up deliveries and every measured one are one entry each (the router may add its own).
            #expect(figures.ledgerHead >= 200 + figures.sustainedSent + figures.burstSent)
            #expect(figures.rssStartMb > 0 && figures.rssEndMb > 0)
            #expect(figures.rssProcess.contains("pid"), "\(figures.rssProcess)")
            #expect(figures.rssByMinuteMb.count == 1, "a 4 s phase has only its first minute")

            let verify = try await cli.run(["verify", "--ledger", figures.ledger, "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }

    @Test("--soak-minutes 1: a minute of sustained ingest, resident memory printed at its end and listed by minute")
    func soak() async throws {
        try await withMigratedCLI { fixture in
            let run = try await fixture.cli.bench(
                ["projections", "--rate", "5", "--soak-minutes", "1", "--burst-seconds", "1", "--concurrency", "2"], timeout: .seconds(300))
            try #require(run.exitCode == 0, "\(run.transcript)")
            #expect(run.stderr.contains("minute 1: RSS "), "\(run.transcript)")
            let minutes = run.stdout.split(separator: "\n").first { $0.contains("RSS at each minute of the sustained phase (MB): ") }
            #expect(minutes?.split(separator: ",").count == 2, "the start and the end of the minute: \(run.transcript)")
            #expect(run.stdout.contains("resident memory (VmRSS) of recordkeeper-bench pid"), "\(run.transcript)")
        }
    }

    @Test("--rate, --seconds, --burst-seconds and --soak-minutes must be positive", arguments: ["--rate", "--seconds", "--burst-seconds", "--soak-minutes"])
    func badOptions(option: String) async throws {
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let run = try await cli.bench(["projections", option, "0"])
            #expect(run.exitCode == 64, "\(run.transcript)")
            #expect(run.stderr.contains("must be positive"), "\(run.transcript)")
        }
    }
}
