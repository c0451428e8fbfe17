import Foundation

/// The PostgreSQL 15 client programs of the test cluster (`pg_dump`, `pg_restore`), from
/// `PG_BINDIR` or Debian's `/usr/lib/postgresql/15/bin` (scripts/setup.sh installs them).
public enum PostgresPrograms {
    /// A program that did not run, or exited non-zero, with its standard error.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path of `name`; missing is a failure, never a skip.
    public static func path(_ name: String) throws -> String {
        let directory = ProcessInfo.processInfo.environment["PG_BINDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/lib/postgresql/15/bin"
        let path = "\(directory)/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) not found: install postgresql-15 (scripts/setup.sh) or set PG_BINDIR")
        }
        return path
    }

    /// Runs program `name` with `arguments` and waits for it to exit 0.
    public static func run(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(name))
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
