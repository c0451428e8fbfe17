import Foundation
import LedgerStore
import SchemaMigrator
import ServiceTestSupport
import TestSupport
import Testing

/// The executable end to end against an external database: migrate, record, benchmark, verify,
/// and catch a superuser's edit.
@Suite("CLI against an external database", .timeLimit(.minutes(6)))
struct CLILedgerLifecycleTests {
    /// Demo events (`DemoConversations.record`: 4 inbound messages, 3 answers each requested, accepted and read), and the warm-up events `bench append` adds: one per
    /// stream, 64 streams by default (`BenchAppend.run`).
    static let demoEvents = 13
    static let benchEvents = 300
    static let benchWarmUpEvents = 64

    @Test("migrate, demo, bench append, verify (with and without the key), then tamper and verify")
    func lifecycle() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())

                // migrate: both migrations, and the service role named in DATABASE_URL.
                let migrate = try await cli.run(["migrate", "--json"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")
                let migrated = try migrate.json(MigrateOutput.self)
                #expect(migrated.applied == (try ScratchDatabase.migrations().map(\.version)))
                #expect(migrated.alreadyApplied == [])
                #expect(migrated.serviceRole == database.serviceRole)
                #expect(migrated.serviceRoleCreated)

                // migrate again: nothing to do.
                let again = try await cli.run(["migrate", "--json"])
                try #require(again.exitCode == 0, "\(again.transcript)")
                let second = try again.json(MigrateOutput.self)
                #expect(second.applied == [])
                #expect(second.alreadyApplied == (try ScratchDatabase.migrations().map(\.version)))
                #expect(!second.serviceRoleCreated)

                // demo: seven events in the `demo` ledger.
                let demo = try await cli.run(["demo", "--json"])
                try #require(demo.exitCode == 0, "\(demo.transcript)")
                let demoOutput = try demo.json(DemoOutput.self)
                #expect(demoOutput.ledger == "demo")
                #expect(demoOutput.events == Self.demoEvents)
                #expect(demoOutput.added == Self.demoEvents)
                #expect(demoOutput.lastPosition == Self.demoEvents)

                // bench append: figures for both paths.
                let bench = try await cli.bench(["append", "--events", "\(Self.benchEvents)", "--concurrency", "4", "--batch", "5", "--json"])
                try #require(bench.exitCode == 0, "\(bench.transcript)")
                let figures = try bench.json(BenchOutput.self)
                #expect(figures.events == Self.benchEvents)
                #expect(figures.streams == Self.benchWarmUpEvents)
                #expect(figures.chainedEventsPerSecond > 0)
                #expect(figures.plainEventsPerSecond > 0)
                #expect(figures.ratio > 0)
                #expect(figures.ledgerHead == Self.benchEvents + Self.benchWarmUpEvents)

                // verify with the master key: every entry and payload.
                let total = Self.demoEvents + Self.benchEvents + Self.benchWarmUpEvents
                let verify = try await cli.run(["verify", "--json"])
                #expect(verify.exitCode == 0, "\(verify.transcript)")
                let report = try verify.json(VerifyOutput.self)
                #expect(report.ok)
                #expect(report.entries == total)
                #expect(report.level == "chain+payloads")
                #expect(report.firstBadPosition == nil)
                #expect(Set(report.ledgers?.map(\.ledger) ?? []) == ["bench", "demo"])
                #expect(report.ledgers?.map(\.payloadsVerified).reduce(0, +) == total, "every payload is checked with the key")

                // verify without any master key: the chain only.
                let chainOnly = try await cli.run(["verify", "--json"], overrides: ["RECORDKEEPER_MASTER_KEY": nil])
                #expect(chainOnly.exitCode == 0, "\(chainOnly.transcript)")
                let chainReport = try chainOnly.json(VerifyOutput.self)
                #expect(chainReport.ok)
                #expect(chainReport.entries == total)
                #expect(chainReport.level == "chain")

                // A superuser rewrites the actor of demo position 3, triggers off.
                try await database.executeAsSuperuser([
                    "BEGIN",
                    "ALTER TABLE ledger_entries DISABLE TRIGGER ALL",
                    "UPDATE ledger_entries SET actor = 'mallory' WHERE position = 3 AND ledger_id = (SELECT id FROM ledgers WHERE name = 'demo')",
                    "ALTER TABLE ledger_entries ENABLE TRIGGER ALL",
                    "COMMIT",
                ])
                let tampered = try await cli.run(["verify", "--json"])
                #expect(tampered.exitCode == 1, "verify must exit 1 for a tampered ledger\n\(tampered.transcript)")
                let tamperReport = try tampered.json(VerifyOutput.self)
                #expect(!tamperReport.ok)
                #expect(tamperReport.ledger == "demo")
                #expect(tamperReport.firstBadPosition == 3)
                #expect(tamperReport.reasonCode == "entry_hash_mismatch")
            }
        }
    }

    @Test("verify exits 2 (could not run) when nothing listens at DATABASE_URL")
    func unreachableDatabase() async throws {
        try await withTemporaryDirectory { work in
            let closedPort = try freeLocalPort()
            let cli = try RecordkeeperCLI(
                workDirectory: work,
                environment: [
                    "DATABASE_URL": "postgres://rk_nobody:secret@127.0.0.1:\(closedPort)/recordkeeper",
                    "RECORDKEEPER_MASTER_KEY": TestEnvironment.randomMasterKeyBase64(),
                    "RECORDKEEPER_MIGRATIONS_DIR": TestEnvironment.migrationsDirectory.path,
                ]
            )
            let clock = ContinuousClock()
            let started = clock.now
            let verify = try await cli.run(["verify", "--json"])
            let elapsed = clock.now - started
            #expect(verify.exitCode == 2, "\(verify.transcript)")
            let report = try verify.json(VerifyOutput.self)
            #expect(!report.ok)
            #expect(report.error != nil, "the JSON says why it could not run")
            #expect(verify.stderr.contains("could not run"), "\(verify.transcript)")
            // The CLI bounds its first connection (10 s) instead of waiting for the pool's
            // ~60 s circuit breaker, and says which database it could not reach.
            #expect(verify.stderr.contains("cannot connect to the database"), "\(verify.transcript)")
            // 10 s when the machine is idle; the bound leaves room for a loaded CI machine while
            // staying well under the pool's own ~60 s.
            #expect(elapsed < .seconds(45), "verify took \(elapsed) to give up on an unreachable database")
        }
    }
}
