import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
public import SchemaMigrator

/// The database and keys a command runs with, resolved from the environment:
///
/// - `DATABASE_URL` (service role) and `DATABASE_OWNER_URL` (schema owner, for `migrate`);
/// - neither set: the embedded default, a private cluster under `RECORDKEEPER_DATA_DIR`,
///   started here and migrated;
/// - `RECORDKEEPER_MASTER_KEY` (base64) or `RECORDKEEPER_MASTER_KEY_FILE`; in the embedded
///   default, `RECORDKEEPER_DATA_DIR/master.key`, generated on first start.
public struct Runtime: Sendable {
    /// Whether a command needs the master key.
    public enum KeyPolicy: Sendable {
        /// Commands that write payloads: the key must exist (generated in the embedded default).
        case required
        /// Commands that can do without (verify: the chain only).
        case optional
    }

    /// The service role's connection (`DATABASE_URL`, or the embedded cluster's).
    public var service: DatabaseURL
    /// The schema owner's connection (`DATABASE_OWNER_URL`, or the embedded cluster's), if known.
    public var owner: DatabaseURL?
    /// The embedded cluster, when no database URL is configured.
    public var embedded: EmbeddedPostgres?
    /// The master key, if configured (always, under ``KeyPolicy/required``).
    public var masterKey: MasterKey?
    /// The file the master key was read from (or will be generated in), if any.
    public var masterKeyFile: String?
    /// The numbered migrations this build knows.
    public var migrations: [Migration]
    /// The repeatable migrations (`Migrations/repeatable/`), applied after the numbered ones.
    public var repeatableMigrations: [RepeatableMigration]
    /// Whether this process started the embedded cluster (and so stops it on exit).
    public var stopsEmbeddedOnExit = false

    /// This process's environment.
    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The numbered and repeatable migrations of ``Migration/defaultDirectory(environment:)``.
    public static func migrations() throws -> (numbered: [Migration], repeatable: [RepeatableMigration]) {
        guard let directory = Migration.defaultDirectory() else {
            throw CLIError("cannot find the Migrations directory: set RECORDKEEPER_MIGRATIONS_DIR")
        }
        return (try Migration.load(from: directory), try RepeatableMigration.load(from: directory))
    }

    /// A migrator of every migration this build knows.
    public func migrator(logger: Logger) -> Migrator {
        Migrator(migrations: migrations, repeatable: repeatableMigrations, logger: logger)
    }

