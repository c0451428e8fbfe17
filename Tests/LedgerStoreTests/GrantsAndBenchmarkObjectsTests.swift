import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore
@testable import SchemaMigrator

/// The service role's privileges come from one definition, `Migrations/repeatable/grants.sql`,
/// re-applied by every migrate; a migrated database holds no benchmark object (migration 15).
@Suite("Grants and benchmark objects")
struct GrantsAndBenchmarkObjectsTests {
    /// The functions `grants.sql` defines: name and the body between its `$$` quotes.
    static func definedFunctions(in sql: String) throws -> [(name: String, body: String)] {
        let pattern = try NSRegularExpression(
            pattern: #"CREATE OR REPLACE FUNCTION (\w+)\([^)]*\)[^$]*\$\$(.*?)\$\$;"#, options: [.dotMatchesLineSeparators])
        let range = NSRange(sql.startIndex..., in: sql)
        return pattern.matches(in: sql, range: range).map { match in
            (String(sql[Range(match.range(at: 1), in: sql)!]), String(sql[Range(match.range(at: 2), in: sql)!]))
        }
    }

    /// `(schema, relation)` pairs in a schema named like the benchmark's.
    static func benchmarkObjects(_ db: ScratchDatabase) async throws -> [String] {
        try await db.asSuperuser { client in
            var found: [String] = []
            let rows = try await client.query(
                """
                SELECT n.nspname || coalesce('.' || c.relname, '') FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid
                WHERE n.nspname LIKE 'rk\\_bench%' ORDER BY 1
                """, logger: ScratchDatabase.logger)
            for try await name in rows.decode(String.self) { found.append(name) }
            return found
        }
    }

    /// Relations (any schema) on which the service role holds TRUNCATE.
    static func truncatable(_ db: ScratchDatabase) async throws -> [String] {
        try await db.asSuperuser { client in
            var found: [String] = []
            let rows = try await client.query(
                """
                SELECT c.oid::regclass::text FROM pg_class c
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(\(unescaped: "'\(db.serviceRole)'"), c.oid, 'TRUNCATE')
                ORDER BY 1
                """, logger: ScratchDatabase.logger)
            for try await name in rows.decode(String.self) { found.append(name) }
            return found
        }
    }

    /// The source of `name()` in the database (`pg_proc.prosrc`: the text between the `$$`).
    static func functionSource(_ db: ScratchDatabase, _ name: String) async throws -> [String] {
        try await db.asSuperuser { client in
            var sources: [String] = []
            for try await source in try await client.query("SELECT prosrc FROM pg_proc WHERE proname = \(name)", logger: ScratchDatabase.logger)
                .decode(String.self)
            {
                sources.append(source)
            }
            return sources
        }
    }

    @Test("each function grants.sql defines is, after migrate, defined in the database exactly as in the file")
    func definitionMatchesTheFile() async throws {
        let repeatable = try ScratchDatabase.repeatableMigrations()
        let grants = try #require(repeatable.first { $0.name == "grants" })
        let functions = try Self.definedFunctions(in: grants.sql)
        #expect(functions.map(\.name) == ["rk_grant_service_role"])
        try await withMigratedDatabase { db in
            for function in functions {
                let source = try await Self.functionSource(db, function.name)
                #expect(source == [function.body], "\(function.name)")
            }
        }
    }

    @Test("grants.sql is applied again on every migrate: a changed file replaces the definition, without a new numbered migration")
    func reappliedOnEveryMigrate() async throws {
        try await withMigratedDatabase { db in
            let original = try #require(try ScratchDatabase.repeatableMigrations().first { $0.name == "grants" })
            let edited = RepeatableMigration(
                name: original.name, sql: original.sql.replacingOccurrences(of: "DECLARE\n", with: "DECLARE\n    -- edited\n"))
            #expect(edited.sql != original.sql)
            let report = try await ScratchDatabase.withClient(db.owner) { client in
                try await Migrator(migrations: try ScratchDatabase.migrations(), repeatable: [edited], logger: ScratchDatabase.logger)
                    .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
            }
            #expect(report.applied.isEmpty)
            let body = try #require(try Self.definedFunctions(in: edited.sql).first?.body)
            #expect(try await Self.functionSource(db, "rk_grant_service_role") == [body])
            #expect(body.contains("-- edited"))
        }
    }

    @Test("a failing grants file is rolled back whole: the previous definition and the grants stay")
    func failingRepeatableRollsBack() async throws {
        try await withMigratedDatabase { db in
            let before = try await Self.functionSource(db, "rk_grant_service_role")
            let broken = RepeatableMigration(
                name: "grants",
                sql:
                    "CREATE OR REPLACE FUNCTION rk_grant_service_role(p_role text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM no_such_function(); END $$;"
            )
            await #expect(throws: MigrationError.self) {
                _ = try await ScratchDatabase.withClient(db.owner) { client in
                    try await Migrator(migrations: try ScratchDatabase.migrations(), repeatable: [broken], logger: ScratchDatabase.logger)
                        .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
                }
            }
            #expect(try await Self.functionSource(db, "rk_grant_service_role") == before)
            // The service role still appends (its privileges were not revoked half way).
            try await db.withStore { _, store in
                _ = try await store.append([sampleEvent(1)], to: "after-broken-grants")
            }
        }
    }

