import Foundation
import Ledger
import ServiceTestSupport
import TestSupport
import Testing

/// Signed checkpoints, their sinks, proofs and offline proof checking, through the executable as
/// an operator and an auditor use it.
@Suite("Checkpoints and proofs through the CLI", .timeLimit(.minutes(6)))
struct CLICheckpointTests {
    static let logName = "records.test.example"

    @Test("checkpoint: a C2SP signed note, written to --out, the directory sink and a witness; proofs verify offline")
    func checkpointSinksAndProofs() async throws {
        let witness = PostRecorder(failFirst: 1)
        try await witness.run { witnessURL in
            try await withScratchDatabase { database in
                try await withTemporaryDirectory { work in
                    let sink = work.appendingPathComponent("sink")
                    var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                    cli.environment["RECORDKEEPER_LOG_NAME"] = Self.logName
                    cli.environment["RECORDKEEPER_CHECKPOINT_DIR"] = sink.path
                    cli.environment["RECORDKEEPER_CHECKPOINT_POST_URL"] = witnessURL + "/witness/add-checkpoint"
                    try await cli.succeed(["migrate"])
                    try await cli.succeed(["demo"])

                    // Without a signing key the command says what to do.
                    let noKey = try await cli.run(["checkpoint", "--ledger", "demo"])
                    #expect(noKey.exitCode != 0)
                    #expect(noKey.stderr.contains("keys signing create"), "\(noKey.transcript)")

                    try await cli.succeed(["keys", "signing", "create"])
                    let again = try await cli.run(["keys", "signing", "create"])
                    #expect(again.exitCode != 0, "a second create must be refused: \(again.transcript)")

                    // The first checkpoint: the witness refuses the first POST, so it is delivered on the next run.
                    let first = try await cli.run(["checkpoint", "--ledger", "demo", "--out", "cp7.checkpoint"])
                    try #require(first.exitCode == 0, "\(first.transcript)")
                    let noteText = try String(contentsOf: work.appendingPathComponent("cp7.checkpoint"), encoding: .utf8)
                    #expect(first.stdout == noteText)
                    let lines = noteText.components(separatedBy: "\n")
                    #expect(lines[0] == "\(Self.logName)/ledgers/demo")
                    #expect(lines[1] == "13")
                    #expect(Data(base64Encoded: lines[2])?.count == 32)
                    #expect(lines[3].hasPrefix("recordkeeper-chain-head "))
                    #expect(lines[4].hasPrefix("recordkeeper-created "))
                    #expect(lines[5] == "")
                    #expect(lines[6].hasPrefix("\u{2014} \(Self.logName)/ledgers/demo "))
                    #expect(lines.count == 8 && lines[7] == "", "one signature line, then the final newline")

                    // The published verifier key verifies it; the note is also in the directory sink.
                    let keys = try await cli.run(["keys", "public"])
                    try #require(keys.exitCode == 0, "\(keys.transcript)")
                    try keys.stdout.write(to: work.appendingPathComponent("keys.txt"), atomically: true, encoding: .utf8)
                    let verifier = try NoteVerifierKey(parsing: keys.stdout.components(separatedBy: "\n")[0])
                    #expect(verifier.verifies(try SignedNote(parsing: noteText)))
                    let sinkFile = sink.appendingPathComponent("demo/00000000000000000013-1.checkpoint")
                    #expect(try String(contentsOf: sinkFile, encoding: .utf8) == noteText)
                    #expect(witness.posts.isEmpty, "the witness refused the first delivery")

                    // More entries, a second checkpoint: both reach the witness now, in order.
                    let bench = try await cli.bench(["append", "--ledger", "demo", "--events", "40", "--concurrency", "2"])
                    try #require(bench.exitCode == 0, "\(bench.transcript)")
                    let second = try await cli.run(["checkpoint", "--ledger", "demo", "--out", "cp-late.checkpoint", "--json"])
                    try #require(second.exitCode == 0, "\(second.transcript)")
                    let secondSummary = try second.json(CheckpointOutput.self)
                    let size = secondSummary.treeSize
                    #expect(size == 13 + 40 + 64)
                    #expect(witness.posts.map(\.body) == [noteText, secondSummary.note])
                    #expect(witness.posts.allSatisfy { $0.path == "/witness/add-checkpoint" && $0.ledger == "demo" })
                    #expect(witness.posts.first?.contentType == "text/plain; charset=utf-8")

                    // An inclusion proof verifies offline against the signed checkpoint…
                    let inclusion = try await cli.run(["proof", "inclusion", "--ledger", "demo", "--position", "3", "--size", "13"])
                    try #require(inclusion.exitCode == 0, "\(inclusion.transcript)")
                    try inclusion.stdout.write(to: work.appendingPathComponent("inclusion.json"), atomically: true, encoding: .utf8)
                    let valid = try await cli.run([
                        "verify-proof", "--proof", "inclusion.json", "--checkpoint", "cp7.checkpoint", "--public-key-file", "keys.txt",
                    ])
                    #expect(valid.exitCode == 0, "\(valid.transcript)")
                    // …a doctored one does not…
                    var doctored = try JSONSerialization.jsonObject(with: Data(inclusion.stdout.utf8)) as! [String: Any]
                    var path = doctored["proof"] as! [String]
                    path[0] = String(repeating: "ab", count: 32)
                    doctored["proof"] = path
                    try JSONSerialization.data(withJSONObject: doctored).write(to: work.appendingPathComponent("doctored.json"))
                    let invalid = try await cli.run([
                        "verify-proof", "--proof", "doctored.json", "--checkpoint", "cp7.checkpoint", "--public-key-file", "keys.txt",
                    ])
                    #expect(invalid.exitCode == 1, "\(invalid.transcript)")
                    // …and a key nobody published is refused.
                    let stranger = try NoteSigningKey.generate().verifierKey(name: "\(Self.logName)/ledgers/demo").description
                    let untrusted = try await cli.run(["verify-proof", "--proof", "inclusion.json", "--checkpoint", "cp7.checkpoint", "--public-key", stranger])
                    #expect(untrusted.exitCode == 1, "\(untrusted.transcript)")

                    // A consistency proof between the two signed checkpoints.
                    let consistency = try await cli.run(["proof", "consistency", "--ledger", "demo", "--from", "13", "--to", "\(size)"])
                    try #require(consistency.exitCode == 0, "\(consistency.transcript)")
                    try consistency.stdout.write(to: work.appendingPathComponent("consistency.json"), atomically: true, encoding: .utf8)
                    let consistent = try await cli.run([
                        "verify-proof", "--proof", "consistency.json", "--checkpoint", "cp7.checkpoint", "--checkpoint", "cp-late.checkpoint",
                        "--public-key-file", "keys.txt", "--json",
                    ])
                    #expect(consistent.exitCode == 0, "\(consistent.transcript)")

                    // Verify against both outside checkpoints: intact.
                    let verify = try await cli.run([
                        "verify", "--ledger", "demo", "--checkpoint", "cp7.checkpoint", "--checkpoint", "cp-late.checkpoint",
                        "--public-key-file", "keys.txt", "--json",
                    ])
                    #expect(verify.exitCode == 0, "\(verify.transcript)")
                    let report = try verify.json(VerifyOutput.self)
                    #expect(report.ok)
                    #expect(report.checkpoints?.count == 4, "two outside and two stored checkpoints")
                    #expect(report.checkpoints?.allSatisfy { $0.ok == true } == true)

                    // The tail cut off consistently (entries, payloads, tree nodes and head): the
                    // chain alone cannot tell; the outside checkpoint can.
                    try await database.executeAsSuperuser([
                        "BEGIN",
                        "ALTER TABLE ledger_entries DISABLE TRIGGER ALL", "ALTER TABLE ledger_payloads DISABLE TRIGGER ALL",
                        "ALTER TABLE merkle_nodes DISABLE TRIGGER ALL", "ALTER TABLE ledger_heads DISABLE TRIGGER ALL",
                        "DELETE FROM ledger_payloads WHERE position > 50", "DELETE FROM ledger_entries WHERE position > 50",
                        "DELETE FROM merkle_nodes WHERE last_position > 50",
                        "UPDATE ledger_heads h SET position = 50, head_hash = e.entry_hash FROM ledger_entries e WHERE e.ledger_id = h.ledger_id AND e.position = 50",
                        "ALTER TABLE ledger_entries ENABLE TRIGGER ALL", "ALTER TABLE ledger_payloads ENABLE TRIGGER ALL",
                        "ALTER TABLE merkle_nodes ENABLE TRIGGER ALL", "ALTER TABLE ledger_heads ENABLE TRIGGER ALL",
                        "COMMIT",
                    ])
                    let chainOnly = try await cli.run(["verify", "--ledger", "demo", "--no-stored-checkpoints", "--json"])
                    #expect(chainOnly.exitCode == 0, "without a checkpoint the truncation is invisible: \(chainOnly.transcript)")
                    let truncated = try await cli.run([
                        "verify", "--ledger", "demo", "--checkpoint", "cp-late.checkpoint", "--public-key-file", "keys.txt",
                        "--no-stored-checkpoints", "--json",
                    ])
                    #expect(truncated.exitCode == 1, "\(truncated.transcript)")
                    let truncatedReport = try truncated.json(VerifyOutput.self)
                    #expect(truncatedReport.reasonCode == "checkpoint_beyond_head")
                    #expect(truncatedReport.firstBadPosition == 51)
                }
            }
        }
    }

