import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// Invalid options are refused with a message, against a working database (so that a refusal
/// is the option's doing, not the connection's).
@Suite("CLI bad input", .timeLimit(.minutes(3)))
struct CLIBadInputTests {
    @Test("verify --from 0 exits 2 with a message; recordkeeper-bench append --events 0 exits non-zero")
    func rejectsBadOptions() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                let migrate = try await cli.run(["migrate"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")

                let verify = try await cli.run(["verify", "--from", "0"])
                #expect(verify.exitCode == 2, "\(verify.transcript)")
                #expect(verify.stderr.contains("--from must be 1 or more"), "\(verify.transcript)")

                let bench = try await cli.bench(["append", "--events", "0"])
                #expect(bench.exitCode != nil && bench.exitCode != 0, "\(bench.transcript)")
                #expect(bench.stderr.contains("--events"), "the message names the option\n\(bench.transcript)")

                // Neither wrote anything: the database has no ledger.
                let after = try await cli.run(["verify", "--json"])
                #expect(after.exitCode == 0, "\(after.transcript)")
                #expect(try after.json(VerifyOutput.self).entries == 0)
            }
        }
    }
}
