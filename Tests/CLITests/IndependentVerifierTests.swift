import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `tools/verify_ledger.py` is written from `docs/ledger-format.md` alone. These tests show that the
/// document suffices: on an intact ledger and on every kind of tampering (section 10.4, plus the
/// truncation and the consistent rewrite that only a checkpoint catches, section 12.6, and a
/// doctored Merkle node, section 11.1), the independent verifier and `recordkeeper verify` must give
/// the same exit status, `ok`, `reason_code` and `first_bad_position`, and the expected one.
///
/// Each scenario is applied by the superuser, triggers off, to a fresh copy of one original
/// database (`CREATE DATABASE … TEMPLATE …`), so scenarios do not interfere and run in parallel.
@Suite("Independent verifier (tools/verify_ledger.py) agrees with recordkeeper verify", .timeLimit(.minutes(4)))
struct IndependentVerifierTests {
    static let ledger = "big"
    /// The deployment's log name (section 12.1), given to both tools.
    static let logName = "records.test.example"
    static let otherLogName = "other-log.test.example"
    static let tables = [
        "ledger_entries", "ledger_heads", "ledger_payloads", "payload_destructions", "data_keys", "merkle_nodes", "checkpoints",
    ]
    /// How many scenarios run at once (each runs both tools, at the same time).
    static let parallelScenarios = 4

    static var verifierScript: String {
        TestEnvironment.repositoryRoot.appendingPathComponent("tools/verify_ledger.py").path
    }

    @Test("verify_ledger.py --self-test reproduces every vector of docs/test-vectors.json, checkpoints included")
    func selfTest() async throws {
        try await withTemporaryDirectory { work in
            let python = try await Python.find(work: work)
            let result = try await python.run([Self.verifierScript, "--self-test"], work: work)
            #expect(result.exitCode == 0, "\(result.transcript)")
            #expect(result.stdout.hasPrefix("OK"), "\(result.transcript)")
            #expect(result.stdout.contains("7 checkpoints, 21 inclusion and 28 consistency proofs"), "\(result.transcript)")
        }
    }

