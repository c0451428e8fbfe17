import Hummingbird
import HummingbirdTesting
import LedgerStore
import SchemaMigrator
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// `/healthz` and `/readyz` of the real application over a fresh, fully migrated database,
/// connected as the service role (as `serve` is).
@Suite("Health routes on a migrated database", .timeLimit(.minutes(3)))
struct HealthRoutesTests {
    @Test("/healthz answers 200 with status ok and the version")
    func healthz() async throws {
        let migrations = try ScratchDatabase.migrations()
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            try await withRecordkeeperApp(databaseURL: database.serviceURL, migrations: migrations) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try response.json(HealthBody.self)
                    #expect(body.status == "ok")
                    #expect(body.version == RecordkeeperServer.version)
                }
            }
        }
    }

    @Test("/readyz answers 200, ready, with no pending migrations")
    func readyWhenEverythingIsApplied() async throws {
        let migrations = try ScratchDatabase.migrations()
        #expect(
            migrations.map(\.version) == Array(1...31),
            "the repository's migrations changed: update this test")
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            try await withRecordkeeperApp(databaseURL: database.serviceURL, migrations: migrations) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try response.json(ReadyBody.self)
                    #expect(body.ready)
                    #expect(body.database == "ok")
                    #expect(body.pendingMigrations == [])
                }
            }
        }
    }
}
