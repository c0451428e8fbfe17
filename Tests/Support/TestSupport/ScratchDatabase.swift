public import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
public import SchemaMigrator

/// The tests' logger: errors only, so that a failing run's output stays readable.
public let testLogger: Logger = {
    var logger = Logger(label: "recordkeeper.tests")
    logger.logLevel = .error
    return logger
}()

/// A database of its own for one test, on the cluster of `RECORDKEEPER_TEST_DATABASE_URL`,
/// with a service role of its own; the one fresh-database fixture of every test target.
///
/// `scripts/test.sh` starts a throwaway PostgreSQL cluster and exports
/// `RECORDKEEPER_TEST_DATABASE_URL` (a superuser connection). Each test gets a database
/// (`rk_test_<random>`) and a service role (`rk_test_<random>_svc`, roles are cluster-wide) of
/// its own, so tests run in parallel without seeing each other's rows or role passwords. The
/// database is created empty; ``migrate(_:repeatable:)`` (or ``withMigratedDatabase(_:)``)
/// migrates it as the owner and creates and grants the service role. ``drop()`` removes both.
public struct ScratchDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// The service role of this database (created by the first migration run, dropped with it).
    public let serviceRole: String
    /// The service role's password.
    public let servicePassword: String
    /// This database as the cluster's superuser (the schema owner in the tests).
    public let owner: DatabaseURL
    /// This database as the restricted service role, as the server uses it.
    public let service: DatabaseURL

    /// ``owner`` as text, for the executable's `DATABASE_OWNER_URL`.
    public var superuserURL: String { url(user: owner.username, password: owner.password) }
    /// ``service`` as text, for the executable's `DATABASE_URL`.
    public var serviceURL: String { url(user: serviceRole, password: servicePassword) }

    /// A URL of this cluster for `user`, to this database or to `database`.
    public func url(user: String, password: String?, database: String? = nil) -> String {
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@"))) ?? text
        }
        let credentials = password.map { "\(encoded(user)):\(encoded($0))" } ?? encoded(user)
        let host = owner.host ?? ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let socket = owner.unixSocketDirectory.map { "?host=\($0)" } ?? ""
        return "postgres://\(credentials)@\(hostPart):\(owner.port)/\(database ?? name)\(socket)"
    }

    /// One master key for the whole test run.
    public static let masterKey = MasterKey.generate()

    /// The tests' logger (``testLogger``).
    public static var logger: Logger { testLogger }

    /// The superuser URL of the test cluster. Missing is a failure, never a skip.
    public static func clusterURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["RECORDKEEPER_TEST_DATABASE_URL"], !text.isEmpty else {
            throw TestSetupError(
                """
                RECORDKEEPER_TEST_DATABASE_URL is not set: the database tests need a PostgreSQL superuser URL \
                (postgres://postgres@127.0.0.1:PORT/postgres). Run them with scripts/test.sh, which starts a \
                throwaway PostgreSQL, or `source scripts/pg-throwaway.sh && pg_throwaway_start` before `swift test`.
                """
            )
        }
        return try DatabaseURL(text)
    }

    /// The checkout's `Migrations` directory.
    public static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
            .appendingPathComponent("Migrations")
    }

    /// The checkout's migrations: all of them, or only those whose version is in `versions`.
    public static func migrations(only versions: Set<Int>? = nil) throws -> [Migration] {
        let all = try Migration.load(from: migrationsDirectory)
        return versions.map { keep in all.filter { keep.contains($0.version) } } ?? all
    }

    /// The repeatable migrations of the checkout (`Migrations/repeatable/`).
    public static func repeatableMigrations() throws -> [RepeatableMigration] {
        try RepeatableMigration.load(from: migrationsDirectory)
    }

    /// Creates an empty database (not migrated; its service role does not exist yet).
    public static func create() async throws -> ScratchDatabase {
        let admin = try clusterURL()
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let name = "rk_test_\(suffix)"
        let role = "\(name)_svc"
        let password = "pw-\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await withClient(admin) { client in
            try await execute(["CREATE DATABASE \"\(name)\" ENCODING 'UTF8' TEMPLATE template0"], on: client)
        }
        var owner = admin
        owner.database = name
        var service = owner
        service.username = role
        service.password = password
        return ScratchDatabase(name: name, serviceRole: role, servicePassword: password, owner: owner, service: service)
    }

    /// Creates a database and migrates it with every migration of the checkout.
    public static func createMigrated() async throws -> ScratchDatabase {
        let database = try await create()
        do {
            try await database.migrate()
        } catch {
            try? await database.drop()
            throw error
        }
        return database
    }

    /// Applies `migrations` (by default every migration of the checkout) and `repeatable` (by
    /// default the checkout's: pass `[]` with migrations that stop before the newest) as the
    /// owner, creating and granting the service role.
    @discardableResult
    public func migrate(_ migrations: [Migration]? = nil, repeatable: [RepeatableMigration]? = nil) async throws -> MigrationReport {
        let migrations = try migrations ?? Self.migrations()
        let repeatable = try repeatable ?? Self.repeatableMigrations()
        return try await Self.withClient(owner) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: Self.logger)
                .migrate(owner: client, serviceRole: (serviceRole, servicePassword))
        }
    }

    /// Drops the database (`WITH (FORCE)`) and its service role.
    public func drop() async throws {
        try await Self.withClient(try Self.clusterURL()) { client in
            try await execute(
                ["DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", "DROP ROLE IF EXISTS \"\(serviceRole)\""], on: client
            )
        }
    }

    /// Runs `body` with a running client for `url`, shutting it down afterwards.
    @discardableResult
    public static func withClient<T>(
        _ url: DatabaseURL, maximumConnections: Int = 8, _ body: (PostgresClient) async throws -> T
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
        masterKey: MasterKey? = ScratchDatabase.masterKey, _ body: (PostgresClient, LedgerStore) async throws -> T
    ) async throws -> T {
        try await Self.withClient(service) { client in
            try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: Self.logger) { store in
                try await body(client, store)
            }
        }
    }

    /// Runs `body` connected as the superuser (for tampering and privilege checks).
    @discardableResult
    public func asSuperuser<T>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withClient(owner, body)
    }

    /// Runs statements as the superuser, in order, on one connection.
    public func executeAsSuperuser(_ statements: [String]) async throws {
        try await asSuperuser { client in try await execute(statements, on: client) }
    }
}

