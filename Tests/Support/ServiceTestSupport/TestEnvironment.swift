package import Foundation
import TestSupport

/// Where the tests find the database, the executable and the repository.
package enum TestEnvironment {
    /// `<repo>`, from this file's path: `<repo>/Tests/Support/ServiceTestSupport/TestEnvironment.swift`.
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ServiceTestSupport
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    package static var migrationsDirectory: URL { repositoryRoot.appendingPathComponent("Migrations") }

    /// The built `recordkeeper` executable: `RECORDKEEPER_BIN`, else `<repo>/.build/debug/recordkeeper`.
    package static func recordkeeperBinary() throws -> String {
        let configured = ProcessInfo.processInfo.environment["RECORDKEEPER_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        let path = configured ?? repositoryRoot.appendingPathComponent(".build/debug/recordkeeper").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(
                "the recordkeeper executable was not found at \(path)"
                    + (configured == nil ? " (RECORDKEEPER_BIN is unset): run `swift build` first" : " (from RECORDKEEPER_BIN)")
            )
        }
        return path
    }

    /// The built `recordkeeper-bench` executable: `RECORDKEEPER_BENCH_BIN`, else beside
    /// ``recordkeeperBinary()``.
    package static func benchBinary() throws -> String {
        let configured = ProcessInfo.processInfo.environment["RECORDKEEPER_BENCH_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        let path =
            try configured
            ?? URL(fileURLWithPath: recordkeeperBinary()).deletingLastPathComponent().appendingPathComponent("recordkeeper-bench").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(
                "the recordkeeper-bench executable was not found at \(path)"
                    + (configured == nil
                        ? " (RECORDKEEPER_BENCH_BIN is unset; it is looked for beside recordkeeper): run `swift build` first"
                        : " (from RECORDKEEPER_BENCH_BIN)")
            )
        }
        return path
    }

    /// Variables that choose the database, keys or data directory of the executable. The tests
    /// remove them from the inherited environment and set only what each test means.
    package static let configurationVariables: Set<String> = [
        "DATABASE_URL", "DATABASE_OWNER_URL", "RECORDKEEPER_MASTER_KEY", "RECORDKEEPER_MASTER_KEY_FILE",
        "RECORDKEEPER_DATA_DIR", "RECORDKEEPER_EMBEDDED_PG_PORT", "RECORDKEEPER_HTTP_HOST", "RECORDKEEPER_HTTP_PORT",
        "RECORDKEEPER_MIGRATIONS_DIR",
    ]

    /// This process's environment without ``configurationVariables``.
    package static func cleanEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !configurationVariables.contains($0.key) }
    }

    /// A random lowercase hex string (for database, role and password names).
    package static func randomHex(_ bytes: Int = 6) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A new master key in its text form: base64 of 32 random bytes.
    package static func randomMasterKeyBase64() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