    @Test("no numbered migration from 15 on defines a function that a repeatable file defines")
    func noRedefinitionInNumberedMigrations() throws {
        let defined = Set(try ScratchDatabase.repeatableMigrations().flatMap { try Self.definedFunctions(in: $0.sql).map(\.name) })
        #expect(!defined.isEmpty)
        for migration in try ScratchDatabase.migrations() where migration.version >= 15 {
            for name in defined {
                #expect(
                    !migration.sql.contains("CREATE FUNCTION \(name)(") && !migration.sql.contains("CREATE OR REPLACE FUNCTION \(name)("),
                    "migration \(migration.version) (\(migration.name)) redefines \(name): change Migrations/repeatable/ instead")
            }
        }
    }

    @Test("a migrated database holds no benchmark object, and the service role may TRUNCATE nothing")
    func freshDatabaseHasNoBenchmarkObjects() async throws {
        try await withMigratedDatabase { db in
            let objects = try await Self.benchmarkObjects(db)
            let truncatable = try await Self.truncatable(db)
            #expect(objects == [])
            #expect(truncatable == [])
        }
    }

    @Test("upgrading a database migrated before version 15 removes the benchmark table and the service role's TRUNCATE")
    func upgradeRemovesBenchmarkObjects() async throws {
        let db = try await ScratchDatabase.create()
        defer { Task { try? await db.drop() } }
        // As released before version 15: numbered migrations only, the grant function of version 14.
        let old = try ScratchDatabase.migrations().filter { $0.version < 15 }
        try await ScratchDatabase.withClient(db.owner) { client in
            _ = try await Migrator(migrations: old, logger: ScratchDatabase.logger)
                .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
        }
        #expect(try await Self.benchmarkObjects(db).contains("rk_bench.plain_events"), "the old schema had the benchmark table")
        #expect(try await Self.truncatable(db) == ["rk_bench.plain_events"], "…and the service role could TRUNCATE it")

        let report = try await ScratchDatabase.withClient(db.owner) { client in
            try await Migrator(
                migrations: try ScratchDatabase.migrations(), repeatable: try ScratchDatabase.repeatableMigrations(), logger: ScratchDatabase.logger
            )
            .migrate(owner: client, serviceRole: (db.serviceRole, db.servicePassword))
        }
        #expect(report.applied.contains(15))
        #expect(try await Self.benchmarkObjects(db) == [])
        #expect(try await Self.truncatable(db) == [])
        // The service role still appends and reads after the upgrade.
        try await db.withStore { _, store in
            let positions = try await store.append([sampleEvent(1)], to: "after-upgrade")
            #expect(positions.count == 1)
        }
    }
}