    @Test("serve makes checkpoints as the ledger grows and writes them to the directory sink")
    func serviceMakesCheckpoints() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let sink = work.appendingPathComponent("sink")
                var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                cli.environment["RECORDKEEPER_CHECKPOINT_DIR"] = sink.path
                cli.environment["RECORDKEEPER_CHECKPOINT_ENTRIES"] = "5"
                cli.environment["RECORDKEEPER_CHECKPOINT_INTERVAL"] = "3600"
                try await cli.succeed(["migrate"])
                try await cli.succeed(["keys", "signing", "create"])
                let port = try freeLocalPort()
                let serve = try ChildProcess.spawn(
                    cli.binary, ["serve", "--port", String(port)], environment: cli.environment,
                    workingDirectory: work.path, outputDirectory: work, label: "serve")
                do {
                    try await cli.succeed(["demo"])  // 13 entries ≥ 5: a checkpoint is due
                    // The demo appends in two commits (10, then 3 acceptances and statuses): the service
                    // may sign the first state too; the checkpoint of all 13 is the one to find.
                    let directory = sink.appendingPathComponent("demo")
                    func latest() -> URL? {
                        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                        return names.filter { $0.hasPrefix("00000000000000000013-") && $0.hasSuffix(".checkpoint") }.sorted().last
                            .map { directory.appendingPathComponent($0) }
                    }
                    try await eventually("no checkpoint of the 13 demo entries", timeout: .seconds(30), interval: .milliseconds(100)) { latest() != nil }
                    let file = try #require(latest(), "no checkpoint of the 13 demo entries within 30 s")
                    let note = try String(contentsOf: file, encoding: .utf8)
                    #expect(note.hasPrefix("recordkeeper.localhost/ledgers/demo\n13\n"), "\(note)")
                    let latest = try await httpGet("http://127.0.0.1:\(port)/v1/ledgers/demo/checkpoint")
                    #expect(latest.status == 200)
                    #expect(String(decoding: latest.body, as: UTF8.self) == note)
                } catch {
                    Issue.record("\(error); serve's stderr:\n\(serve.stderr)")
                }
                serve.send(SIGTERM)
                _ = try await serve.waitForExit(timeout: .seconds(60))
            }
        }
    }
}

struct CheckpointOutput: Decodable {
    var ledger: String
    var treeSize: Int64
    var note: String
}
