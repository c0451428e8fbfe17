import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// Finding 13 of the outside review: what `docs/ledger-format.md` says verification reports, and
/// what section 15's export must hold for it, are what both `recordkeeper verify` and the
/// independent `tools/verify_ledger.py` (which reads only that export) report.
@Suite("Verifiers: orphan payload rows, and the ledgers and signing_keys exports", .timeLimit(.minutes(6)))
struct VerifierOrphanAndExportTests {
    /// `recordkeeper verify --json`, as far as these tests read it.
    struct SwiftOutput: Decodable {
        struct Problem: Decodable, Equatable {
            var reasonCode: String
            var firstBadPosition: Int?
        }
        struct Ledger: Decodable {
            var ledger: String
            var head: Int?
        }
        var ok: Bool
        var reasonCode: String?
        var firstBadPosition: Int?
        var problems: [Problem]?
        var ledgers: [Ledger]?
    }

    /// `tools/verify_ledger.py --json`, as far as these tests read it.
    struct PythonOutput: Decodable {
        struct Finding: Decodable, Equatable {
            var reasonCode: String
            var firstBadPosition: Int?
        }
        var ok: Bool
        var reasonCode: String?
        var firstBadPosition: Int?
        var findings: [Finding]?
    }

    static let demo = "(SELECT id FROM ledgers WHERE name = 'demo')"

    /// `recordkeeper verify --ledger NAME --json`, with or without the master key.
    func recordkeeper(
        _ cli: RecordkeeperCLI, ledger: String, masterKey: Bool = true
    ) async throws -> (exitCode: Int32?, output: SwiftOutput?, transcript: String) {
        let result = try await cli.run(
            ["verify", "--json", "--ledger", ledger], overrides: masterKey ? [:] : ["RECORDKEEPER_MASTER_KEY": nil])
        return (result.exitCode, try? result.json(SwiftOutput.self), result.transcript)
    }

    /// `tools/verify_ledger.py --database … --ledger NAME --json` (it exports as section 15 says).
    func independent(
        _ database: ScratchDatabase, work: URL, ledger: String, masterKey: Bool = true
    ) async throws -> (exitCode: Int32?, output: PythonOutput?, transcript: String) {
        let python = try await Python.find(work: work)
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("tools/verify_ledger.py").path
        var arguments = [script, "--database", database.serviceURL, "--ledger", ledger, "--json"]
        if masterKey { arguments += ["--master-key-file", work.appendingPathComponent("master.key").path] }
        let result = try await python.run(arguments, work: work)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (result.exitCode, try? decoder.decode(PythonOutput.self, from: Data(result.stdout.utf8)), result.transcript)
    }

