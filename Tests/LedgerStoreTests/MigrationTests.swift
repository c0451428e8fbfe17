import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore
@testable import SchemaMigrator

@Suite("Migrations")
struct MigrationTests {
    static func applied(_ db: ScratchDatabase) async throws -> [Int] {
        try await db.asSuperuser { client in
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: ScratchDatabase.logger)
                .decode(Int.self)
            {
                versions.append(version)
            }
            return versions
        }
    }

    @Test("migrate applies each file once, records its SHA-256, and is idempotent")
    func idempotent() async throws {
        let db = try await ScratchDatabase.create()
        defer { Task { try? await db.drop() } }
        let migrations = try ScratchDatabase.migrations()
        let repeatable = try ScratchDatabase.repeatableMigrations()
        let first = try await ScratchDatabase.withClient(db.owner) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: ScratchDatabase.logger)
                .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
        }
        #expect(first.applied == migrations.map(\.version))
        #expect(first.repeatable == ["grants"])
        let second = try await ScratchDatabase.withClient(db.owner) { client in
            try await Migrator(migrations: migrations, repeatable: repeatable, logger: ScratchDatabase.logger)
                .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
        }
        #expect(second.applied.isEmpty)
        #expect(second.repeatable == ["grants"], "the repeatable files are applied on every migrate")
        #expect(second.alreadyApplied == migrations.map(\.version))
        let checksums = try await db.asSuperuser { client in
            try await client.query("SELECT sha256 FROM schema_migrations ORDER BY version", logger: ScratchDatabase.logger).collect().map {
                try $0.decode(String.self)
            }
        }
        #expect(checksums == migrations.map(\.checksum))
        let pending = try await ScratchDatabase.withClient(db.service) { client in
            try await Migrator.pendingMigrations(client: client, migrations: migrations, logger: ScratchDatabase.logger)
        }
        #expect(pending.isEmpty)
    }

    @Test("a migration changed after it was applied is refused with a clear error")
    func changedMigrationRefused() async throws {
        try await withMigratedDatabase { db in
            var migrations = try ScratchDatabase.migrations()
            migrations[0] = Migration(version: migrations[0].version, name: migrations[0].name, sql: migrations[0].sql + "\n-- edited\n")
            let edited = migrations
            do {
                _ = try await ScratchDatabase.withClient(db.owner) { client in
                    try await Migrator(migrations: edited, logger: ScratchDatabase.logger).migrate(owner: client)
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
        let db = try await ScratchDatabase.create()
        defer { Task { try? await db.drop() } }
        let broken =
            try ScratchDatabase.migrations() + [
                Migration(version: 99, name: "broken", sql: "CREATE TABLE half_done (id int);\nSELECT no_such_function();")
            ]
        await #expect(throws: MigrationError.self) {
            _ = try await ScratchDatabase.withClient(db.owner) { client in
                try await Migrator(migrations: broken, logger: ScratchDatabase.logger).migrate(owner: client)
            }
        }
        #expect(try await Self.applied(db) == (try ScratchDatabase.migrations().map(\.version)), "every real migration, not the broken one")
        let exists = try await db.asSuperuser { client in
            try await client.query("SELECT to_regclass('half_done') IS NOT NULL", logger: ScratchDatabase.logger).collect().first?.decode(Bool.self)
        }
        #expect(exists == false)
    }

    @Test("two migrators at once: each migration applied exactly once")
    func concurrentMigrators() async throws {
        let db = try await ScratchDatabase.create()
        defer { Task { try? await db.drop() } }
        let migrations = try ScratchDatabase.migrations()
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await ScratchDatabase.withClient(db.owner) { client in
                        try await Migrator(migrations: migrations, logger: ScratchDatabase.logger).migrate(owner: client)
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
