import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper verify` reports every problem it can name with exit 1, and keeps exit 2 for
/// "could not run": a deleted head row or a re-labelled data key must not hide other tampering.
@Suite("verify CLI: findings instead of 'could not run'", .timeLimit(.minutes(6)))
struct VerifyCLIFindingsTests {
    /// The full JSON of `verify --json`, as far as these tests read it.
    struct Output: Decodable {
        struct Problem: Decodable {
            var ledger: String
            var reasonCode: String
            var firstBadPosition: Int?
        }
        struct Ledger: Decodable {
            var ledger: String
            var ok: Bool
            var entries: Int
            var head: Int?
        }
        var ok: Bool
        var reasonCode: String?
        var problems: [Problem]?
        var ledgers: [Ledger]?
        var checkpoints: [VerifyOutput.CheckpointReport]?
        var error: String?
    }

    static let demo = "(SELECT id FROM ledgers WHERE name = 'demo')"

    /// The independent verifier's JSON, as far as these tests read it.
    struct PythonOutput: Decodable {
        struct Finding: Decodable {
            var reasonCode: String
            var firstBadPosition: Int?
        }
        var ok: Bool
        var reasonCode: String?
        var findings: [Finding]?
    }

    /// `tools/verify_ledger.py` on the demo ledger, with the master key.
    func independent(_ database: ScratchDatabase, work: URL) async throws -> (exitCode: Int32?, output: PythonOutput, transcript: String) {
        let python = try await Python.find(work: work)
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("tools/verify_ledger.py").path
        let result = try await python.run(
            [script, "--database", database.serviceURL, "--ledger", "demo", "--master-key-file", work.appendingPathComponent("master.key").path, "--json"],
            work: work)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (result.exitCode, try decoder.decode(PythonOutput.self, from: Data(result.stdout.utf8)), result.transcript)
    }

    @Test("the head row deleted and an entry altered: exit 1 with head_missing and entry_hash_mismatch")
    func headDeleted() async throws {
        try await withVerifiedDemo { database, cli, work in
            try await database.executeAsSuperuser([
                "BEGIN",
                "ALTER TABLE ledger_heads DISABLE TRIGGER ALL",
                "ALTER TABLE ledger_entries DISABLE TRIGGER ALL",
                "DELETE FROM ledger_heads WHERE ledger_id = \(Self.demo)",
                "UPDATE ledger_entries SET actor = 'mallory' WHERE position = 9 AND ledger_id = \(Self.demo)",
                "ALTER TABLE ledger_heads ENABLE TRIGGER ALL",
                "ALTER TABLE ledger_entries ENABLE TRIGGER ALL",
                "COMMIT",
            ])
            let verify = try await cli.run(["verify", "--json"])
            #expect(verify.exitCode == 1, "tampering, not 'could not run'\n\(verify.transcript)")
            let report = try verify.json(Output.self)
            #expect(!report.ok)
            #expect(report.error == nil, "\(verify.transcript)")
            let codes = (report.problems ?? []).map(\.reasonCode)
            #expect(codes.contains("head_missing"), "\(verify.transcript)")
            #expect(report.problems?.contains { $0.reasonCode == "entry_hash_mismatch" && $0.firstBadPosition == 9 } == true, "\(verify.transcript)")
            let demo = try #require(report.ledgers?.first { $0.ledger == "demo" })
            #expect(demo.head == nil, "no head to report: \(verify.transcript)")

            let text = try await cli.run(["verify"])
            #expect(text.exitCode == 1)
            #expect(text.stdout.contains("[head_missing]"), "\(text.transcript)")
            #expect(text.stdout.contains("[entry_hash_mismatch]"), "\(text.transcript)")

            // The independent verifier agrees.
            let python = try await independent(database, work: work)
            #expect(python.exitCode == 1, "\(python.transcript)")
            #expect(python.output.findings?.map(\.reasonCode) == ["head_missing"], "\(python.transcript)")
            #expect(python.output.reasonCode == "entry_hash_mismatch", "\(python.transcript)")
        }
    }

    @Test("a data key re-labelled to another master key: exit 1 with payload_key_unavailable per entry, other tampering still named")
    func dataKeyRelabelled() async throws {
        try await withVerifiedDemo { database, cli, work in
            let key = "(SELECT min(id) FROM data_keys WHERE ledger_id = \(Self.demo))"
            try await database.executeAsSuperuser([
                "BEGIN",
                "ALTER TABLE ledger_entries DISABLE TRIGGER ALL",
                "UPDATE data_keys SET master_key_id = 'not-the-key' WHERE id = \(key)",
                // An entry sealed under another key (or none) is altered too.
                """
                UPDATE ledger_entries SET actor = 'mallory' WHERE ledger_id = \(Self.demo) AND position = (
                    SELECT max(e.position) FROM ledger_entries e LEFT JOIN ledger_payloads p USING (ledger_id, position)
                    WHERE e.ledger_id = \(Self.demo) AND p.data_key_id IS DISTINCT FROM \(key))
                """,
                "ALTER TABLE ledger_entries ENABLE TRIGGER ALL",
                "COMMIT",
            ])
            let verify = try await cli.run(["verify", "--json"])
            #expect(verify.exitCode == 1, "tampering, not 'could not run'\n\(verify.transcript)")
            let report = try verify.json(Output.self)
            let problems = report.problems ?? []
            #expect(problems.contains { $0.reasonCode == "payload_key_unavailable" && $0.firstBadPosition != nil }, "\(verify.transcript)")
            #expect(problems.contains { $0.reasonCode == "entry_hash_mismatch" }, "\(verify.transcript)")

            let python = try await independent(database, work: work)
            #expect(python.exitCode == 1, "\(python.transcript)")
            #expect(python.output.findings?.contains { $0.reasonCode == "payload_key_unavailable" } == true, "\(python.transcript)")
            #expect(python.output.reasonCode == "entry_hash_mismatch", "\(python.transcript)")
        }
    }

    @Test("a malformed --checkpoint file is checkpoint_signature_invalid (exit 1), not 'could not run'")
    func malformedCheckpoint() async throws {
        try await withVerifiedDemo { _, cli, work in
            let file = work.appendingPathComponent("garbage.checkpoint")
            try Data("this is not a signed note\n".utf8).write(to: file)
            let verify = try await cli.run(["verify", "--json", "--ledger", "demo", "--checkpoint", file.path])
            #expect(verify.exitCode == 1, "\(verify.transcript)")
            let report = try verify.json(Output.self)
            #expect(report.reasonCode == "checkpoint_signature_invalid", "\(verify.transcript)")
            #expect(report.checkpoints?.first { $0.source == file.path }?.reasonCode == "checkpoint_signature_invalid", "\(verify.transcript)")

            let everyLedger = try await cli.run(["verify", "--json", "--checkpoint", file.path])
            #expect(everyLedger.exitCode == 1, "\(everyLedger.transcript)")
            #expect(try everyLedger.json(Output.self).reasonCode == "checkpoint_signature_invalid", "\(everyLedger.transcript)")
        }
    }
}
