package import Foundation
package import TestSupport
import Testing

extension RecordkeeperCLI {
    /// The executable configured for an external database, as an operator would:
    /// `DATABASE_OWNER_URL` (the superuser of the scratch database), `DATABASE_URL` (the test's
    /// own service role, created by `migrate`), a fresh master key and the repository's migrations.
    package static func external(database: ScratchDatabase, workDirectory: URL, masterKey: String) throws -> RecordkeeperCLI {
        try RecordkeeperCLI(
            workDirectory: workDirectory,
            environment: [
                "DATABASE_OWNER_URL": database.superuserURL,
                "DATABASE_URL": database.serviceURL,
                "RECORDKEEPER_MASTER_KEY": masterKey,
                "RECORDKEEPER_MIGRATIONS_DIR": TestEnvironment.migrationsDirectory.path,
            ]
        )
    }
}

/// A migrated scratch database with the demo ledger recorded and verified intact (`verify
/// --json --ledger demo` exits 0), the CLI configured over it as an operator would, and its work
/// directory (holding `master.key`), for tests that tamper with a known-good ledger.
package func withVerifiedDemo(_ body: (ScratchDatabase, RecordkeeperCLI, URL) async throws -> Void) async throws {
    try await withScratchDatabase { database in
        try await withTemporaryDirectory { work in
            let masterKey = TestEnvironment.randomMasterKeyBase64()
            try Data((masterKey + "\n").utf8).write(to: work.appendingPathComponent("master.key"))
            chmod(work.appendingPathComponent("master.key").path, 0o600)
            let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: masterKey)
            for step in [["migrate", "--json"], ["demo", "--json"], ["verify", "--json", "--ledger", "demo"]] {
                let result = try await cli.run(step)
                try #require(result.exitCode == 0, "\(step.joined(separator: " ")): \(result.transcript)")
            }
            try await body(database, cli, work)
        }
    }
}
