import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper projections status|rebuild` against an external database.
@Suite("Projections through the CLI", .timeLimit(.minutes(6)))
struct CLIProjectionsTests {
    struct Status: Decodable {
        var projection: String
        var ledger: String
        var version: Int
        var storedVersion: Int?
        var lastPosition: Int64
        var headPosition: Int64
        var behind: Int64
        var needsRebuild: Bool
    }

    struct Rebuilt: Decodable {
        var projection: String
        var ledger: String
        var applied: Int
        var lastPosition: Int64
    }

    @Test("status shows how far each projection is behind; rebuild replays the ledger into it; unknown names are refused")
    func statusAndRebuild() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let key = TestEnvironment.randomMasterKeyBase64()
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: key)
                let migrate = try await cli.run(["migrate", "--json"])
                try #require(migrate.exitCode == 0, "\(migrate.transcript)")
                let citizen = FixtureCitizen(waID: "16505551234")
                try await withPostgresClient(database.serviceURL) { client in
                    try await LedgerStore.withStore(client: client, masterKey: try MasterKey(base64: key), logger: testLogger) { store in
                        _ = try await store.append(
                            [
                                WhatsAppFixtures.message("wamid.1", from: citizen, at: 1),
                                WhatsAppFixtures.image("wamid.2", from: citizen, at: 2, mediaID: "media-1"),
                                WhatsAppFixtures.status("read", of: "wamid.0", to: citizen, at: 3),
                            ], to: "main")
                    }
                }

                let before = try await cli.run(["projections", "status", "--json"])
                try #require(before.exitCode == 0, "\(before.transcript)")
                let statuses = try before.json([Status].self)
                #expect(
                    statuses.map(\.projection) == [
                        "conversations", "media", "outbox", "relay_queue", "classification", "automation_rules", "access_log", "analytics", "inbox",
                        "retention_catalog", "retention_records", "retention_filing_rules", "retention_holds", "retention_disposition", "requests",
                        "request_searches",
                    ])
                #expect(statuses.allSatisfy { $0.ledger == "main" && $0.storedVersion == nil && $0.behind == 3 && $0.headPosition == 3 })

                let rebuild = try await cli.run(["projections", "rebuild", "conversations", "--json"])
                try #require(rebuild.exitCode == 0, "\(rebuild.transcript)")
                let rebuilt = try rebuild.json(Rebuilt.self)
                #expect(rebuilt.projection == "conversations" && rebuilt.ledger == "main")
                #expect(rebuilt.applied == 3)
                #expect(rebuilt.lastPosition == 3)

                let after = try await cli.run(["projections", "status", "--json"]).json([Status].self)
                #expect(after.first { $0.projection == "conversations" }?.behind == 0)
                #expect(after.first { $0.projection == "conversations" }?.storedVersion == 2)
                #expect(after.first { $0.projection == "media" }?.behind == 3)
                let messages = try await withPostgresClient(database.serviceURL) { client in
                    try await client.query("SELECT count(*)::int8 FROM conversation_messages", logger: testLogger).collect().first?.decode(Int64.self)
                }
                #expect(messages == 2)

                let unknown = try await cli.run(["projections", "rebuild", "retention"])
                #expect(unknown.exitCode != 0)
                #expect(unknown.stderr.contains("conversations, media"), "\(unknown.transcript)")
            }
        }
    }
}
