import Foundation

/// Runs external programs (initdb, pg_ctl), as the `postgres` OS user when we are root.
struct ProcessRunner {
    struct Failure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "\(command) exited with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// Whether the process runs as root (uid 0).
    static var isRoot: Bool { getuid() == 0 }

    /// Runs `program` with `arguments`, as `postgres` if we are root; returns its combined output.
    ///
    /// Uses `posix_spawn` and `waitpid` directly, with output sent to a temporary file rather
    /// than a pipe: `pg_ctl start` leaves a server running that would inherit a pipe and keep it
    /// open, and Foundation's `Process` does not always notice such a child's exit.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], asPostgresIfRoot: Bool = true) throws -> String {
        let argv: [String]
        let executable: String
        if asPostgresIfRoot && isRoot {
            executable = try locate("runuser")
            argv = [executable, "-u", "postgres", "--", program] + arguments
        } else {
            executable = program
            argv = [program] + arguments
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("recordkeeper-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw CLIError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw CLIError("waiting for \(program) failed: \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else {
            throw Failure(command: ([program] + arguments).joined(separator: " "), status: code, output: output)
        }
        return output
    }

    /// Finds a program on PATH or in the usual system directories.
    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CLIError("'\(name)' was not found on this machine")
    }
}
