import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `keys create` and `keys rotate`.
@Suite("CLI master keys", .timeLimit(.minutes(4)))
struct CLIKeysTests {
    @Test("keys create writes a 0600 key file and never overwrites one")
    func create() async throws {
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let path = work.appendingPathComponent("k").path

            let created = try await cli.run(["keys", "create", "--out", path, "--json"])
            try #require(created.exitCode == 0, "\(created.transcript)")
            let output = try created.json(KeysCreateOutput.self)
            #expect(output.file == path)
            #expect(output.masterKeyId.count == 16)
            #expect(try permissions(of: path) == 0o600)
            let key = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Data(base64Encoded: key)?.count == 32, "the file holds base64 of 32 bytes")

            let again = try await cli.run(["keys", "create", "--out", path])
            #expect(again.exitCode != 0, "re-running on an existing key file must fail\n\(again.transcript)")
            #expect(again.stderr.contains("already exists"), "\(again.transcript)")
            let unchanged = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(unchanged == key, "the existing key must be left as it was")
        }
    }

    @Test("keys rotate re-wraps the data keys: the new key verifies payloads, the old one no longer can")
    func rotate() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let oldKey = TestEnvironment.randomMasterKeyBase64()
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: oldKey)
                let migrate = try await cli.run(["migrate"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")
                let demo = try await cli.run(["demo", "--json"])
                try #require(demo.exitCode == 0, "\(demo.transcript)")
                let demoEvents = try demo.json(DemoOutput.self).events

                let newKeyFile = work.appendingPathComponent("new").path
                let rotate = try await cli.run(["keys", "rotate", "--new-key-file", newKeyFile, "--json"])
                try #require(rotate.exitCode == 0, "\(rotate.transcript)")
                let rotated = try rotate.json(KeysRotateOutput.self)
                #expect(rotated.rewrapped > 0)
                #expect(rotated.oldMasterKeyId != rotated.newMasterKeyId)
                #expect(rotated.file == newKeyFile)
                #expect(try permissions(of: newKeyFile) == 0o600, "the generated new key file is a secret")

                // The new key, from its file (RECORDKEEPER_MASTER_KEY would take precedence: unset it).
                let withNew = try await cli.run(
                    ["verify", "--json"], overrides: ["RECORDKEEPER_MASTER_KEY": nil, "RECORDKEEPER_MASTER_KEY_FILE": newKeyFile]
                )
                #expect(withNew.exitCode == 0, "\(withNew.transcript)")
                let newReport = try withNew.json(VerifyOutput.self)
                #expect(newReport.ok)
                #expect(newReport.level == "chain+payloads")
                #expect(newReport.entries == demoEvents)
                #expect(newReport.ledgers?.map(\.payloadsVerified).reduce(0, +) == demoEvents)

                // The old key: exit 2 ("could not run"), not 1: the data keys are now recorded as
                // wrapped by the new master key, so a wrong key is a set-up mistake, not tampering.
                // The message names the key that wraps the data keys.
                let withOld = try await cli.run(["verify", "--json"])
                #expect(withOld.exitCode == 2, "\(withOld.transcript)")
                #expect(withOld.transcript.contains(rotated.newMasterKeyId), "the message names the key that wraps the data keys")
            }
        }
    }
}
