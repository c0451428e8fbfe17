public import Foundation

/// Runs the `openssl` command-line tool for the tests: no standard input, output captured in
/// files (never pipes that could fill up), and killed when it outlives its timeout.
public enum OpenSSLCommand {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var why: String

        public var description: String { "openssl \(arguments.joined(separator: " ")): \(why)" }
    }

    /// Runs `openssl arguments…` in `directory` and returns its exit status and output.
    public static func run(_ arguments: [String], in directory: URL, timeout: Duration = .seconds(30)) async throws -> Result {
        let name = "openssl-\(UUID().uuidString)"
        let outputURL = directory.appendingPathComponent("\(name).out")
        let errorsURL = directory.appendingPathComponent("\(name).err")
        try Data().write(to: outputURL)
        try Data().write(to: errorsURL)
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorsURL)
        }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        let errors = try FileHandle(forWritingTo: errorsURL)
        defer { try? errors.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                process.terminate()
                process.waitUntilExit()
                throw Failure(arguments: arguments, why: "still running after \(timeout); killed")
            }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                process.terminate()
                process.waitUntilExit()
                throw error
            }
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: Self.text(of: outputURL),
            errors: Self.text(of: errorsURL)
        )
    }

    private static func text(of url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Runs `openssl arguments…` and throws unless it exits with status 0.
    @discardableResult
    public static func check(_ arguments: [String], in directory: URL) async throws -> Result {
        let result = try await run(arguments, in: directory)
        guard result.status == 0 else {
            throw Failure(arguments: arguments, why: "exit status \(result.status): \(result.errors)")
        }
        return result
    }
}