    /// Resolves the configuration; in the embedded default starts the cluster and migrates it.
    /// - Parameter environment: the variables to read (`DATABASE_URL`, `DATABASE_OWNER_URL`, keys,
    ///   `RECORDKEEPER_DATA_DIR` …); this process's by default.
    public static func prepare(logger: Logger, keys: KeyPolicy, environment: [String: String] = Runtime.environment) async throws -> Runtime {
        let env = environment
        let (migrations, repeatable) = try migrations()
        let serviceText = env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let ownerText = env["DATABASE_OWNER_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if serviceText != nil || ownerText != nil {
            guard let serviceText else {
                throw CLIError("DATABASE_OWNER_URL is set but DATABASE_URL is not: set DATABASE_URL to the service role's connection")
            }
            var runtime = Runtime(
                service: try DatabaseURL(serviceText), owner: try ownerText.map(DatabaseURL.init), embedded: nil,
                masterKey: nil, masterKeyFile: nil, migrations: migrations, repeatableMigrations: repeatable
            )
            try runtime.loadMasterKey(env: env, embeddedDirectory: nil, policy: keys, logger: logger)
            return runtime
        }
        let directory = URL(fileURLWithPath: env["RECORDKEEPER_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? ".recordkeeper")
            .standardizedFileURL
        let port = Int(env["RECORDKEEPER_EMBEDDED_PG_PORT"] ?? "") ?? 54329
        let embedded = EmbeddedPostgres(dataDirectory: directory, port: port, logger: logger)
        logger.notice(
            "no DATABASE_URL: using the embedded PostgreSQL default",
            metadata: ["data_dir": "\(directory.path)", "port": "\(port)"]
        )
        let (owner, service, startedHere) = try await embedded.start()
        var runtime = Runtime(
            service: service, owner: owner, embedded: embedded, masterKey: nil, masterKeyFile: nil, migrations: migrations,
            repeatableMigrations: repeatable)
        runtime.stopsEmbeddedOnExit = startedHere
        do {
            try runtime.loadMasterKey(env: env, embeddedDirectory: directory, policy: keys, logger: logger)
            let migrator = runtime.migrator(logger: logger)
            try await withPostgresClient(owner, logger: logger) { client in
                _ = try await migrator.migrate(owner: client, serviceRole: (service.username, service.password))
            }
        } catch {
            if startedHere { embedded.stop() }
            throw DatabaseErrorDescription.readable(error)
        }
        return runtime
    }

    private mutating func loadMasterKey(env: [String: String], embeddedDirectory: URL?, policy: KeyPolicy, logger: Logger) throws {
        let warn: (String) -> Void = { logger.warning("\($0)") }
        if let text = env["RECORDKEEPER_MASTER_KEY"], !text.isEmpty {
            do { masterKey = try MasterKey(base64: text) } catch {
                throw CLIError("RECORDKEEPER_MASTER_KEY is not a valid key: \(error)")
            }
            return
        }
        if let path = env["RECORDKEEPER_MASTER_KEY_FILE"], !path.isEmpty {
            masterKey = try SecretFile.readMasterKey(at: path, warn: warn)
            masterKeyFile = path
            return
        }
        if let embeddedDirectory {
            let file = embeddedDirectory.appendingPathComponent("master.key")
            if FileManager.default.fileExists(atPath: file.path) {
                masterKey = try SecretFile.readMasterKey(at: file.path, warn: warn)
            } else if case .required = policy {
                let key = MasterKey.generate()
                try SecretFile.write(key.base64 + "\n", to: file)
                masterKey = key
                logger.warning(
                    "generated a new master key: BACK IT UP, apart from the database. Without it every stored payload is unreadable.",
                    metadata: ["file": "\(file.path)", "master_key_id": "\(key.identifier)"]
                )
            }
            masterKeyFile = file.path
        }
        if masterKey == nil, case .required = policy {
            throw CLIError(LedgerStoreError.noMasterKey.description)
        }
    }

    /// The deployment's log name (RECORDKEEPER_LOG_NAME): checkpoint origins are
    /// `<log name>/ledgers/<ledger>`.
    public static func logName() throws -> String {
        let name = environment["RECORDKEEPER_LOG_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? CheckpointOrigin.defaultLogName
        do {
            try CheckpointOrigin.validate(logName: name)
        } catch {
            throw CLIError("RECORDKEEPER_LOG_NAME: \(error)")
        }
        return name
    }

    /// Append limits, with `RECORDKEEPER_APPEND_MAX_BATCH` (events per transaction, default 4096) applied.
    public static func appendLimits() -> AppendLimits {
        var limits = AppendLimits()
        if let events = environment["RECORDKEEPER_APPEND_MAX_BATCH"].flatMap(Int.init), events >= 1 { limits.maxBatchEvents = events }
        return limits
    }

    /// Stops what ``prepare(logger:keys:)`` started.
    public func shutdown() {
        if stopsEmbeddedOnExit { embedded?.stop() }
    }
}

/// Runs `body` with a connected PostgresNIO client, shutting the pool down afterwards. Fails
/// within 10 s, naming the database, when it cannot be reached; database errors come out as
/// ``CLIError``s with the server's message.
public func withPostgresClient<T: Sendable>(
    _ url: DatabaseURL, maximumConnections: Int = 20, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: try url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        // Let the pool's run loop start before the first lease (avoids a spurious warning).
        try? await Task.sleep(for: .milliseconds(20))
        do {
            try await probe(client, url: url, logger: logger)
            let result = try await body(client)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw DatabaseErrorDescription.readable(error)
        }
    }
}

/// Fails fast, with a message that names the database, when it cannot be reached: the pool
/// would otherwise keep retrying for about a minute.
private func probe(_ client: PostgresClient, url: DatabaseURL, logger: Logger, timeout: Duration = .seconds(10)) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await client.perform("SELECT 1", logger: logger)
            return true
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return false
        }
        defer { group.cancelAll() }
        guard try await group.next() == true else {
            throw CLIError("cannot connect to the database at \(url) within \(timeout): is it running, and is the URL right?")
        }
    }
}

/// Turns PostgresNIO's deliberately generic errors into messages a user can act on
/// (the server's message and SQLSTATE; never the query's bound values).
public enum DatabaseErrorDescription {
    /// `error` as a ``CLIError`` with the server's message and SQLSTATE, or `error` itself.
    public static func readable(_ error: any Error) -> any Error {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = error.serverInfo?[.detail].map { ": \($0)" } ?? ""
                return CLIError("database error: \(message)\(detail)\(state)")
            }
            return CLIError("database connection failed: \(error.code)\(error.underlying.map { " (\($0))" } ?? "")")
        }
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError ?? error.beginError {
            return readable(inner)
        }
        return error
    }
}

/// Runs `body` with a ledger store over a running client of the service role; drains appends
/// before returning.
public func withLedgerStore<T: Sendable>(
    _ runtime: Runtime, maximumConnections: Int = 20, logger: Logger, _ body: @Sendable (LedgerStore) async throws -> T
) async throws -> T {
    let masterKey = runtime.masterKey
    return try await withPostgresClient(runtime.service, maximumConnections: maximumConnections, logger: logger) { client in
        try await LedgerStore.withStore(client: client, masterKey: masterKey, limits: Runtime.appendLimits(), logger: logger, body)
    }
}
