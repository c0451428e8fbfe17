import Foundation

extension RecordkeeperCLI {
    /// The executable configured for an external database, as an operator would:
    /// `DATABASE_OWNER_URL` (the superuser of the scratch database), `DATABASE_URL` (the test's
    /// own service role, created by `migrate`), a fresh master key and the repository's migrations.
    static func external(database: ScratchDatabase, workDirectory: URL, masterKey: String) throws -> RecordkeeperCLI {
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