    @Test("both verifiers agree on an intact ledger and on every tampering scenario")
    func tamperingScenarios() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let python = try await Python.find(work: work)
                let masterKey = TestEnvironment.randomMasterKeyBase64()
                var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: masterKey)
                cli.environment["RECORDKEEPER_LOG_NAME"] = Self.logName
                let masterKeyFile = work.appendingPathComponent("master.key")
                try Data((masterKey + "\n").utf8).write(to: masterKeyFile)
                chmod(masterKeyFile.path, 0o600)

                // A ledger spanning Merkle levels 4 and 8, a checkpoint of it, then more entries.
                try await Self.require(cli.run(["migrate", "--json"]))
                try await Self.require(cli.run(["demo", "--json"]))
                try await Self.require(
                    cli.bench(["append", "--events", "300", "--ledger", Self.ledger, "--concurrency", "4", "--batch", "5", "--json"]))
                try await Self.require(cli.run(["keys", "signing", "create"]))
                let checkpoint = try await Self.require(cli.run(["checkpoint", "--ledger", Self.ledger, "--out", "big.checkpoint", "--json"]))
                let checkpointSize = try checkpoint.json(CheckpointOutput.self).treeSize
                try await Self.require(cli.run(["checkpoint", "--ledger", "demo", "--out", "demo.checkpoint"]))
                try await Self.require(
                    cli.bench(["append", "--events", "20", "--ledger", Self.ledger, "--concurrency", "2", "--batch", "5", "--json"]))
                let keys = try await Self.require(cli.run(["keys", "public"]))
                var keyLines = keys.stdout

                // A checkpoint of the same ledger under another log name, signed by the same key
                // (made on a copy, so that the original holds no checkpoint of another origin).
                let otherLog = "\(database.name)_otherlog"
                try await ScratchDatabase.withClient(try ScratchDatabase.clusterURL()) { client in
                    try await execute(["CREATE DATABASE \"\(otherLog)\" TEMPLATE \"\(database.name)\""], on: client)
                }
                do {
                    let overrides: [String: String?] = [
                        "DATABASE_URL": Self.serviceURL(database, otherLog), "DATABASE_OWNER_URL": Self.superuserURL(database, otherLog),
                        "RECORDKEEPER_LOG_NAME": Self.otherLogName,
                    ]
                    try await Self.require(cli.run(["checkpoint", "--ledger", Self.ledger, "--out", "other-log.checkpoint"], overrides: overrides))
                    keyLines += try await Self.require(cli.run(["keys", "public", "--ledger", Self.ledger], overrides: overrides)).stdout
                } catch {
                    try? await Self.dropDatabases([otherLog])
                    throw error
                }
                try await Self.dropDatabases([otherLog])
                try Data(keyLines.utf8).write(to: work.appendingPathComponent("keys"))

                // A well-formed checkpoint whose signed body was altered (another valid root).
                let note = try String(contentsOf: work.appendingPathComponent("big.checkpoint"), encoding: .utf8)
                var lines = note.components(separatedBy: "\n")
                lines[2] = (lines[2].hasPrefix("A") ? "B" : "A") + lines[2].dropFirst()
                try Data(lines.joined(separator: "\n").utf8).write(to: work.appendingPathComponent("bad.checkpoint"))

                // The SQL of the scenarios that need hashes, from the Python encoder.
                let generator = work.appendingPathComponent(TamperSQLGenerator.fileName)
                try Data(TamperSQLGenerator.source.utf8).write(to: generator)
                let generated = try await python.run(
                    [generator.path, Self.verifierScript, database.superuserURL, Self.ledger, masterKeyFile.path, "tamper.json"], work: work)
                try #require(generated.exitCode == 0, "\(generated.transcript)")
                let sql = try JSONDecoder().decode(
                    TamperSQLGenerator.Output.self, from: Data(contentsOf: work.appendingPathComponent("tamper.json")))

                let scenarios = Self.scenarios(head: sql.head, checkpointSize: checkpointSize, generated: sql.scenarios)
                let copies = scenarios.indices.map { "\(database.name)_s\($0)" }
                let results: [ScenarioResult]
                do {
                    let context = RunContext(cli: cli, python: python, database: database, work: work, masterKeyFile: masterKeyFile.path)
                    results = try await Self.runAll(scenarios, copies: copies, context: context)
                } catch {
                    try? await Self.dropDatabases(copies)
                    throw error
                }

                for result in results {
                    Self.check(result)
                }
            }
        }
    }

    // MARK: Scenarios

    struct Expectation: Equatable, Sendable, CustomStringConvertible {
        var code: String?
        var position: Int?

        static let intact = Expectation(code: nil, position: nil)
        static func fails(_ code: String, at position: Int?) -> Expectation { Expectation(code: code, position: position) }

        var description: String { code.map { "\($0) at \(position.map(String.init) ?? "none")" } ?? "intact" }
    }

    struct Scenario: Sendable {
        var name: String
        var statements: [String]
        /// Checkpoint files given to both tools, in this order.
        var checkpoints = ["big.checkpoint"]
        /// With the master key (level chain+payloads).
        var expected: Expectation
        /// Also run without the master key (level chain), expecting this.
        var chainOnly: Expectation?
        /// Also run with the checkpoints stored in the database instead of files, expecting this.
        var stored: Expectation?
    }

    static func scenarios(head: Int, checkpointSize: Int, generated: [String: [String]]) -> [Scenario] {
        let ledgerID = "(SELECT id FROM ledgers WHERE name = '\(ledger)')"
        func at(_ position: Int) -> String { "ledger_id = \(ledgerID) AND position = \(position)" }
        func gen(_ name: String) -> [String] { generated[name] ?? ["SELECT 'missing generated scenario \(name)'::int"] }
        let alterNode160 = "UPDATE merkle_nodes SET hash = sha256(hash) WHERE ledger_id = \(ledgerID) AND last_position = 160 AND level = 4"
        let headBackTo400 =
            "UPDATE ledger_heads SET position = 400, head_hash = (SELECT entry_hash FROM ledger_entries WHERE \(at(400))) WHERE ledger_id = \(ledgerID)"
        // The tail cut at 300 together with its payloads, stored tree and head: the chain verifies.
        let truncateTo300 = [
            "DELETE FROM ledger_entries WHERE ledger_id = \(ledgerID) AND position > 300",
            "DELETE FROM ledger_payloads WHERE ledger_id = \(ledgerID) AND position > 300",
            "DELETE FROM merkle_nodes WHERE ledger_id = \(ledgerID) AND last_position > 300",
            "UPDATE ledger_heads SET position = 300, head_hash = (SELECT entry_hash FROM ledger_entries WHERE \(at(300))) WHERE ledger_id = \(ledgerID)",
        ]
        let copyColumns = [
            "event_id", "stream", "event_type", "occurred_at_us", "recorded_at_us", "actor", "dedupe_key", "header",
            "payload_commitment", "prev_hash", "entry_hash",
        ]
        .map { "\($0) = o.\($0)" }.joined(separator: ", ")
        return [
            Scenario(name: "intact", statements: [], expected: .intact, chainOnly: .intact, stored: .intact),
            // Section 10.4.
            Scenario(
                name: "actor of entry 100 altered", statements: ["UPDATE ledger_entries SET actor = 'mallory' WHERE \(at(100))"],
                expected: .fails("entry_hash_mismatch", at: 100), chainOnly: .fails("entry_hash_mismatch", at: 100)),
            Scenario(
                name: "header of entry 101 altered", statements: ["UPDATE ledger_entries SET header = header || ' ' WHERE \(at(101))"],
                expected: .fails("entry_hash_mismatch", at: 101)),
            Scenario(
                name: "occurred_at of entry 102 moved by 1 µs",
                statements: ["UPDATE ledger_entries SET occurred_at_us = occurred_at_us + 1 WHERE \(at(102))"],
                expected: .fails("entry_hash_mismatch", at: 102)),
            Scenario(
                name: "commitment of entry 103 altered",
                statements: ["UPDATE ledger_entries SET payload_commitment = sha256(payload_commitment) WHERE \(at(103))"],
                expected: .fails("entry_hash_mismatch", at: 103)),
            Scenario(
                name: "entry_hash column of entry 104 altered",
                statements: ["UPDATE ledger_entries SET entry_hash = sha256(entry_hash) WHERE \(at(104))"],
                expected: .fails("entry_hash_mismatch", at: 104)),
            Scenario(
                name: "entry 120 deleted", statements: ["DELETE FROM ledger_entries WHERE \(at(120))"],
                expected: .fails("missing_entry", at: 120)),
            Scenario(
                name: "entry 120 deleted, later rows renumbered down",
                statements: [
                    "DELETE FROM ledger_entries WHERE \(at(120))",
                    "UPDATE ledger_entries SET position = position + 1000000 WHERE ledger_id = \(ledgerID) AND position > 120",
                    "UPDATE ledger_entries SET position = position - 1000001 WHERE ledger_id = \(ledgerID) AND position > 1000000",
                ],
                expected: .fails("broken_link", at: 120)),
            Scenario(
                name: "entries from 440 deleted, head left",
                statements: ["DELETE FROM ledger_entries WHERE ledger_id = \(ledgerID) AND position >= 440"],
                expected: .fails("missing_entry", at: 440)),
            Scenario(
                name: "contents of rows 130 and 131 swapped, positions kept",
                statements: [
                    "DROP INDEX ledger_entries_event_id", "DROP INDEX ledger_entries_dedupe_key",
                    "UPDATE ledger_entries e SET \(copyColumns) FROM ledger_entries o WHERE e.ledger_id = \(ledgerID) "
                        + "AND o.ledger_id = e.ledger_id AND ((e.position = 130 AND o.position = 131) OR (e.position = 131 AND o.position = 130))",
                ],
                expected: .fails("broken_link", at: 130)),
            Scenario(
                name: "forged entry inserted at 150 with a correct hash, rows renumbered up, 151's prev_hash left",
                statements: gen("forged-inserted-next-prev-left"),
                expected: .fails("broken_link", at: 151)),
            Scenario(
                name: "forged entry inserted at 150 with a correct hash, 151's prev_hash rewritten",
                statements: gen("forged-inserted-next-prev-rewritten"), expected: .fails("entry_hash_mismatch", at: 151)),
            Scenario(
                name: "forged entry inserted at 150 with a wrong hash",
                statements: gen("forged-inserted-wrong-hash"), expected: .fails("entry_hash_mismatch", at: 150)),
            Scenario(
                name: "forged entry (with a valid payload) appended after the head, head left",
                statements: gen("forged-appended-head-left"),
                expected: .fails("entries_beyond_head", at: head + 1)),
            Scenario(name: "head row moved back to 400", statements: [headBackTo400], expected: .fails("entries_beyond_head", at: 401)),
            Scenario(
                name: "tail rewritten with recomputed hashes, head left",
                statements: gen("tail-rewritten-head-left"), expected: .fails("head_hash_mismatch", at: head)),
            Scenario(
                name: "payload of entry 205 deleted", statements: ["DELETE FROM ledger_payloads WHERE \(at(205))"],
                expected: .fails("payload_missing", at: 205), chainOnly: .fails("payload_missing", at: 205)),
            Scenario(
                name: "sealed payload of entry 207 copied to entry 206",
                statements: [
                    "UPDATE ledger_payloads SET sealed = (SELECT sealed FROM ledger_payloads WHERE \(at(207))), "
                        + "data_key_id = (SELECT data_key_id FROM ledger_payloads WHERE \(at(207))) WHERE \(at(206))"
                ],
                expected: .fails("payload_unreadable", at: 206), chainOnly: .intact),
            Scenario(
                name: "payload of entry 210 replaced under the right key",
                statements: gen("payload-replaced-under-right-key"),
                expected: .fails("payload_commitment_mismatch", at: 210)),
            // Section 12.6: only the checkpoint catches these.
            Scenario(
                name: "tail truncated consistently (entries, payloads, merkle_nodes, head)", statements: truncateTo300,
                expected: .fails("checkpoint_beyond_head", at: 301), chainOnly: .fails("checkpoint_beyond_head", at: 301),
                stored: .fails("checkpoint_beyond_head", at: 301)),
            Scenario(
                name: "chain rewritten consistently from 200 (hashes, merkle_nodes, head)",
                statements: gen("rewritten-consistently-from-200"),
                expected: .fails("checkpoint_root_mismatch", at: checkpointSize),
                chainOnly: .fails("checkpoint_root_mismatch", at: checkpointSize)),
            Scenario(
                name: "last 10 entries rewritten consistently: beyond the checkpoint, undetectable",
                statements: gen("rewritten-consistently-last-10"), expected: .intact),
            Scenario(
                name: "checkpoint of another log name", statements: [], checkpoints: ["other-log.checkpoint"],
                expected: .fails("checkpoint_origin_mismatch", at: nil)),
            Scenario(
                name: "checkpoint whose signed body was altered", statements: [], checkpoints: ["bad.checkpoint"],
                expected: .fails("checkpoint_signature_invalid", at: nil)),
            // Section 11.1.
            Scenario(
                name: "level-4 Merkle node ending at 160 altered", statements: [alterNode160],
                expected: .fails("tree_node_mismatch", at: 160), chainOnly: .fails("tree_node_mismatch", at: 160)),
            Scenario(
                name: "level-8 Merkle node ending at 256 altered",
                statements: ["UPDATE merkle_nodes SET hash = sha256(hash) WHERE ledger_id = \(ledgerID) AND last_position = 256 AND level = 8"],
                expected: .fails("tree_node_mismatch", at: 256)),
            Scenario(
                name: "level-4 Merkle node ending at 48 deleted",
                statements: ["DELETE FROM merkle_nodes WHERE ledger_id = \(ledgerID) AND last_position = 48 AND level = 4"],
                expected: .fails("tree_node_mismatch", at: 48)),
            Scenario(
                name: "Merkle node stored beyond the head",
                statements: [
                    "INSERT INTO merkle_nodes (ledger_id, last_position, level, hash) VALUES (\(ledgerID), \(head / 16 * 16 + 16), 4, sha256('x'::bytea))"
                ],
                expected: .fails("tree_node_mismatch", at: head / 16 * 16 + 16)),
            // Section 12.6's order: chain, then checkpoints in the order given, then the tree.
            Scenario(
                name: "order: head moved back and a bad checkpoint → the chain failure", statements: [headBackTo400],
                checkpoints: ["bad.checkpoint"], expected: .fails("entries_beyond_head", at: 401)),
            Scenario(
                name: "order: a Merkle node altered and a checkpoint of another log → the checkpoint", statements: [alterNode160],
                checkpoints: ["big.checkpoint", "other-log.checkpoint"], expected: .fails("checkpoint_origin_mismatch", at: nil)),
            Scenario(
                name: "order: truncated, bad checkpoint first → the first checkpoint given", statements: truncateTo300,
                checkpoints: ["bad.checkpoint", "big.checkpoint"], expected: .fails("checkpoint_signature_invalid", at: nil)),
            Scenario(
                name: "order: truncated, good checkpoint first → the first checkpoint given", statements: truncateTo300,
                checkpoints: ["big.checkpoint", "bad.checkpoint"], expected: .fails("checkpoint_beyond_head", at: 301)),
            // Section 12.6 step 2: a checkpoint naming another ledger of the same log.
            Scenario(
                name: "checkpoint of another ledger of this log", statements: [], checkpoints: ["demo.checkpoint"],
                expected: .fails("checkpoint_origin_mismatch", at: nil)),
        ]
    }

    // MARK: Running

    struct RunContext: Sendable {
        var cli: RecordkeeperCLI
        var python: Python
        var database: ScratchDatabase
        var work: URL
        var masterKeyFile: String
    }

    /// What one tool said: the fields both must agree on.
    struct Verdict: Equatable, Sendable, CustomStringConvertible {
        var exitCode: Int32?
        var ok: Bool?
        var reasonCode: String?
        var firstBadPosition: Int?

        init(_ result: CLIResult) {
            exitCode = result.exitCode
            struct JSON: Decodable {
                var ok: Bool?
                var reasonCode: String?
                var firstBadPosition: Int?
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let json = try? decoder.decode(JSON.self, from: Data(result.stdout.utf8))
            ok = json?.ok
            reasonCode = json?.reasonCode
            firstBadPosition = json?.firstBadPosition
        }

        var description: String {
            "exit \(exitCode.map(String.init) ?? "-"), ok \(ok.map(String.init) ?? "-"), "
                + "\(reasonCode ?? "no code") at \(firstBadPosition.map(String.init) ?? "none")"
        }

        func matches(_ expected: Expectation) -> Bool {
            if expected.code == nil { return exitCode == 0 && ok == true && reasonCode == nil }
            return exitCode == 1 && ok == false && reasonCode == expected.code && firstBadPosition == expected.position
        }
    }

    struct Run: Sendable {
        var mode: String
        var expected: Expectation
        var swift: CLIResult
        var python: CLIResult
    }

    struct ScenarioResult: Sendable {
        var scenario: Scenario
        var runs: [Run]
    }

    static func runAll(_ scenarios: [Scenario], copies: [String], context: RunContext) async throws -> [ScenarioResult] {
        try await withThrowingTaskGroup(of: (Int, ScenarioResult).self) { group in
            var results = [ScenarioResult?](repeating: nil, count: scenarios.count)
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await run(scenarios[index], copy: copies[index], context: context)) }
            }
            while next < min(parallelScenarios, scenarios.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < scenarios.count { start() }
            }
            return results.compactMap { $0 }
        }
    }

    /// Copies the original database, tampers with the copy, runs both tools on it, drops it.
    static func run(_ scenario: Scenario, copy: String, context: RunContext) async throws -> ScenarioResult {
        try await ScratchDatabase.withClient(try ScratchDatabase.clusterURL(), maximumConnections: 1) { client in
            try await execute(["CREATE DATABASE \"\(copy)\" TEMPLATE \"\(context.database.name)\""], on: client)
        }
        let result: ScenarioResult
        do {
            result = try await verifyCopy(scenario, copy: copy, context: context)
        } catch {
            try? await dropDatabases([copy])
            throw error
        }
        try await dropDatabases([copy])
        return result
    }

    static func verifyCopy(_ scenario: Scenario, copy: String, context: RunContext) async throws -> ScenarioResult {
        if !scenario.statements.isEmpty {
            try await withPostgresClient(superuserURL(context.database, copy), maximumConnections: 1) { client in
                try await execute(
                    ["BEGIN"] + tables.map { "ALTER TABLE \($0) DISABLE TRIGGER ALL" } + scenario.statements
                        + tables.map { "ALTER TABLE \($0) ENABLE TRIGGER ALL" } + ["COMMIT"],
                    on: client)
            }
        }
        let checkpointArguments = scenario.checkpoints.flatMap { ["--checkpoint", $0] }
        let service = serviceURL(context.database, copy)
        let masterKey = context.cli.environment["RECORDKEEPER_MASTER_KEY"]

        // mode: (label, expected, master key?, checkpoints from files or stored in the database)
        var modes: [(String, Expectation, Bool, Bool)] = [("chain+payloads", scenario.expected, true, false)]
        if let chainOnly = scenario.chainOnly { modes.append(("chain", chainOnly, false, false)) }
        if let stored = scenario.stored { modes.append(("stored checkpoints", stored, true, true)) }

        var runs: [Run] = []
        for (label, expected, withKey, stored) in modes {
            let swiftArguments =
                ["verify", "--ledger", ledger, "--json", "--public-key-file", "keys"]
                + (stored ? [] : checkpointArguments + ["--no-stored-checkpoints"])
            var pythonArguments =
                [
                    verifierScript, "--database", service, "--ledger", ledger, "--public-key-file", "keys",
                    "--log-name", logName, "--json",
                ]
                + (stored ? ["--stored-checkpoints"] : checkpointArguments)
            if withKey { pythonArguments += ["--master-key-file", context.masterKeyFile] }
            async let swift = context.cli.run(
                swiftArguments,
                overrides: ["DATABASE_URL": service, "DATABASE_OWNER_URL": nil, "RECORDKEEPER_MASTER_KEY": withKey ? masterKey : nil])
            async let python = context.python.run(pythonArguments, work: context.work)
            runs.append(Run(mode: label, expected: expected, swift: try await swift, python: try await python))
        }
        return ScenarioResult(scenario: scenario, runs: runs)
    }

    static func check(_ result: ScenarioResult) {
        for run in result.runs {
            let swift = Verdict(run.swift)
            let python = Verdict(run.python)
            let context: Comment = """
                scenario "\(result.scenario.name)" [\(run.mode)]: expected \(run.expected)
                recordkeeper verify: \(swift)
                verify_ledger.py:    \(python)
                \(run.swift.transcript)
                \(run.python.transcript)
                """
            #expect(swift == python, context)
            #expect(swift.matches(run.expected), context)
            #expect(python.matches(run.expected), context)
        }
    }

    // MARK: Helpers

    struct CheckpointOutput: Decodable {
        var treeSize: Int
    }

    @discardableResult
    static func require(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        try #require(result.exitCode == 0, "\(result.transcript)", sourceLocation: sourceLocation)
        return result
    }

    static func superuserURL(_ database: ScratchDatabase, _ name: String) -> String {
        String(database.superuserURL.dropLast(database.name.count)) + name
    }

    static func serviceURL(_ database: ScratchDatabase, _ name: String) -> String {
        database.url(user: database.serviceRole, password: database.servicePassword, database: name)
    }

    static func dropDatabases(_ names: [String]) async throws {
        try await ScratchDatabase.withClient(try ScratchDatabase.clusterURL(), maximumConnections: 1) { client in
            try await execute(names.map { "DROP DATABASE IF EXISTS \"\($0)\" WITH (FORCE)" }, on: client)
        }
    }
}

