package import Foundation

/// Clean-up for an embedded cluster a failed test left running.
package enum EmbeddedCluster {
    package static func pgCtl() -> String? {
        ["15", "16", "17"].map { "/usr/lib/postgresql/\($0)/bin/pg_ctl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the cluster in `directory` has a `postmaster.pid` (i.e. was not shut down).
    package static func hasPostmasterPID(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("postmaster.pid").path)
    }

    /// Stops the cluster immediately if it still runs (as the `postgres` OS user when we are root).
    package static func stopIfRunning(_ directory: URL, scratch: URL) async {
        guard hasPostmasterPID(directory), let pgCtl = pgCtl() else { return }
        let stop = [pgCtl, "-D", directory.path, "-m", "immediate", "-w", "stop"]
        var command = stop
        if getuid() == 0 {
            guard
                let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                    .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else { return }
            command = [runuser, "-u", "postgres", "--"] + stop
        }
        guard
            let child = try? ChildProcess.spawn(
                command[0], Array(command.dropFirst()),
                environment: TestEnvironment.cleanEnvironment(), workingDirectory: "/", outputDirectory: scratch, label: "pg-ctl-stop"
            )
        else { return }
        _ = try? await child.waitForExit(timeout: .seconds(60))
    }
}

/// A `recordkeeper serve` on the embedded default, in a temporary directory of its own.
package struct EmbeddedServe {
    package let work: URL
    package let dataDirectory: URL
    package let clusterDirectory: URL
    package let httpPort: Int
    package let pgPort: Int
    /// The environment serve runs with (no DATABASE_URL, owner URL or master key).
    package let environment: [String: String]
    package let process: ChildProcess

    package var baseURL: String { "http://127.0.0.1:\(httpPort)" }

    /// Starts serve in a new temporary directory, runs `body`, then leaves no server and no
    /// cluster behind, whatever happened.
    package static func run(
        extraEnvironment: [String: String] = [:], _ body: (EmbeddedServe) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { work in
            let dataDirectory = work.appendingPathComponent("data", isDirectory: true)
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            let httpPort = try freeLocalPort()
            let pgPort = try freeLocalPort()
            var environment = TestEnvironment.cleanEnvironment()
            environment["RECORDKEEPER_DATA_DIR"] = dataDirectory.path
            environment["RECORDKEEPER_EMBEDDED_PG_PORT"] = String(pgPort)
            environment["RECORDKEEPER_MIGRATIONS_DIR"] = TestEnvironment.migrationsDirectory.path
            environment.merge(extraEnvironment) { _, new in new }
            let process = try ChildProcess.spawn(
                try TestEnvironment.recordkeeperBinary(), ["serve", "--port", String(httpPort)],
                environment: environment, workingDirectory: work.path, outputDirectory: work, label: "serve"
            )
            let serve = EmbeddedServe(
                work: work, dataDirectory: dataDirectory, clusterDirectory: dataDirectory.appendingPathComponent("postgres", isDirectory: true),
                httpPort: httpPort, pgPort: pgPort, environment: environment, process: process)
            let outcome: Result<Void, any Error>
            do {
                try await body(serve)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await process.killAndReap()
            await EmbeddedCluster.stopIfRunning(serve.clusterDirectory, scratch: work)
            try outcome.get()
        }
    }
}
