import Foundation
import PostgresNIO
import Testing

@testable import LedgerStore

@Suite("Migrations")
struct MigrationTests {
    static func applied(_ db: TestDatabase) async throws -> [Int] {
        try await db.asSuperuser { client in
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: TestDatabase.logger)
                .decode(Int.self)
            {
                versions.append(version)
            }
            return versions
        }
    }

    @Test("migrate applies each file once, records its SHA-256, and is idempotent")
    func idempotent() async throws {
        let db = try await TestDatabase.createEmpty()
        defer { Task { await db.drop() } }
        let migrations = try TestDatabase.migrations()
        let repeatable = try TestDatabase.repeatableMigrations()
        let first = try await TestDatabase.withClient(db.owner) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: TestDatabase.logger)
                .migrate(owner: client, serviceRole: (TestDatabase.serviceRole, TestDatabase.servicePassword))
        }
        #expect(first.applied == migrations.map(\.version))
        #expect(first.repeatable == ["grants"])
        let second = try await TestDatabase.withClient(db.owner) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: TestDatabase.logger)
                .migrate(owner: client, serviceRole: (TestDatabase.serviceRole, TestDatabase.servicePassword))
        }
        #expect(second.applied.isEmpty)
        #expect(second.repeatable == ["grants"], "the repeatable files are applied on every migrate")
        #expect(second.alreadyApplied == migrations.map(\.version))
        let checksums = try await db.asSuperuser { client in
            try await client.query("SELECT sha256 FROM schema_migrations ORDER BY version", logger: TestDatabase.logger).collect().map {
                try $0.decode(String.self)
            }
        }
        #expect(checksums == migrations.map(\.checksum))
        let pending = try await TestDatabase.withClient(db.service) { client in
            try await Migrator.pendingMigrations(client: client, migrations: migrations, logger: TestDatabase.logger)
        }
        #expect(pending.isEmpty)
    }

    @Test("a migration changed after it was applied is refused with a clear error")
    func changedMigrationRefused() async throws {
        try await withMigratedDatabase { db in
            var migrations = try TestDatabase.migrations()
            migrations[0] = Migration(version: migrations[0].version, name: migrations[0].name, sql: migrations[0].sql + "\n-- edited\n")
            let edited = migrations
            do {
                _ = try await TestDatabase.withClient(db.owner) { client in
                    try await Migrator(migrations: edited, logger: TestDatabase.logger).migrate(owner: client)
                }
                Issue.record("an edited migration was accepted")
            } catch let error as MigrationError {
                guard case .changedAfterApply(let version, _, _, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(version == 1)
                #expect(error.description.contains("new migration"))
            }
        }
    }

    @Test("a failing migration is rolled back whole")
    func failingMigrationRollsBack() async throws {
        let db = try await TestDatabase.createEmpty()
        defer { Task { await db.drop() } }
        let broken =
            try TestDatabase.migrations() + [
                Migration(version: 99, name: "broken", sql: "CREATE TABLE half_done (id int);\nSELECT no_such_function();")
            ]
        await #expect(throws: MigrationError.self) {
            _ = try await TestDatabase.withClient(db.owner) { client in
                try await Migrator(migrations: broken, logger: TestDatabase.logger).migrate(owner: client)
            }
        }
        #expect(try await Self.applied(db) == (try TestDatabase.migrations().map(\.version)), "every real migration, not the broken one")
        let exists = try await db.asSuperuser { client in
            try await client.query("SELECT to_regclass('half_done') IS NOT NULL", logger: TestDatabase.logger).collect().first?.decode(Bool.self)
        }
        #expect(exists == false)
    }

    @Test("two migrators at once: each migration applied exactly once")
    func concurrentMigrators() async throws {
        let db = try await TestDatabase.createEmpty()
        defer { Task { await db.drop() } }
        let migrations = try TestDatabase.migrations()
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await TestDatabase.withClient(db.owner) { client in
                        try await Migrator(migrations: migrations, logger: TestDatabase.logger).migrate(owner: client)
                    }
                }
            }
            var all: [MigrationReport] = []
            for try await report in group { all.append(report) }
            return all
        }
        #expect(reports.flatMap(\.applied).sorted() == migrations.map(\.version))
        #expect(try await Self.applied(db) == migrations.map(\.version))
    }
}
