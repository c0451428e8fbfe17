import Foundation

/// `tools/verify_export.py` run as a child process with `--json`.
///
/// The interpreter is `RECORDKEEPER_PYWA_PYTHON` if it can import `cryptography`, else the first
/// `python3` on PATH (then /usr/bin/python3) that can.
struct PythonVerifier {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    /// "code subject" of each problem.
    var problems: Set<String> = []
    var counts: [String: Int] = [:]
    var transcript: String { "exit \(exitCode)\nstdout: \(stdout)\nstderr: \(stderr)" }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(bundle: URL, work: URL, extra: [String] = []) throws -> PythonVerifier {
        let python = try interpreter()
        let script = repositoryRoot.appendingPathComponent("tools/verify_export.py").path
        var result = try execute(python, [script, "--json"] + extra + [bundle.path], work: work)
        if let data = result.stdout.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for problem in json["problems"] as? [[String: Any]] ?? [] {
                result.problems.insert("\(problem["code"] as? String ?? "?") \(problem["subject"] as? String ?? "?")")
            }
            for key in ["released", "redacted", "withheld"] { result.counts[key] = json[key] as? Int }
        }
        return result
    }

    static func interpreter() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["RECORDKEEPER_PYWA_PYTHON"], !configured.isEmpty { candidates.append(configured) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = try execute(
                candidate, ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"], work: FileManager.default.temporaryDirectory)
            if probe.exitCode == 0 { return candidate }
        }
        throw PythonMissing(description: "no python3 with the `cryptography` package (tried \(candidates)); apt-get install python3-cryptography")
    }

    struct PythonMissing: Error, CustomStringConvertible { var description: String }

    static func execute(_ executable: String, _ arguments: [String], work: URL) throws -> PythonVerifier {
        let id = UUID().uuidString
        let out = work.appendingPathComponent("py-\(id).out")
        let err = work.appendingPathComponent("py-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = work
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return PythonVerifier(
            exitCode: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
