import Crypto
public import Foundation
import Ledger
import LedgerStore
public import Logging
public import PostgresNIO

/// One numbered SQL file from `Migrations/`: `NNNN_description.sql`.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String
    /// Hex SHA-256 of the file's bytes, recorded when it is applied.
    public var checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Hex.encode(SHA256.hash(data: Array(sql.utf8)))
    }

    /// Loads every `NNNN_name.sql` file of a directory, ordered by number.
    /// - Throws: ``MigrationError`` for a missing directory, a badly named file or a repeated number.
    public static func load(from directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        guard !migrations.isEmpty else { throw MigrationError.directoryUnreadable(directory.path) }
        return migrations
    }

    /// Finds the `Migrations` directory: `RECORDKEEPER_MIGRATIONS_DIR`, then beside or above the
    /// running executable (a checkout's `.build/…/recordkeeper`), then `/usr/share/recordkeeper/Migrations`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment["RECORDKEEPER_MIGRATIONS_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Migrations")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_ledger.sql").path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Migrations")
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("0001_ledger.sql").path) { return cwd }
        let installed = URL(fileURLWithPath: "/usr/share/recordkeeper/Migrations")
        if FileManager.default.fileExists(atPath: installed.path) { return installed }
        return nil
    }
}

/// A SQL file from `Migrations/repeatable/`, re-applied by every `migrate` after the numbered
/// migrations (today only `grants.sql`, the one definition of `rk_grant_service_role`).
///
/// A repeatable file is written against the newest schema and must be safe to run again
/// (`CREATE OR REPLACE`). It is not recorded in `schema_migrations` and may change between
/// releases: the next `migrate` replaces what it defines.
public struct RepeatableMigration: Sendable, Hashable {
    /// The file name without `.sql`, e.g. `grants`.
    public var name: String
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// Loads every `*.sql` file of `<migrationsDirectory>/repeatable`, ordered by file name.
    /// - Throws: ``MigrationError/directoryUnreadable(_:)`` when that directory is missing or holds
    ///   no SQL file (an installation that copied only the numbered files).
    public static func load(from migrationsDirectory: URL) throws -> [RepeatableMigration] {
        let directory = migrationsDirectory.appendingPathComponent("repeatable")
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        var scripts: [RepeatableMigration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            scripts.append(RepeatableMigration(name: String(file.dropLast(4)), sql: sql))
        }
        guard !scripts.isEmpty else { throw MigrationError.directoryUnreadable(directory.path) }
        return scripts
    }
}

/// What `migrate` did.
public struct MigrationReport: Sendable, Codable {
    public var applied: [Int]
    public var alreadyApplied: [Int]
    /// The repeatable files (re)applied after the numbered migrations, by name.
    public var repeatable: [String]
    public var serviceRole: String?
    public var serviceRoleCreated: Bool
}

/// Applies migrations in order, each in its own transaction, recording each file's SHA-256.
///
/// A session advisory lock serialises concurrent migrators. An applied migration whose file has
/// changed is refused: the schema of a records system is never silently edited.
///
/// After the numbered migrations, the repeatable files (``RepeatableMigration``) are applied
/// again, and the service role granted, in one transaction: the grant function is defined once,
/// in `Migrations/repeatable/grants.sql`, instead of being redefined by migration after migration.
public struct Migrator: Sendable {
    /// The advisory lock key all migrators share.
    static let lockKey: Int64 = 0x5245_434B_4D49_4752  // "RECKMIGR"

    public let migrations: [Migration]
    public let repeatable: [RepeatableMigration]
    public let logger: Logger

    /// - Parameters:
    ///   - migrations: the numbered migrations, from ``Migration/load(from:)``.
    ///   - repeatable: the repeatable files, from ``RepeatableMigration/load(from:)``. Leave them
    ///     out only when `migrations` stops before version 15 (a test of an older schema): from
    ///     version 15 on, granting the service role needs `grants.sql`.
    ///   - logger: where progress is logged.
    public init(migrations: [Migration], repeatable: [RepeatableMigration] = [], logger: Logger) {
        self.migrations = migrations
        self.repeatable = repeatable
        self.logger = logger
    }