/// Creates an empty ``ScratchDatabase`` for the duration of `body`, then drops it and its
/// service role, whether `body` succeeded or not (a failure to drop fails a passing test).
@discardableResult
public func withScratchDatabase<T>(_ body: (ScratchDatabase) async throws -> T) async throws -> T {
    try await withDatabase(ScratchDatabase.create, body)
}

/// Creates a ``ScratchDatabase`` migrated with every migration of the checkout for the duration
/// of `body`, then drops it and its service role, whether `body` succeeded or not.
@discardableResult
public func withMigratedDatabase<T>(_ body: (ScratchDatabase) async throws -> T) async throws -> T {
    try await withDatabase(ScratchDatabase.createMigrated, body)
}

private func withDatabase<T>(
    _ create: () async throws -> ScratchDatabase, _ body: (ScratchDatabase) async throws -> T
) async throws -> T {
    let database = try await create()
    let result: T
    do {
        result = try await body(database)
    } catch {
        try? await database.drop()
        throw error
    }
    try await database.drop()
    return result
}

/// Runs `body` with a running client for `url` (text), shutting the pool down afterwards.
public func withPostgresClient<T>(
    _ url: String, maximumConnections: Int = 4, _ body: (PostgresClient) async throws -> T
) async throws -> T {
    try await ScratchDatabase.withClient(try DatabaseURL(url), maximumConnections: maximumConnections, body)
}

/// Runs statements one after another on one connection (so `BEGIN … COMMIT` works).
public func execute(_ statements: [String], on client: PostgresClient) async throws {
    try await client.withConnection { connection in
        for statement in statements {
            try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: testLogger)
        }
    }
}

/// A test could not be set up (as opposed to failing); the message says what to do.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
