import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// A fresh, migrated database on the test cluster for one test, dropped when it ends.
///
/// `scripts/test.sh` starts a throwaway PostgreSQL cluster and exports
/// `RECORDKEEPER_TEST_DATABASE_URL` (a superuser connection). Each test gets a database of its
/// own, so tests run in parallel without seeing each other's rows.
public struct MigratedDatabase: Sendable {
    /// The service role every database of a run shares (roles are cluster-wide).
    public static let serviceRole = "rk_records_test_service"
    static let servicePassword = "records-test-secret"

    public let name: String
    /// The superuser (schema owner) connection.
    public let owner: DatabaseURL
    /// The restricted service-role connection, as the server uses it.
    public let service: DatabaseURL

    /// One master key for the whole test run.
    public static let masterKey = MasterKey.generate()

    public static var logger: Logger {
        var logger = Logger(label: "records-tests")
        logger.logLevel = .error
        return logger
    }

    static func superuserURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["RECORDKEEPER_TEST_DATABASE_URL"], !text.isEmpty else {
            throw TestSupportError("RECORDKEEPER_TEST_DATABASE_URL is not set: run the suite with scripts/test.sh, which starts a throwaway PostgreSQL")
        }
        return try DatabaseURL(text)
    }

    /// The checkout's `Migrations` directory.
    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations")
    }

    /// Every migration of the checkout.
    public static func migrations() throws -> [Migration] {
        try Migration.load(from: migrationsDirectory)
    }

    /// The repeatable migrations of the checkout (`Migrations/repeatable/`).
    public static func repeatableMigrations() throws -> [RepeatableMigration] {
        try RepeatableMigration.load(from: migrationsDirectory)
    }

    /// Creates a database, migrates it as the owner and grants the service role.
    public static func create() async throws -> MigratedDatabase {
        let admin = try superuserURL()
        let name = "rk_rec_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try await withClient(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0"), logger: logger).collect()
        }
        var owner = admin
        owner.database = name
        var service = admin
        service.database = name
        service.username = serviceRole
        service.password = servicePassword
        let migrations = try migrations()
        let repeatable = try repeatableMigrations()
        try await withClient(owner) { client in
            _ = try await Migrator(migrations: migrations, repeatable: repeatable, logger: logger)
                .migrate(owner: client, serviceRole: (serviceRole, servicePassword))
        }
        return MigratedDatabase(name: name, owner: owner, service: service)
    }

    /// Drops the database (`WITH (FORCE)`).
    public func drop() async {
        guard let admin = try? Self.superuserURL() else { return }
        _ = try? await Self.withClient(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: Self.logger).collect()
        }
    }

    /// Runs `body` with a running client, shutting it down afterwards.
    @discardableResult
    public static func withClient<T: Sendable>(
        _ url: DatabaseURL, maximumConnections: Int = 8, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a service-role client and a ledger store over it; drains appends after.
    @discardableResult
    public func withStore<T: Sendable>(
        masterKey: MasterKey? = MigratedDatabase.masterKey, _ body: @Sendable (PostgresClient, LedgerStore) async throws -> T
    ) async throws -> T {
        try await Self.withClient(service) { client in
            try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: Self.logger) { store in
                try await body(client, store)
            }
        }
    }

    /// Runs `body` connected as the superuser.
    @discardableResult
    public func asSuperuser<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withClient(owner, body)
    }
}

/// Creates a migrated database for the duration of `body`, then drops it, whether `body`
/// succeeded or not.
public func withMigratedDatabase<T: Sendable>(_ body: @Sendable (MigratedDatabase) async throws -> T) async throws -> T {
    let database = try await MigratedDatabase.create()
    do {
        let result = try await body(database)
        await database.drop()
        return result
    } catch {
        await database.drop()
        throw error
    }
}

/// A test could not be set up (as opposed to failing).
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
