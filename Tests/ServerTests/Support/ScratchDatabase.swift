import Foundation
import LedgerStore

/// A database of its own for one test (`rk_srv_<random>`), created as the cluster's superuser,
/// with a service role name of its own (roles are cluster-wide, so every test run uses a new one).
struct ScratchDatabase: Sendable {
    let name: String
    /// The service role this test may create (dropped with the database).
    let serviceRole: String
    let servicePassword: String
    let host: String
    let port: Int
    private let superuser: String
    private let superuserPassword: String?

    /// This database, as the cluster's superuser (the schema owner in these tests).
    var superuserURL: String { url(user: superuser, password: superuserPassword) }

    /// This database, as the service role.
    var serviceURL: String { url(user: serviceRole, password: servicePassword) }

    func url(user: String, password: String?, database: String? = nil) -> String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database ?? name)"
    }

    fileprivate init(server: DatabaseURL, suffix: String, servicePrefix: String) throws {
        guard let host = server.host else {
            throw TestSetupError("RECORDKEEPER_TEST_DATABASE_URL must name a TCP host (the CLI tests connect over TCP)")
        }
        self.name = "rk_srv_\(suffix)"
        self.serviceRole = "\(servicePrefix)_\(suffix)"
        self.servicePassword = "pw-\(TestEnvironment.randomHex(8))"
        self.host = host
        self.port = server.port
        self.superuser = server.username
        self.superuserPassword = server.password
    }

    /// Applies `migrations` and `repeatable` (by default the repository's: pass `[]` with
    /// migrations that stop before the newest) as the superuser and creates and grants the
    /// service role.
    @discardableResult
    func migrate(_ migrations: [Migration], repeatable: [RepeatableMigration]? = nil) async throws -> MigrationReport {
        let repeatable = try repeatable ?? repositoryRepeatableMigrations()
        return try await withPostgresClient(superuserURL) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: testLogger)
                .migrate(owner: client, serviceRole: (serviceRole, servicePassword))
        }
    }

    /// Runs statements as the superuser, in order, on one connection.
    func executeAsSuperuser(_ statements: [String]) async throws {
        try await withPostgresClient(superuserURL) { client in
            try await execute(statements, on: client)
        }
    }
}

/// Creates a fresh database, runs `body`, then drops the database (`WITH (FORCE)`) and the
/// service role, whether `body` succeeded or not.
func withScratchDatabase<T>(
    servicePrefix: String = "rk_srv_svc", _ body: (ScratchDatabase) async throws -> T
) async throws -> T {
    let adminURL = try TestEnvironment.superuserURL()
    let database = try ScratchDatabase(server: try DatabaseURL(adminURL), suffix: TestEnvironment.randomHex(), servicePrefix: servicePrefix)
    try await withPostgresClient(adminURL) { client in
        try await execute(["CREATE DATABASE \"\(database.name)\" ENCODING 'UTF8' TEMPLATE template0"], on: client)
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body(database))
    } catch {
        result = .failure(error)
    }
    try await withPostgresClient(adminURL) { client in
        try await execute(
            [
                "DROP DATABASE IF EXISTS \"\(database.name)\" WITH (FORCE)",
                "DROP ROLE IF EXISTS \"\(database.serviceRole)\"",
            ],
            on: client
        )
    }
    return try result.get()
}
