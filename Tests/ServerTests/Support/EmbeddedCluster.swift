import Foundation

/// Clean-up for an embedded cluster a failed test left running.
enum EmbeddedCluster {
    static func pgCtl() -> String? {
        ["15", "16", "17"].map { "/usr/lib/postgresql/\($0)/bin/pg_ctl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the cluster in `directory` has a `postmaster.pid` (i.e. was not shut down).
    static func hasPostmasterPID(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("postmaster.pid").path)
    }

    /// Stops the cluster immediately if it still runs (as the `postgres` OS user when we are root).
    static func stopIfRunning(_ directory: URL, scratch: URL) async {
        guard hasPostmasterPID(directory), let pgCtl = pgCtl() else { return }
        let stop = [pgCtl, "-D", directory.path, "-m", "immediate", "-w", "stop"]
        var command = stop
        if getuid() == 0 {
            guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
            command = [runuser, "-u", "postgres", "--"] + stop
        }
        guard let child = try? ChildProcess.spawn(
            command[0], Array(command.dropFirst()),
            environment: TestEnvironment.cleanEnvironment(), workingDirectory: "/", outputDirectory: scratch, label: "pg-ctl-stop"
        ) else { return }
        _ = try? await child.waitForExit(timeout: .seconds(60))
    }
}
