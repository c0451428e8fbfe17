package import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
package import Darwin
#endif

/// How a child process ended.
package enum Termination: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    package var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    package var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// A child process started with `posix_spawn`, its output going to files.
///
/// Not Foundation's `Process`: `recordkeeper serve` starts PostgreSQL through `pg_ctl`, and that
/// server would inherit the descriptor `Process` watches to notice its child's exit (so the
/// test could wait for as long as PostgreSQL runs). Here the child gets only stdin (/dev/null),
/// stdout and stderr (files), a clean signal state, and its exit is polled with `waitpid`.
package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    package let command: String
    package let stdoutPath: String
    package let stderrPath: String
    private let lock = NSLock()
    private var termination: Termination?

    private init(pid: pid_t, command: String, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.command = command
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts `executable` with exactly `environment`, in `workingDirectory`, writing its output to
    /// `<outputDirectory>/<label>.stdout` and `.stderr`.
    package static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String],
        workingDirectory: String, outputDirectory: URL, label: String
    ) throws -> ChildProcess {
        let stdoutPath = outputDirectory.appendingPathComponent("\(label).stdout").path
        let stderrPath = outputDirectory.appendingPathComponent("\(label).stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard GNUSpawnActions.addChdir(&actions, workingDirectory) == 0 else {
            throw TestSetupError("cannot set the working directory \(workingDirectory) for \(executable)")
        }
        // Nothing else of this (multi-threaded) test process leaks into the child.
        guard GNUSpawnActions.addCloseFrom(&actions, 3) == 0 else {
            throw TestSetupError("cannot ask posix_spawn to close inherited descriptors")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = [executable] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }

        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, &cEnvironment)
        guard status == 0 else {
            throw TestSetupError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, command: argv.joined(separator: " "), stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// How the process ended, or nil while it runs (never blocks).
    package func poll() -> Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let termination { return termination }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return termination
    }

    /// Waits (polling) until the process ends; after `timeout` kills it and throws.
    package func waitForExit(timeout: Duration) async throws -> Termination {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination = poll() { return termination }
            try await Task.sleep(for: .milliseconds(25))
        }
        if let termination = poll() { return termination }
        kill(pid, SIGKILL)
        while poll() == nil { try await Task.sleep(for: .milliseconds(25)) }
        throw TestSetupError("`\(command)` did not exit within \(timeout); killed it. stderr:\n\(stderr)")
    }

    /// Sends a signal to the process (if it still runs).
    package func send(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }

    /// Kills the process if it still runs and reaps it (for clean-up after a failure).
    package func killAndReap() async {
        guard poll() == nil else { return }
        kill(pid, SIGKILL)
        _ = try? await waitForExit(timeout: .seconds(30))
    }

    package var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    package var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29) and `…_addclosefrom_np` (2.34). Swift's
/// Glibc module does not declare these GNU extensions, so they are looked up at run time.
private enum GNUSpawnActions {
    package typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    package typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static func lookup<F>(_ name: String, as type: F.Type) -> F? {
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }

    /// Returns 0 on success; ENOSYS when this C library lacks the function.
    package static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        guard let function = lookup("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) else { return ENOSYS }
        return path.withCString { function(actions, $0) }
    }

    package static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        guard let function = lookup("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self) else { return ENOSYS }
        return function(actions, lowest)
    }
}
