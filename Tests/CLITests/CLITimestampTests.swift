import Foundation
import LocalTSA
import ServiceTestSupport
import TestSupport
import Testing

/// RFC 3161 timestamps of checkpoints, from a local TSA that `openssl ts` answers, checked with
/// `openssl ts -verify` and with `recordkeeper verify --tsa-ca-file`.
@Suite("Checkpoint timestamps through the CLI", .timeLimit(.minutes(4)))
struct CLITimestampTests {
    @Test("a checkpoint is timestamped; the token sits beside the file and verifies with openssl and with verify")
    func timestampedCheckpoint() async throws {
        try await LocalTSA.with { tsa in
            try await withScratchDatabase { database in
                try await withTemporaryDirectory { work in
                    let sink = work.appendingPathComponent("sink")
                    var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                    cli.environment["RECORDKEEPER_CHECKPOINT_DIR"] = sink.path
                    try await cli.succeed(["migrate"])
                    try await cli.succeed(["demo"])
                    try await cli.succeed(["keys", "signing", "create"])

                    // The TSA is down: the checkpoint is still made and delivered, without a token.
                    let down = try await cli.run(["checkpoint", "--ledger", "demo"], overrides: ["RECORDKEEPER_TSA_URL": tsa.failingURL])
                    try #require(down.exitCode == 0, "\(down.transcript)")
                    let first = sink.appendingPathComponent("demo/00000000000000000013-1.checkpoint")
                    #expect(FileManager.default.fileExists(atPath: first.path))
                    #expect(!FileManager.default.fileExists(atPath: first.deletingPathExtension().appendingPathExtension("tst").path))

                    // The TSA is back: the next run timestamps both checkpoints.
                    let up = try await cli.run(["checkpoint", "--ledger", "demo"], overrides: ["RECORDKEEPER_TSA_URL": tsa.url])
                    try #require(up.exitCode == 0, "\(up.transcript)")
                    for id in 1...2 {
                        let note = sink.appendingPathComponent("demo/00000000000000000013-\(id).checkpoint")
                        let token = note.deletingPathExtension().appendingPathExtension("tst")
                        #expect(FileManager.default.fileExists(atPath: token.path), "checkpoint \(id) has no token")
                        // The auditor's check, with nothing but OpenSSL and the TSA's CA.
                        let check = try await OpenSSLCommand.run(
                            ["ts", "-verify", "-data", note.path, "-in", token.path, "-token_in", "-CAfile", tsa.pki.caCertificate.path],
                            in: work)
                        #expect(check.status == 0, "openssl ts -verify: \(check.output) \(check.errors)")
                        // Another file does not match the token.
                        let other = try await OpenSSLCommand.run(
                            ["ts", "-verify", "-data", cli.binary, "-in", token.path, "-token_in", "-CAfile", tsa.pki.caCertificate.path],
                            in: work)
                        #expect(other.status != 0)
                    }

                    // recordkeeper verify checks every stored token against the CA.
                    let verify = try await cli.run(["verify", "--ledger", "demo", "--tsa-ca-file", tsa.pki.caCertificate.path, "--json"])
                    #expect(verify.exitCode == 0, "\(verify.transcript)")
                    let report = try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any]
                    let timestamps = (report?["timestamps"] as? [String: Any])?["demo"] as? [String: Any]
                    #expect(timestamps?["verified"] as? Int == 2)
                    #expect(timestamps?["checked"] as? Int == 2)

                    // A CA that did not issue the TSA's certificate: the tokens do not verify.
                    let wrongCA = try await cli.run(["verify", "--ledger", "demo", "--tsa-ca-file", tsa.pki.otherCACertificate.path, "--json"])
                    #expect(wrongCA.exitCode == 1, "\(wrongCA.transcript)")
                    #expect(try wrongCA.json(VerifyOutput.self).reasonCode == "timestamp_invalid")
                }
            }
        }
    }
}
