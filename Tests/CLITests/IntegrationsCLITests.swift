import Access
import Foundation
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// `recordkeeper integrations add|revoke|list`, against a real database as an operator runs them.
@Suite("integrations CLI", .timeLimit(.minutes(5)))
struct IntegrationsCLITests {
    struct Added: Decodable {
        var name: String
        var token: String
        var tokenId: String
        var createdAt: String
    }

    struct Listed: Decodable {
        var name: String
        var tokenId: String
        var active: Bool
        var revokedAt: String?
    }

    struct Revoked: Decodable {
        var name: String
        var tokenId: String
        var revokedNow: Bool
    }

    @Test("add prints the token once, stores only its SHA-256, records integration.added; revoke stops it opening the proxy")
    func addListRevoke() async throws {
        try await withTemporaryDirectory { work in
            try await withScratchDatabase { database in
                let masterKey = MasterKey.generate()
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: masterKey.base64)
                let migrated = try await cli.run(["migrate"])
                #expect(migrated.exitCode == 0, "\(migrated.transcript)")

                let add = try await cli.run(["integrations", "add", "notification-bot", "--json"])
                #expect(add.exitCode == 0, "\(add.transcript)")
                let added = try add.json(Added.self)
                #expect(added.name == "notification-bot")
                #expect(added.token.hasPrefix("rki_") && added.token.count == 47, "token \(added.token.count) characters")
                #expect(!add.stderr.contains(added.token), "the token is printed on stdout only")

                // Only the hash is stored: no column of the table holds the token in any form.
                let digest = IntegrationToken(text: added.token).digest
                let dump = try await withPostgresClient(database.superuserURL) { client in
                    var rows: [String] = []
                    for try await (row, hash) in try await client.query(
                        "SELECT row_to_json(i)::text, token_sha256 FROM integrations i", logger: testLogger
                    ).decode((String, ByteBuffer).self) {
                        rows.append(row)
                        #expect(Array(hash.readableBytesView) == digest.bytes, "the stored hash is the token's SHA-256")
                    }
                    return rows
                }
                #expect(dump.count == 1)
                #expect(dump.allSatisfy { !$0.contains(added.token) && !$0.contains(String(added.token.dropFirst(4))) })

                // The same name cannot be added twice while active.
                let again = try await cli.run(["integrations", "add", "notification-bot"])
                #expect(again.exitCode != 0)
                #expect(again.stderr.contains("an active integration named notification-bot exists"), "\(again.transcript)")
                let bad = try await cli.run(["integrations", "add", "Not A Name"])
                #expect(bad.exitCode != 0 && bad.stderr.contains("not a valid integration name"), "\(bad.transcript)")

                let list = try await cli.run(["integrations", "list", "--json"])
                #expect(list.exitCode == 0, "\(list.transcript)")
                #expect(!list.stdout.contains(added.token))
                let listed = try list.json([Listed].self)
                #expect(listed.count == 1 && listed.first?.active == true && listed.first?.tokenId == added.tokenId)

                // Authenticates now; after revoke, no longer.
                let registryAnswer = { @Sendable in
                    try await withPostgresClient(database.serviceURL) { client in
                        try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: testLogger) { store in
                            try await IntegrationRegistry(store: store, ledger: "main", logger: testLogger).authenticate(IntegrationToken(text: added.token))
                        }
                    }
                }
                #expect(try await registryAnswer() == "notification-bot")

                let revoke = try await cli.run(["integrations", "revoke", "notification-bot", "--json"])
                #expect(revoke.exitCode == 0, "\(revoke.transcript)")
                #expect(try revoke.json(Revoked.self).revokedNow)
                #expect(try await registryAnswer() == nil, "a revoked token authenticates nothing")
                let revokeAgain = try await cli.run(["integrations", "revoke", "notification-bot", "--json"])
                #expect(revokeAgain.exitCode == 0, "\(revokeAgain.transcript)")
                #expect(try revokeAgain.json(Revoked.self).revokedNow == false, "revoking twice says it was already revoked")
                let unknown = try await cli.run(["integrations", "revoke", "nobody"])
                #expect(unknown.exitCode != 0 && unknown.stderr.contains("no integration is named nobody"), "\(unknown.transcript)")

                // The service role can revoke, nothing else: no un-revoking, no new token, no deletion.
                for statement in [
                    "UPDATE integrations SET revoked_at = NULL", "UPDATE integrations SET token_sha256 = token_sha256 || ''::bytea",
                    "DELETE FROM integrations",
                ] {
                    await #expect(throws: (any Error).self, "\(statement)") {
                        try await withPostgresClient(database.serviceURL) { client in try await execute([statement], on: client) }
                    }
                }

                // A revoked name can be added again, with a new token.
                let readd = try await cli.run(["integrations", "add", "notification-bot", "--json"])
                #expect(readd.exitCode == 0, "\(readd.transcript)")
                #expect(try readd.json(Added.self).token != added.token)

                // The ledger: added, revoked (once, despite the second revoke), added; never the token.
                let records = try await ledgerRecords(database.serviceURL, masterKey: masterKey, ledger: "main")
                let config = records.filter { $0.entry.fields.stream == IntegrationEvents.stream }
                #expect(config.map(\.entry.fields.eventType) == [IntegrationEvents.added, IntegrationEvents.revoked, IntegrationEvents.added])
                for record in config {
                    let header = try record.headerJSON()
                    #expect(header.text("name") == "notification-bot")
                    #expect(record.entry.fields.actor.hasPrefix("cli:"))
                    #expect(!record.entry.fields.header.contains(added.token))
                    #expect(!String(decoding: try record.payloadBytes(), as: UTF8.self).contains(added.token))
                }
                #expect(try config[0].headerJSON().text("token_id") == added.tokenId)

                let verify = try await cli.run(["verify", "--json"])
                #expect(verify.exitCode == 0, "\(verify.transcript)")
            }
        }
    }
}
