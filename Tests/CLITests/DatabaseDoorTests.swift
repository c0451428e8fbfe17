import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `scripts/db-door-check.sh` against a migrated scratch database: as the service role, every
/// write that could mislead verification is refused by PostgreSQL or reported by
/// `recordkeeper verify` (finding 11 of the outside review: "the database door").
@Suite("Database door: what the service role can write", .timeLimit(.minutes(4)))
struct DatabaseDoorTests {
    /// The attempts the script makes, and how each must end.
    static let refused = [
        "UPDATE ledger_entries", "UPDATE ledger_payloads", "UPDATE ledger_heads", "UPDATE data_keys", "UPDATE signing_keys",
        "UPDATE checkpoints", "UPDATE merkle_nodes", "UPDATE payload_destructions",
        "UPDATE data_keys.wrapped_key (junk: silent shredding)",
        "DELETE FROM ledger_entries", "DELETE FROM ledger_payloads", "DELETE FROM ledger_heads", "DELETE FROM data_keys",
        "DELETE FROM signing_keys", "DELETE FROM checkpoints", "DELETE FROM merkle_nodes", "DELETE FROM payload_destructions",
        "TRUNCATE ledger_entries", "TRUNCATE ledger_payloads", "TRUNCATE ledger_heads", "TRUNCATE data_keys",
        "TRUNCATE signing_keys", "TRUNCATE checkpoints", "TRUNCATE merkle_nodes", "TRUNCATE payload_destructions",
        "INSERT a planted entry beyond the head", "INSERT a planted payload", "INSERT a planted merkle node",
        "INSERT a planted payload destruction", "INSERT a new ledger whose head is already moved",
        "rk_append leaving a gap (entry at head + 2)", "rk_append of an entry that does not link to the head",
        "rk_append moving the head backwards", "rk_append from a stale head", "rk_append with a tree node outside the batch",
        "rk_append sealing a payload under another ledger's or a missing data key",
        "rk_destroy_data_key without an authorising record.destroyed entry",
    ]
    static let detected = [
        ("INSERT a junk data key for a new stream", "data_key_wrap_unopenable"),
        ("INSERT a planted signing key and a checkpoint it signs for another history", "checkpoint_root_mismatch"),
        ("rk_append of a well-linked entry with a forged hash", "entry_hash_mismatch"),
    ]

    @Test("every UPDATE, DELETE, TRUNCATE and planted row the service role tries is refused or detected by verify")
    func serviceRoleCannotMisleadVerification() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let masterKey = TestEnvironment.randomMasterKeyBase64()
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: masterKey)
                let migrate = try await cli.run(["migrate", "--json"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")
                let demo = try await cli.run(["demo", "--json"])
                try #require(demo.exitCode == 0, "\(demo.transcript)")

                let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/db-door-check.sh").path
                var environment = cli.environment
                environment["RECORDKEEPER_BIN"] = cli.binary
                let child = try ChildProcess.spawn(
                    "/bin/bash", [script, database.serviceURL], environment: environment,
                    workingDirectory: work.path, outputDirectory: work, label: "db-door-check")
                let termination = try await child.waitForExit(timeout: .seconds(180))
                let output = child.stdout
                let transcript = "stdout:\n\(output)\nstderr:\n\(child.stderr)"
                #expect(termination.exitCode == 0, "\(transcript)")
                #expect(!output.contains("NEITHER"), "\(transcript)")

                let lines = output.split(separator: "\n").map(String.init)
                for attempt in Self.refused {
                    #expect(lines.contains { $0.hasPrefix("refused: \(attempt): ") }, "not refused: \(attempt)\n\(transcript)")
                }
                for (attempt, code) in Self.detected {
                    #expect(
                        lines.contains { $0.hasPrefix("detected by verify: \(attempt): \(code): ") },
                        "not detected as \(code): \(attempt)\n\(transcript)")
                }
                #expect(lines.last == "\(Self.refused.count + Self.detected.count) attempts, 0 neither refused nor detected", "\(transcript)")
            }
        }
    }
}
