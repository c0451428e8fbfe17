package import Foundation
import TestSupport
import Testing

/// What one run of the executable did.
package struct CLIResult: Sendable {
    package var command: String
    package var termination: Termination
    package var stdout: String
    package var stderr: String

    package init(command: String, termination: Termination, stdout: String, stderr: String) {
        self.command = command
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
    }

    package var exitCode: Int32? { termination.exitCode }

    /// The command, how it ended and its output, for failure messages.
    package var transcript: String {
        "`\(command)` ended with \(termination)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }

    /// Standard output decoded as the command's `--json` document.
    package func json<T: Decodable>(_ type: T.Type) throws -> T {
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
package struct RecordkeeperCLI: Sendable {
    package let binary: String
    /// The environment every run gets (``TestEnvironment/cleanEnvironment()`` plus the test's own).
    package var environment: [String: String]
    /// The working directory of the runs, and where their output files go.
    package let workDirectory: URL

    package init(workDirectory: URL, environment: [String: String]) throws {
        self.binary = try TestEnvironment.recordkeeperBinary()
        self.environment = TestEnvironment.cleanEnvironment().merging(environment) { _, new in new }
        self.workDirectory = workDirectory
    }

    /// Runs `recordkeeper <arguments>` to completion. `overrides` change the environment for this
    /// run only; a nil value removes the variable.
    package func run(_ arguments: [String], overrides: [String: String?] = [:], timeout: Duration = .seconds(180)) async throws -> CLIResult {
        try await run(binary, arguments, overrides: overrides, timeout: timeout)
    }

    /// Runs `recordkeeper-bench <arguments>` (the benchmarks' executable, ``TestEnvironment/benchBinary()``)
    /// to completion, with the same environment as ``run(_:overrides:timeout:)``.
    package func bench(_ arguments: [String], overrides: [String: String?] = [:], timeout: Duration = .seconds(180)) async throws -> CLIResult {
        try await run(try TestEnvironment.benchBinary(), arguments, overrides: overrides, timeout: timeout)
    }

    /// Runs `recordkeeper` with `arguments` and fails the test unless it exits 0.
    package func succeed(_ arguments: [String]) async throws {
        let result = try await run(arguments)
        try #require(result.exitCode == 0, "\(result.transcript)")
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

package struct MigrateOutput: Decodable {
    package var applied: [Int]
    package var alreadyApplied: [Int]
    package var serviceRole: String?
    package var serviceRoleCreated: Bool
}

package struct DemoOutput: Decodable {
    package var ledger: String
    package var events: Int
    package var added: Int
    package var lastPosition: Int
}

package struct BenchOutput: Decodable {
    package var events: Int
    package var streams: Int
    package var ledgerHead: Int
    package var chainedEventsPerSecond: Double
    package var plainEventsPerSecond: Double
    package var ratio: Double
}

package struct VerifyOutput: Decodable {
    package struct LedgerReport: Decodable {
        package var ledger: String
        package var ok: Bool
        package var entries: Int
        package var payloadsVerified: Int
    }

    package var ok: Bool
    package var entries: Int
    package var firstBadPosition: Int?
    package var reason: String?
    package var reasonCode: String?
    package var ledger: String?
    package var level: String?
    package var error: String?
    package var ledgers: [LedgerReport]?
    package var checkpoints: [CheckpointReport]?

    package struct CheckpointReport: Decodable {
        package var source: String
        package var ok: Bool?
        package var reasonCode: String?
        package var treeSize: Int?
    }
}

package struct KeysCreateOutput: Decodable {
    package var file: String
    package var masterKeyId: String
}

package struct KeysRotateOutput: Decodable {
    package var rewrapped: Int
    package var oldMasterKeyId: String
    package var newMasterKeyId: String
    package var file: String
}
