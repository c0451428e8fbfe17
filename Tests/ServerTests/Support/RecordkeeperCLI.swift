import Foundation
import TestSupport

/// What one run of the executable did.
struct CLIResult: Sendable {
    var command: String
    var termination: Termination
    var stdout: String
    var stderr: String

    var exitCode: Int32? { termination.exitCode }

    /// The command, how it ended and its output, for failure messages.
    var transcript: String {
        "`\(command)` ended with \(termination)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }

    /// Standard output decoded as the command's `--json` document.
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(stdout.utf8))
        } catch {
            throw TestSetupError("stdout is not the expected JSON (\(T.self)): \(error)\n\(transcript)")
        }
    }
}

/// Runs the `recordkeeper` executable with an environment built for one test.
struct RecordkeeperCLI: Sendable {
    let binary: String
    /// The environment every run gets (``TestEnvironment/cleanEnvironment()`` plus the test's own).
    var environment: [String: String]
    /// The working directory of the runs, and where their output files go.
    let workDirectory: URL

    init(workDirectory: URL, environment: [String: String]) throws {
        self.binary = try TestEnvironment.recordkeeperBinary()
        self.environment = TestEnvironment.cleanEnvironment().merging(environment) { _, new in new }
        self.workDirectory = workDirectory
    }

    /// Runs `recordkeeper <arguments>` to completion. `overrides` change the environment for this
    /// run only; a nil value removes the variable.
    func run(_ arguments: [String], overrides: [String: String?] = [:], timeout: Duration = .seconds(180)) async throws -> CLIResult {
        try await run(binary, arguments, overrides: overrides, timeout: timeout)
    }

    /// Runs `recordkeeper-bench <arguments>` (the benchmarks' executable, ``TestEnvironment/benchBinary()``)
    /// to completion, with the same environment as ``run(_:overrides:timeout:)``.
    func bench(_ arguments: [String], overrides: [String: String?] = [:], timeout: Duration = .seconds(180)) async throws -> CLIResult {
        try await run(try TestEnvironment.benchBinary(), arguments, overrides: overrides, timeout: timeout)
    }

    private func run(_ binary: String, _ arguments: [String], overrides: [String: String?], timeout: Duration) async throws -> CLIResult {
        var env = environment
        for (key, value) in overrides { env[key] = value }
        let label = "run-\(TestEnvironment.randomHex(4))"
        let child = try ChildProcess.spawn(
            binary, arguments, environment: env, workingDirectory: workDirectory.path, outputDirectory: workDirectory, label: label
        )
        let termination = try await child.waitForExit(timeout: timeout)
        let result = CLIResult(
            command: URL(fileURLWithPath: binary).lastPathComponent + " " + arguments.joined(separator: " "), termination: termination, stdout: child.stdout,
            stderr: child.stderr
        )
        try? FileManager.default.removeItem(atPath: child.stdoutPath)
        try? FileManager.default.removeItem(atPath: child.stderrPath)
        return result
    }
}

// MARK: The `--json` documents the tests read

struct MigrateOutput: Decodable {
    var applied: [Int]
    var alreadyApplied: [Int]
    var serviceRole: String?
    var serviceRoleCreated: Bool
}

struct DemoOutput: Decodable {
    var ledger: String
    var events: Int
    var added: Int
    var lastPosition: Int
}

struct BenchOutput: Decodable {
    var events: Int
    var streams: Int
    var ledgerHead: Int
    var chainedEventsPerSecond: Double
    var plainEventsPerSecond: Double
    var ratio: Double
}

struct VerifyOutput: Decodable {
    struct LedgerReport: Decodable {
        var ledger: String
        var ok: Bool
        var entries: Int
        var payloadsVerified: Int
    }

    var ok: Bool
    var entries: Int
    var firstBadPosition: Int?
    var reason: String?
    var reasonCode: String?
    var ledger: String?
    var level: String?
    var error: String?
    var ledgers: [LedgerReport]?
    var checkpoints: [CheckpointReport]?

    struct CheckpointReport: Decodable {
        var source: String
        var ok: Bool?
        var reasonCode: String?
        var treeSize: Int?
    }
}

struct KeysCreateOutput: Decodable {
    var file: String
    var masterKeyId: String
}

struct KeysRotateOutput: Decodable {
    var rewrapped: Int
    var oldMasterKeyId: String
    var newMasterKeyId: String
    var file: String
}
