import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import LedgerStore

/// A fresh, migrated database on the test cluster, dropped when the test ends.
///
/// `scripts/test.sh` starts a throwaway PostgreSQL cluster and exports
/// `RECORDKEEPER_TEST_DATABASE_URL` (a superuser connection). Each test gets its own database,
/// so tests run in parallel without seeing each other's rows.
struct TestDatabase: Sendable {
    static let serviceRole = "rk_store_test_service"
    static let servicePassword = "store-test-secret"

    let name: String
    /// The superuser (schema owner) connection to this database.
    let owner: DatabaseURL
    /// The restricted service-role connection to this database.
    let service: DatabaseURL

    static var logger: Logger {
        var logger = Logger(label: "ledgerstore-tests")
        logger.logLevel = .error
        return logger
    }

    static func superuserURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["RECORDKEEPER_TEST_DATABASE_URL"], !text.isEmpty else {
            throw TestSetupError("RECORDKEEPER_TEST_DATABASE_URL is not set: run the suite with scripts/test.sh, which starts a throwaway PostgreSQL")
        }
        return try DatabaseURL(text)
    }

    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations")
    }

    static func migrations(only versions: Set<Int>? = nil) throws -> [Migration] {
        let all = try Migration.load(from: migrationsDirectory)
        return versions.map { keep in all.filter { keep.contains($0.version) } } ?? all
    }

    /// The checkout's `Migrations/repeatable/` files.
    static func repeatableMigrations() throws -> [RepeatableMigration] {
        try RepeatableMigration.load(from: migrationsDirectory)
    }

    /// Creates an empty database (not migrated).
    static func createEmpty() async throws -> TestDatabase {
        let admin = try superuserURL()
        let name = "rk_store_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try await withClient(admin) { client in
            try await client.perform(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0"), logger: logger)
        }
        var owner = admin
        owner.database = name
        var service = admin
        service.database = name
        service.username = serviceRole
        service.password = servicePassword
        return TestDatabase(name: name, owner: owner, service: service)
    }

    /// Creates a database, migrates it as the owner and grants the service role (with the
    /// repeatable migrations when `migrations` is every migration of the checkout).
    static func create(migrations: [Migration]? = nil) async throws -> TestDatabase {
        let database = try await createEmpty()
        let repeatable = try migrations == nil ? repeatableMigrations() : []
        let migrations = try migrations ?? Self.migrations()
        try await withClient(database.owner) { client in
            _ = try await Migrator(migrations: migrations, repeatable: repeatable, logger: logger)
                .migrate(owner: client, serviceRole: (serviceRole, servicePassword))
        }
        return database
    }

    func drop() async {
        guard let admin = try? Self.superuserURL() else { return }
        _ = try? await Self.withClient(admin) { client in
            try await client.perform(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: Self.logger)
        }
    }

    /// Runs `body` with a client, shutting it down afterwards.
    @discardableResult
    static func withClient<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try url.clientConfiguration(maximumConnections: 8), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a ledger store connected as the service role.
    @discardableResult
    func withStore<T: Sendable>(
        masterKey: MasterKey? = TestDatabase.masterKey, _ body: @Sendable (LedgerStore) async throws -> T
    ) async throws -> T {
        try await Self.withClient(service) { client in
            try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: Self.logger, body)
        }
    }

    /// Runs `body` connected as the superuser (for tampering and privilege checks).
    func asSuperuser<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withClient(owner, body)
    }

    /// One master key for the whole test run.
    static let masterKey = MasterKey.generate()
}

/// Creates a migrated database for the duration of `body`, then drops it.
func withMigratedDatabase(_ body: @Sendable (TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.create()
    do {
        try await body(database)
    } catch {
        await database.drop()
        throw error
    }
    await database.drop()
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A small event with a JSON payload.
func sampleEvent(_ index: Int, stream: String = "conversation/1", dedupeKey: String? = nil, id: UUID = UUID()) -> NewEvent {
    NewEvent(
        eventID: id,
        stream: stream,
        eventType: "whatsapp.message.received",
        occurredAt: LedgerTimestamp(microseconds: 1_764_072_000_000_000 + Int64(index) * 1_000_000),
        actor: "whatsapp",
        dedupeKey: dedupeKey,
        header: #"{"direction":"inbound","n":\#(index)}"#,
        payload: Array(#"{"text":{"body":"message \#(index)"}}"#.utf8)
    )
}

/// Reads every record of a ledger.
func allRecords(_ store: LedgerStore, ledger: String, stream: String? = nil, from: Int64 = 1, through: Int64? = nil) async throws -> [LedgerRecord] {
    var records: [LedgerRecord] = []
    for try await record in store.records(ledger: ledger, from: from, through: through, stream: stream, pageSize: 3) {
        records.append(record)
    }
    return records
}