/// A Python 3 interpreter that has the `cryptography` package (installed by scripts/setup.sh as
/// the Debian package python3-cryptography): the first `python3` on PATH that can import it, else
/// /usr/bin/python3.
struct Python: Sendable {
    let executable: String

    static func find(work: URL) async throws -> Python {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var candidates = path.split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
        candidates = candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }
        var tried: [String] = []
        for candidate in candidates where !tried.contains(candidate) {
            tried.append(candidate)
            let python = Python(executable: candidate)
            let probe = try await python.run(
                ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519, cryptography.hazmat.primitives.ciphers.aead"], work: work)
            if probe.exitCode == 0 { return python }
        }
        throw TestSetupError(
            "no python3 with the `cryptography` package (tried: \(tried.joined(separator: ", "))); run scripts/setup.sh "
                + "(it installs python3-cryptography) or `pip install cryptography`")
    }

    /// Runs `python3 <arguments>` in `work` with the test's clean environment.
    func run(_ arguments: [String], work: URL, timeout: Duration = .seconds(120)) async throws -> CLIResult {
        let child = try ChildProcess.spawn(
            executable, arguments, environment: TestEnvironment.cleanEnvironment(), workingDirectory: work.path,
            outputDirectory: work, label: "python-\(TestEnvironment.randomHex(4))")
        let termination = try await child.waitForExit(timeout: timeout)
        let result = CLIResult(
            command: "python3 " + arguments.joined(separator: " "), termination: termination, stdout: child.stdout, stderr: child.stderr)
        try? FileManager.default.removeItem(atPath: child.stdoutPath)
        try? FileManager.default.removeItem(atPath: child.stderrPath)
        return result
    }
}