    /// Applies what is missing, as the schema owner, then the repeatable files, then creates the
    /// service role if asked and (re)grants its privileges.
    /// - Parameters:
    ///   - owner: a client connected as the schema owner.
    ///   - serviceRole: the role name and password from `DATABASE_URL`, if known.
    public func migrate(owner: PostgresClient, serviceRole: (name: String, password: String?)? = nil) async throws -> MigrationReport {
        try await owner.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger).collect()
            do {
                let report = try await migrateLocked(connection, serviceRole: serviceRole)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger).collect()
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger).collect()
                throw error
            }
        }
    }

    private func migrateLocked(_ connection: PostgresConnection, serviceRole: (name: String, password: String?)?) async throws -> MigrationReport {
        try await connection.perform(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                sha256 text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        var recorded: [Int: String] = [:]
        for try await (version, checksum) in try await connection.query("SELECT version, sha256 FROM schema_migrations", logger: logger)
            .decode((Int, String).self)
        {
            recorded[version] = checksum
        }
        let known = Set(migrations.map(\.version))
        if let unknown = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw MigrationError.unknownAppliedVersion(unknown)
        }
        var report = MigrationReport(applied: [], alreadyApplied: [], repeatable: [], serviceRole: serviceRole?.name, serviceRoleCreated: false)
        for migration in migrations {
            if let checksum = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw MigrationError.changedAfterApply(version: migration.version, name: migration.name, recorded: checksum, file: migration.checksum)
                }
                report.alreadyApplied.append(migration.version)
                continue
            }
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            try await connection.perform("BEGIN", logger: logger)
            do {
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.perform(
                    "INSERT INTO schema_migrations (version, name, sha256) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger
                )
                try await connection.perform("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationError.failed(version: migration.version, name: migration.name, reason: error.serverMessage)
            }
            report.applied.append(migration.version)
        }
        if let role = serviceRole {
            // Roles are cluster-wide and their creation tolerates a concurrent creator: outside the transaction.
            report.serviceRoleCreated = try await ensureServiceRole(connection, name: role.name, password: role.password)
        }
        try await applyRepeatable(connection, grantingTo: serviceRole?.name)
        report.repeatable = repeatable.map(\.name)
        return report
    }

    /// Applies every repeatable file, then grants `role` its privileges, in one transaction: the
    /// service role is never granted from a definition other than the files'.
    private func applyRepeatable(_ connection: PostgresConnection, grantingTo role: String?) async throws {
        guard !repeatable.isEmpty || role != nil else { return }
        try await connection.perform("BEGIN", logger: logger)
        var current = "grant"
        do {
            for script in repeatable {
                current = script.name
                for statement in SQLScript.statements(in: script.sql) {
                    try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
            current = "grant"
            if let role {
                try await connection.perform("SELECT rk_grant_service_role(\(role))", logger: logger)
            }
            try await connection.perform("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw MigrationError.repeatableFailed(name: current, reason: error.serverMessage)
        }
    }

    /// Creates the service role if it does not exist. The statement is built server-side with
    /// `format('%I', '%L')` so names and passwords are quoted by PostgreSQL itself.
    private func ensureServiceRole(_ connection: PostgresConnection, name: String, password: String?) async throws -> Bool {
        let exists = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)", logger: logger).collect()
        guard exists.isEmpty else { return false }
        let rows = try await connection.query(
            "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', \(name)::text, \(password)::text)",
            logger: logger
        ).collect()
        guard let statement = try rows.first?.decode(String.self) else { return false }
        do {
            try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: logger)
        } catch  where ["42710", "23505"].contains(error.sqlState ?? "") {
            // Roles are cluster-wide: a migrator of another database created it meanwhile.
            return false
        } catch {
            throw MigrationError.cannotCreateRole(name: name, reason: error.serverMessage)
        }
        logger.info("created the service role", metadata: ["role": "\(name)"])
        return true
    }

    /// Whether every known migration is applied with its recorded checksum (for `/readyz`).
    public static func pendingMigrations(client: PostgresClient, migrations: [Migration], logger: Logger) async throws -> [Int] {
        var recorded: [Int: String] = [:]
        for try await (version, checksum) in try await client.query("SELECT version, sha256 FROM schema_migrations", logger: logger)
            .decode((Int, String).self)
        {
            recorded[version] = checksum
        }
        return migrations.filter { recorded[$0.version] != $0.checksum }.map(\.version)
    }
}

/// Why migrations could not be applied.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    case directoryUnreadable(String)
    case badFileName(String)
    case duplicateVersion(Int)
    case changedAfterApply(version: Int, name: String, recorded: String, file: String)
    case unknownAppliedVersion(Int)
    case failed(version: Int, name: String, reason: String)
    case cannotCreateRole(name: String, reason: String)
    /// A repeatable file, or granting the service role (`name` "grant"), failed and was rolled back.
    case repeatableFailed(name: String, reason: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path):
            "no migrations found in \(path): set RECORDKEEPER_MIGRATIONS_DIR to the project's Migrations directory"
        case .badFileName(let file):
            "migration file '\(file)' is not named NNNN_description.sql"
        case .duplicateVersion(let v):
            "two migration files share the number \(v)"
        case .changedAfterApply(let version, let name, let recorded, let file):
            "migration \(version) (\(name)) was changed after it was applied (recorded sha256 \(recorded.prefix(12))…, file \(file.prefix(12))…): restore the original file and put the change in a new migration"
        case .unknownAppliedVersion(let v):
            "the database has migration \(v) applied, which this build does not know: it was migrated by a newer recordkeeper"
        case .failed(let version, let name, let reason):
            "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .cannotCreateRole(let name, let reason):
            "could not create the service role '\(name)': \(reason). Create it yourself, or migrate as a role that may create roles"
        case .repeatableFailed(let name, let reason):
            name == "grant"
                ? "granting the service role its privileges failed and was rolled back: \(reason)"
                : "the repeatable migration \(name).sql failed and was rolled back: \(reason)"
        }
    }
}
