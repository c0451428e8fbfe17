import Foundation
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench append` creates its baseline table for the run and drops it afterwards:
/// after a run that succeeded, failed or was interrupted, the database holds no benchmark object.
@Suite("bench append", .timeLimit(.minutes(4)))
struct CLIBenchAppendTests {
    /// Schemas named like the benchmark's baseline (`rk_bench…`).
    static func benchmarkSchemas(_ database: ScratchDatabase) async throws -> [String] {
        try await withPostgresClient(database.superuserURL) { client in
            var names: [String] = []
            for try await name in try await client.query(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rk\\_bench%' ORDER BY 1", logger: testLogger
            ).decode(String.self) {
                names.append(name)
            }
            return names
        }
    }

    /// A migrated scratch database and the CLI over it.
    static func withMigrated(_ body: (ScratchDatabase, RecordkeeperCLI, URL) async throws -> Void) async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)
            #expect(try await Self.benchmarkSchemas(database) == [], "migrate creates no benchmark object")
            try await body(database, cli, work)
        }
    }

    @Test("a run measures both paths and leaves no baseline schema behind")
    func dropsItsBaseline() async throws {
        try await Self.withMigrated { database, cli, _ in
            let run = try await cli.bench(["append", "--events", "200", "--concurrency", "2", "--batch", "5", "--json"])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let figures = try run.json(BenchOutput.self)
            #expect(figures.plainEventsPerSecond > 0 && figures.chainedEventsPerSecond > 0)
            #expect(figures.ledgerHead == 200 + 64)
            #expect(try await Self.benchmarkSchemas(database) == [])
        }
    }

    @Test("a run that fails after creating its baseline (an invalid ledger name) drops it")
    func dropsItsBaselineOnFailure() async throws {
        try await Self.withMigrated { database, cli, _ in
            let run = try await cli.bench(["append", "--events", "20", "--ledger", "Not A Ledger"])
            #expect(run.exitCode != nil && run.exitCode != 0, "\(run.transcript)")
            #expect(try await Self.benchmarkSchemas(database) == [])
        }
    }

    @Test("SIGINT during a run cancels it: exit 130, the baseline schema dropped")
    func dropsItsBaselineWhenInterrupted() async throws {
        try await Self.withMigrated { database, cli, work in
            let child = try ChildProcess.spawn(
                try TestEnvironment.benchBinary(), ["append", "--events", "100000", "--batch", "1", "--concurrency", "2", "--json"],
                environment: cli.environment, workingDirectory: work.path, outputDirectory: work, label: "interrupted")
            do {
                // Wait until the baseline exists (the run has started measuring).
                let started = try await eventually("no baseline schema:\n\(child.stderr)", timeout: .seconds(90)) {
                    try #require(child.poll() == nil, "the benchmark ended before its baseline appeared:\n\(child.stderr)")
                    return try await !Self.benchmarkSchemas(database).isEmpty
                }
                guard started else {
                    await child.killAndReap()
                    return
                }
                try await Task.sleep(for: .milliseconds(300))
                child.send(SIGINT)
                let termination = try await child.waitForExit(timeout: .seconds(60))
                #expect(termination.exitCode == 130, "\(termination)\n\(child.stderr)")
                #expect(child.stderr.contains("cancelled"), "\(child.stderr)")
                #expect(try await Self.benchmarkSchemas(database) == [])
            } catch {
                await child.killAndReap()
                throw error
            }
        }
    }
}
