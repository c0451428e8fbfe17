import Foundation
import Testing

@testable import Exports

/// `export.rsmf` validates against the RSMF 2.0 JSON Schema shipped by Relativity
/// (Fixtures/rsmf_schema_2_0_0.json, BSD licence beside it) and the referential rules of its text,
/// checked by Fixtures/check_rsmf.py with Python's `email`, `zipfile` (CRCs) and `jsonschema`.
@Suite("Export RSMF 2.0")
struct ExportRSMFTests {
    struct Summary: Decodable {
        var valid: Bool
        var problems: [String]
        var events: Int
        var eventCountHeader: String?
        var files: [String]
        var bodies: [String]
    }

    /// A python3 that can import jsonschema: `RECORDKEEPER_OPENAPI_VALIDATOR` (its venv has it),
    /// else python3 on PATH, else /usr/bin/python3.
    static func python() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["RECORDKEEPER_OPENAPI_VALIDATOR"], !configured.isEmpty { candidates.append(configured) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = try PythonVerifier.execute(candidate, ["-c", "import jsonschema"], work: FileManager.default.temporaryDirectory)
            if probe.exitCode == 0 { return candidate }
        }
        throw PythonVerifier.PythonMissing(description: "no python3 with the `jsonschema` package (tried \(candidates)): pip install jsonschema")
    }

    @Test("export.rsmf is an EML with one rsmf.zip whose manifest validates against the RSMF 2.0 schema")
    func validates() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let contents = try BundleContents(url: url)
            let rsmf = directory.appendingPathComponent("export.rsmf")
            try Data(try #require(contents.bytes("export.rsmf"))).write(to: rsmf)
            let fixtures = PythonVerifier.repositoryRoot.appendingPathComponent("Tests/ExportsTests/Fixtures")
            let result = try PythonVerifier.execute(
                try Self.python(),
                [fixtures.appendingPathComponent("check_rsmf.py").path, rsmf.path, fixtures.appendingPathComponent("rsmf_schema_2_0_0.json").path],
                work: directory)
            #expect(result.exitCode == 0, "\(result.transcript)")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let summary = try decoder.decode(Summary.self, from: Data(result.stdout.utf8))
            #expect(summary.valid, "\(summary.problems)")
            #expect(summary.events == 8 && summary.eventCountHeader == "8")
            #expect(summary.files == ["p11-pothole.jpg", "rsmf_manifest.json"], "the withheld photo is left out")
            #expect(summary.bodies.contains("My card is [redacted: RCW 42.56.230(5)], please refund."))
            #expect(summary.bodies.contains("[withheld in full: RCW 42.56.360 — the resident's health condition]"))
            #expect(!summary.bodies.joined().contains("asthma") && !summary.bodies.joined().contains("4111"))
            // The bundle's manifest covers it like any other file.
            #expect(ExportVerifier.verify(bundle: url).ok)
        }
    }
}
