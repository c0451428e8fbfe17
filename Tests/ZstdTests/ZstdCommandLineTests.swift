import Foundation
import Testing
import Zstd

/// Our frames and the reference `zstd` tool's frames are interchangeable (the Debian `zstd`
/// package, installed by `scripts/setup.sh`).
@Suite("zstd interoperability with the zstd command-line tool")
struct ZstdCommandLineTests {
    static let sample: [UInt8] = {
        var bytes: [UInt8] = []
        for index in 0..<60_000 { bytes += Array("record \(index % 97) ".utf8) }
        return bytes
    }()

    @Test("the zstd tool decompresses our frame to the original")
    func toolReadsOurs() throws {
        let frame = try Zstd.compress(Self.sample, level: 5)
        #expect(try Self.runZstd(["-d", "-c", "-q"], input: frame) == Self.sample)
    }

    @Test("we decompress the tool's frame written from a pipe (no content size in the header)")
    func weReadTheTools() throws {
        let frame = try Self.runZstd(["-c", "-q", "-19"], input: Self.sample)
        #expect(try Zstd.decompress(frame, maxOutputBytes: Self.sample.count) == Self.sample)
        #expect(throws: ZstdError.outputTooLarge(limit: 1000), "the bound holds without a declared size") {
            try Zstd.decompress(frame, maxOutputBytes: 1000)
        }
    }

    @Test("we decompress two frames the tool concatenated")
    func concatenated() throws {
        let first = try Self.runZstd(["-c", "-q"], input: Array("first part, ".utf8))
        let second = try Zstd.compress(Array("second part".utf8))
        #expect(try Zstd.decompress(first + second, maxOutputBytes: 100) == Array("first part, second part".utf8))
    }

    /// Runs the `zstd` tool with `input` on standard input and returns standard output.
    static func runZstd(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        guard
            let tool = ["/usr/bin/zstd", "/usr/local/bin/zstd", "/opt/homebrew/bin/zstd"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw ToolMissing()
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zstd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("in")
        let outputFile = directory.appendingPathComponent("out")
        try Data(input).write(to: inputFile)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        // Files rather than pipes: no risk of a full pipe buffer blocking the tool.
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ToolFailed(status: process.terminationStatus, arguments: arguments) }
        return Array(try Data(contentsOf: outputFile))
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var description: String { "the zstd command-line tool is not installed: run scripts/setup.sh (Debian package zstd)" }
    }

    struct ToolFailed: Error, CustomStringConvertible {
        var status: Int32
        var arguments: [String]
        var description: String { "zstd \(arguments.joined(separator: " ")) exited with status \(status)" }
    }
}