    @Test("payload rows at positions with no entry (0, and beyond the head) are orphan_payload findings: both verifiers exit 1 naming each")
    func orphanPayloads() async throws {
        try await withVerifiedDemo { database, cli, work in
            let before = try await recordkeeper(cli, ledger: "demo")
            let head = try #require(before.output?.ledgers?.first { $0.ledger == "demo" }?.head, "\(before.transcript)")
            let beyond = head + 1000
            // A superuser (outside rk_append) copies a real sealed payload to two positions where
            // the demo ledger has no entry: position 0 and far beyond the head.
            try await database.executeAsSuperuser([
                "BEGIN",
                "ALTER TABLE ledger_payloads DISABLE TRIGGER ALL",
                """
                INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed)
                SELECT ledger_id, v.position, data_key_id, sealed
                FROM (SELECT * FROM ledger_payloads WHERE ledger_id = \(Self.demo) ORDER BY position LIMIT 1) p,
                     (VALUES (0::bigint), (\(beyond)::bigint)) AS v(position)
                """,
                "ALTER TABLE ledger_payloads ENABLE TRIGGER ALL",
                "COMMIT",
            ])
            let expected = [
                SwiftOutput.Problem(reasonCode: "orphan_payload", firstBadPosition: 0),
                SwiftOutput.Problem(reasonCode: "orphan_payload", firstBadPosition: beyond),
            ]
            for withKey in [true, false] {
                let swift = try await recordkeeper(cli, ledger: "demo", masterKey: withKey)
                #expect(swift.exitCode == 1, "tampering, not 'could not run'\n\(swift.transcript)")
                #expect(swift.output?.ok == false, "\(swift.transcript)")
                #expect(swift.output?.reasonCode == "orphan_payload", "\(swift.transcript)")
                #expect(swift.output?.firstBadPosition == 0, "\(swift.transcript)")
                #expect(swift.output?.problems == expected, "\(swift.transcript)")

                let python = try await independent(database, work: work, ledger: "demo", masterKey: withKey)
                #expect(python.exitCode == 1, "\(python.transcript)")
                #expect(python.output?.reasonCode == "orphan_payload", "\(python.transcript)")
                #expect(python.output?.firstBadPosition == 0, "\(python.transcript)")
                #expect(
                    python.output?.findings == expected.map { PythonOutput.Finding(reasonCode: $0.reasonCode, firstBadPosition: $0.firstBadPosition) },
                    "\(python.transcript)")
            }
        }
    }

    @Test("a ledger with a ledgers row but no head row and no entries: both report head_missing; an unknown name: both could not run")
    func bareLedger() async throws {
        try await withVerifiedDemo { database, cli, work in
            try await database.executeAsSuperuser(["INSERT INTO ledgers (name) VALUES ('bare')"])
            let swift = try await recordkeeper(cli, ledger: "bare")
            #expect(swift.exitCode == 1, "\(swift.transcript)")
            #expect(swift.output?.reasonCode == "head_missing", "\(swift.transcript)")
            let python = try await independent(database, work: work, ledger: "bare")
            #expect(python.exitCode == 1, "the ledgers export shows the ledger exists\n\(python.transcript)")
            #expect(python.output?.reasonCode == "head_missing", "\(python.transcript)")
            #expect(python.output?.findings?.map(\.reasonCode) == ["head_missing"], "\(python.transcript)")

            let unknownSwift = try await recordkeeper(cli, ledger: "no-such-ledger")
            #expect(unknownSwift.exitCode == 2, "\(unknownSwift.transcript)")
            let unknownPython = try await independent(database, work: work, ledger: "no-such-ledger")
            #expect(unknownPython.exitCode == 2, "\(unknownPython.transcript)")
            #expect(unknownPython.transcript.contains("no-such-ledger"), "\(unknownPython.transcript)")
        }
    }

    @Test("a master key that wraps only the checkpoint signing key is confirmed by the signing_keys export: both report payload_key_unavailable")
    func masterKeyConfirmedBySigningKey() async throws {
        try await withVerifiedDemo { database, cli, work in
            let created = try await cli.run(["keys", "signing", "create"])
            try #require(created.exitCode == 0, "\(created.transcript)")
            // Every data key re-labelled to another master key: only the signing key is left
            // to show that the configured master key is the deployment's.
            try await database.executeAsSuperuser([
                "BEGIN",
                "ALTER TABLE data_keys DISABLE TRIGGER ALL",
                "UPDATE data_keys SET master_key_id = 'ffffffffffffffff'",
                "ALTER TABLE data_keys ENABLE TRIGGER ALL",
                "COMMIT",
            ])
            let swift = try await recordkeeper(cli, ledger: "demo")
            #expect(swift.exitCode == 1, "\(swift.transcript)")
            #expect(swift.output?.reasonCode == "payload_key_unavailable", "\(swift.transcript)")
            let python = try await independent(database, work: work, ledger: "demo")
            #expect(python.exitCode == 1, "the signing key confirms the master key, so this is not 'could not run'\n\(python.transcript)")
            #expect(python.output?.reasonCode == "payload_key_unavailable", "\(python.transcript)")
            #expect(python.output?.firstBadPosition == swift.output?.firstBadPosition, "\(swift.transcript)\n\(python.transcript)")
        }
    }
}
