import Foundation
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `relays add`, `list` and `remove`: the secret is sealed (never in the table in clear, never
/// printed), bad input is refused with exit code 2, a missing or existing relay with 1, and every
/// change is an event of a ledger that verifies.
@Suite("CLI relays", .timeLimit(.minutes(4)))
struct CLIRelaysTests {
    struct Listed: Decodable {
        struct Relay: Decodable {
            var name: String
            var phoneNumberIds: [String]
            var url: String
            var enabled: Bool
        }
        var relays: [Relay]
    }

    @Test("add, list, remove; the secret is neither stored in clear nor printed; bad input is refused")
    func lifecycle() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: TestEnvironment.randomMasterKeyBase64())
                let migrate = try await cli.run(["migrate"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")
                let secret = "s3cret-downstream-\(TestEnvironment.randomHex(8))"
                let secretFile = work.appendingPathComponent("downstream.secret")
                try Data((secret + "\n").utf8).write(to: secretFile)
                let url = "https://bot.agency.example/webhook"

                let add = try await cli.run([
                    "relays", "add", "legacy-bot", "--phone-number-id", "106540352242922", "--phone-number-id", "2222",
                    "--url", url, "--secret-file", secretFile.path, "--json",
                ])
                try #require(add.exitCode == 0, "\(add.transcript)")
                #expect(add.stdout.contains(#""name" : "legacy-bot""#), "\(add.transcript)")
                #expect(!add.transcript.contains(secret), "the secret is never printed")

                let again = try await cli.run(["relays", "add", "legacy-bot", "--phone-number-id", "1", "--url", url, "--secret-file", secretFile.path])
                #expect(again.exitCode == 1, "\(again.transcript)")
                #expect(again.stderr.contains("exists already"), "\(again.transcript)")

                let insecure = try await cli.run([
                    "relays", "add", "plain", "--phone-number-id", "1", "--url", "http://bot.example/hook", "--secret-file", secretFile.path,
                ])
                #expect(insecure.exitCode == 2, "\(insecure.transcript)")
                #expect(insecure.stderr.contains("relay URL"), "\(insecure.transcript)")

                let badName = try await cli.run(["relays", "add", "Bad Name", "--phone-number-id", "1", "--url", url, "--secret-file", secretFile.path])
                #expect(badName.exitCode == 2, "\(badName.transcript)")
                #expect(badName.stderr.contains("relay name"), "\(badName.transcript)")

                let noSecret = try await cli.run(["relays", "add", "nosecret", "--phone-number-id", "1", "--url", url])
                #expect(noSecret.exitCode == 2, "\(noSecret.transcript)")
                #expect(noSecret.stderr.contains("--secret-file"), "\(noSecret.transcript)")

                let emptyStdin = try await cli.run(["relays", "add", "stdin", "--phone-number-id", "1", "--url", url, "--secret-stdin"])
                #expect(emptyStdin.exitCode == 2, "\(emptyStdin.transcript)")
                #expect(emptyStdin.stderr.contains("empty"), "\(emptyStdin.transcript)")

                let list = try await cli.run(["relays", "list", "--json"])
                try #require(list.exitCode == 0, "\(list.transcript)")
                #expect(!list.transcript.contains(secret))
                let listed = try list.json(Listed.self).relays
                #expect(listed.map(\.name) == ["legacy-bot"])
                #expect(listed.first?.phoneNumberIds == ["106540352242922", "2222"])
                #expect(listed.first?.url == url)
                #expect(listed.first?.enabled == true)

                // The table holds the secret only sealed: not as text, not as bytes anywhere in the row.
                try await withPostgresClient(database.superuserURL) { client in
                    let rows = try await client.query(
                        """
                        SELECT count(*)::int8 FROM webhook_relays t
                        WHERE position(convert_to(\(secret), 'UTF8') in t.sealed_secret) > 0 OR t::text LIKE '%' || \(secret) || '%'
                           OR encode(t.sealed_secret, 'escape') LIKE '%' || \(secret) || '%'
                        """, logger: testLogger
                    ).collect()
                    #expect(try rows.first?.decode(Int64.self) == 0, "the secret is not stored in clear")
                    let headers = try await client.query(
                        "SELECT count(*)::int8 FROM ledger_entries WHERE header LIKE '%' || \(secret) || '%'", logger: testLogger
                    ).collect()
                    #expect(try headers.first?.decode(Int64.self) == 0, "nor in a retained header")
                }

                let remove = try await cli.run(["relays", "remove", "legacy-bot"])
                #expect(remove.exitCode == 0, "\(remove.transcript)")
                let missing = try await cli.run(["relays", "remove", "legacy-bot"])
                #expect(missing.exitCode == 1, "\(missing.transcript)")
                #expect(missing.stderr.contains("no relay named legacy-bot"), "\(missing.transcript)")
                #expect(try await cli.run(["relays", "list", "--json"]).json(Listed.self).relays.isEmpty)

                // One event per change that happened (add, remove), and the ledger verifies.
                let verify = try await cli.run(["verify", "--json"])
                #expect(verify.exitCode == 0, "\(verify.transcript)")
                let report = try verify.json(VerifyOutput.self)
                #expect(report.ok)
                #expect(report.entries == 2)
            }
        }
    }
}
