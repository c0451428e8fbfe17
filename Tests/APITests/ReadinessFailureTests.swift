import Hummingbird
import HummingbirdTesting
import LedgerStore
import SchemaMigrator
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// `/readyz` says "not ready" (503) and why, when the database is behind or unreachable.
@Suite("Readiness failures", .timeLimit(.minutes(3)))
struct ReadinessFailureTests {
    @Test("/readyz answers 503 and lists the migration that is not applied")
    func pendingMigration() async throws {
        let migrations = try ScratchDatabase.migrations()
        let first = try #require(migrations.first)
        let missing = migrations.dropFirst().map(\.version)
        #expect(!missing.isEmpty, "the repository has only one migration: this test needs two")
        try await withScratchDatabase { database in
            // Only the first migration file is applied (without the repeatable grants, which are
            // written for the newest schema); the build knows them all.
            try await database.migrate([first], repeatable: [])
            try await withRecordkeeperApp(databaseURL: database.serviceURL, migrations: migrations) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let body = try response.json(ReadyBody.self)
                    #expect(!body.ready)
                    #expect(body.database == "ok")
                    #expect(body.pendingMigrations == missing)
                }
                // Liveness does not depend on the schema.
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test("/readyz answers 503 with database \"unreachable\" when nothing listens at the database URL")
    func unreachableDatabase() async throws {
        let migrations = try ScratchDatabase.migrations()
        let closedPort = try freeLocalPort()
        let url = "postgres://rk_nobody:secret@127.0.0.1:\(closedPort)/recordkeeper"
        let elapsed = try await withRecordkeeperApp(databaseURL: url, migrations: migrations) { client in
            let clock = ContinuousClock()
            let started = clock.now
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try response.json(ReadyBody.self)
                #expect(!body.ready)
                #expect(body.database == "unreachable")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok, "liveness must not depend on the database")
            }
            return clock.now - started
        }
        // A probe (Kubernetes' default timeout is 1 s) needs a prompt answer: readiness bounds
        // its wait (2 s) instead of waiting for the pool's ~60 s connection circuit breaker.
        #expect(elapsed < .seconds(10), "/readyz took \(elapsed) to report an unreachable database")
    }

    @Test("readiness answers \"unreachable\" within its timeout when the database accepts statements but stops answering")
    func databaseStopsAnswering() async throws {
        let migrations = try ScratchDatabase.migrations()
        try await withMigratedDatabase { db in
            try await StatementCountingProxy.with(to: db.service) { relay in
                try await ScratchDatabase.withClient(relay.url(for: db.service)) { client in
                    let before = await RecordkeeperServer.readiness(client: client, migrations: migrations, logger: testLogger)
                    #expect(before.ready && before.database == "ok", "through the relay, before it withholds replies")
                    relay.withholdReplies()
                    let clock = ContinuousClock()
                    let started = clock.now
                    let after = await RecordkeeperServer.readiness(client: client, migrations: migrations, logger: testLogger, timeout: .seconds(1))
                    let elapsed = clock.now - started
                    #expect(!after.ready && after.database == "unreachable")
                    #expect(elapsed < .seconds(5), "readiness waited \(elapsed) for a statement that is never answered")
                    relay.stop()  // releases the statement left waiting, and the client
                }
            }
        }
    }
}
