import Foundation
import LedgerStore
import Logging
import PostgresNIO

/// The tests' logger: errors only, so that a failing run's output stays readable.
let testLogger: Logger = {
    var logger = Logger(label: "recordkeeper.servertests")
    logger.logLevel = .error
    return logger
}()

/// Runs `body` with a running client for `url`, shutting the pool down afterwards.
func withPostgresClient<T>(
    _ url: String, maximumConnections: Int = 4, _ body: (PostgresClient) async throws -> T
) async throws -> T {
    let client = PostgresClient(
        configuration: try DatabaseURL(url).clientConfiguration(maximumConnections: maximumConnections),
        backgroundLogger: testLogger
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// Runs statements one after another on one connection (so `BEGIN … COMMIT` works).
func execute(_ statements: [String], on client: PostgresClient) async throws {
    try await client.withConnection { connection in
        for statement in statements {
            try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: testLogger)
        }
    }
}

/// Every migration of the repository's `Migrations/` directory.
func repositoryMigrations() throws -> [Migration] {
    try Migration.load(from: TestEnvironment.migrationsDirectory)
}

/// The repeatable migrations of the repository's `Migrations/repeatable/` directory.
func repositoryRepeatableMigrations() throws -> [RepeatableMigration] {
    try RepeatableMigration.load(from: TestEnvironment.migrationsDirectory)
}
