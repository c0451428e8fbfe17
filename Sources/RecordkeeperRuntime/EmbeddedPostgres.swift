import Foundation
import LedgerStore
import Logging
import PostgresNIO

/// The embedded default: a private PostgreSQL 15 cluster in a data directory of the service's
/// own, used when no database URL is configured.
///
/// Layout of `RECORDKEEPER_DATA_DIR` (default `./.recordkeeper`):
/// - `postgres/`: the cluster (owned by the `postgres` OS user when run as root)
/// - `secrets/owner.password`, `secrets/service.password`: generated, mode 0600
/// - `master.key`: the generated master key, mode 0600 (back it up!)
///
/// The cluster listens on 127.0.0.1 only (no unix socket), with scram-sha-256 passwords.
public struct EmbeddedPostgres: Sendable {
    static let ownerRole = "recordkeeper_owner"
    static let serviceRole = "recordkeeper_service"
    static let database = "recordkeeper"

    let dataDirectory: URL
    let port: Int
    let logger: Logger

    var clusterDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
    var secretsDirectory: URL { dataDirectory.appendingPathComponent("secrets") }
    var logFile: URL { clusterDirectory.appendingPathComponent("server.log") }

    static func binDirectory() throws -> String {
        for version in ["15", "16", "17"] {
            let directory = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") { return directory }
        }
        throw CLIError("PostgreSQL 15 is not installed (no /usr/lib/postgresql/15/bin/pg_ctl): run scripts/setup.sh, or set DATABASE_URL")
    }

    /// Initialises the cluster on first use, starts it if it is not running, and makes sure the
    /// database exists. Returns the owner and service connection URLs, and whether this call
    /// started the server (only then should this process stop it: a `verify` run beside a
    /// running `serve` must leave the server's database up).
    func start() async throws -> (owner: DatabaseURL, service: DatabaseURL, startedHere: Bool) {
        let bin = try Self.binDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try fm.createDirectory(at: secretsDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ownerPassword = try secret(named: "owner.password")
        let servicePassword = try secret(named: "service.password")

        if !fm.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) {
            logger.notice("initialising the embedded PostgreSQL cluster", metadata: ["directory": "\(clusterDirectory.path)"])
            try? fm.removeItem(at: clusterDirectory)
            try fm.createDirectory(at: clusterDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let passwordFile = dataDirectory.appendingPathComponent(".initdb-pw-\(UUID().uuidString)")
            try Data(ownerPassword.utf8).write(to: passwordFile)
            defer { try? fm.removeItem(at: passwordFile) }
            try chownToPostgres(clusterDirectory)
            try chownToPostgres(passwordFile)
            try ProcessRunner.run(
                "\(bin)/initdb",
                [
                    "-D", clusterDirectory.path, "-U", Self.ownerRole, "--pwfile=\(passwordFile.path)",
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                ])
        }
        var startedHere = false
        if !isRunning(bin: bin) {
            startedHere = true
            logger.notice("starting the embedded PostgreSQL cluster", metadata: ["port": "\(port)"])
            do {
                try ProcessRunner.run(
                    "\(bin)/pg_ctl",
                    [
                        "-D", clusterDirectory.path, "-l", logFile.path, "-w", "-t", "60",
                        "-o", "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=''",
                        "start",
                    ])
            } catch {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
                throw CLIError("the embedded PostgreSQL did not start: \(error)\n\(log)")
            }
        }
        let owner = try DatabaseURL("postgres://\(Self.ownerRole):\(ownerPassword)@127.0.0.1:\(port)/\(Self.database)")
        let service = try DatabaseURL("postgres://\(Self.serviceRole):\(servicePassword)@127.0.0.1:\(port)/\(Self.database)")
        do {
            try await createDatabaseIfMissing(ownerPassword: ownerPassword)
        } catch {
            if startedHere { stop() }
            throw error
        }
        return (owner, service, startedHere)
    }

    /// Stops the cluster (fast shutdown: open sessions are ended, committed data is kept).
    func stop() {
        guard let bin = try? Self.binDirectory(), isRunning(bin: bin) else { return }
        logger.notice("stopping the embedded PostgreSQL cluster")
        do {
            try ProcessRunner.run("\(bin)/pg_ctl", ["-D", clusterDirectory.path, "-m", "fast", "-w", "stop"])
        } catch {
            logger.error("could not stop the embedded PostgreSQL cluster", metadata: ["error": "\(error)"])
        }
    }

    private func isRunning(bin: String) -> Bool {
        guard FileManager.default.fileExists(atPath: clusterDirectory.appendingPathComponent("postmaster.pid").path) else { return false }
        return (try? ProcessRunner.run("\(bin)/pg_ctl", ["-D", clusterDirectory.path, "status"])) != nil
    }

    private func createDatabaseIfMissing(ownerPassword: String) async throws {
        let url = try DatabaseURL("postgres://\(Self.ownerRole):\(ownerPassword)@127.0.0.1:\(port)/postgres")
        try await withPostgresClient(url, logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(Self.database)", logger: logger).collect()
            if rows.isEmpty {
                try await client.perform("CREATE DATABASE recordkeeper ENCODING 'UTF8' TEMPLATE template0", logger: logger)
            }
        }
    }

    /// Reads a generated secret, creating it (mode 0600) on first use.
    private func secret(named name: String) throws -> String {
        let file = secretsDirectory.appendingPathComponent(name)
        if let existing = try? String(contentsOf: file, encoding: .utf8) {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var generator = SystemRandomNumberGenerator()
        let value = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try SecretFile.write(value + "\n", to: file)
        return value
    }

    private func chownToPostgres(_ url: URL) throws {
        guard ProcessRunner.isRoot else { return }
        try ProcessRunner.run(try ProcessRunner.locate("chown"), ["-R", "postgres:postgres", url.path], asPostgresIfRoot: false)
    }
}
