import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("Immutability enforced by PostgreSQL")
struct ImmutabilityTests {
    static let logTables = [
        "ledger_entries", "ledger_payloads", "payload_destructions", "ledgers",
        // Since schema version 14 also the head, the keys and the tree (the head moves only
        // through rk_append(); keys are re-wrapped by the owner).
        "ledger_heads", "data_keys", "signing_keys", "merkle_nodes", "checkpoints",
    ]
    /// The column each table's UPDATE attempt sets to itself (one the service role could once
    /// update, where there was one).
    static let updatedColumn = [
        "ledgers": "name", "ledger_entries": "actor", "ledger_heads": "position", "data_keys": "master_key_id",
        "signing_keys": "wrapped_seed", "merkle_nodes": "hash", "checkpoints": "note",
    ]

    @Test("the service role cannot UPDATE, DELETE or TRUNCATE the log tables", arguments: logTables)
    func serviceRoleIsInsertSelectOnly(table: String) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append([sampleEvent(1), sampleEvent(2)], to: "l")
                let column = Self.updatedColumn[table] ?? "ledger_id"
                let value = table == "ledger_entries" || table == "ledgers" ? "'x'" : column
                for statement in [
                    "UPDATE \(table) SET \(column) = \(value)",
                    "DELETE FROM \(table)",
                    "TRUNCATE \(table) CASCADE",
                ] {
                    do {
                        try await store.client.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
                        Issue.record("the service role could run: \(statement)")
                    } catch {
                        #expect(error.sqlState == "42501", "\(statement): expected insufficient_privilege, got \(String(reflecting: error))")
                    }
                }
                #expect(try await store.verify(ledger: "l").entries == 2)
            }
        }
    }

    @Test("triggers reject UPDATE, DELETE and TRUNCATE even for the superuser, also in replica mode")
    func triggersStopEveryRole() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in _ = try await store.append([sampleEvent(1), sampleEvent(2)], to: "l") }
            try await db.asSuperuser { client in
                let statements = [
                    "UPDATE ledger_entries SET actor = 'mallory' WHERE position = 1",
                    "DELETE FROM ledger_entries WHERE position = 2",
                    "TRUNCATE ledger_entries CASCADE",
                    "UPDATE ledger_payloads SET sealed = '\\x00'",
                    "DELETE FROM ledger_payloads",
                    "TRUNCATE ledger_payloads",
                    "DELETE FROM ledgers",
                    "UPDATE ledger_heads SET position = 0",
                    "DELETE FROM ledger_heads",
                    "DELETE FROM data_keys",
                    "UPDATE data_keys SET stream = 'other'",
                    // A key marked destroyed without the door (readers take the mark as the record's destruction).
                    "UPDATE data_keys SET destroyed_by_position = 1",
                    "UPDATE data_keys SET destroyed_at = now()",
                ]
                for replica in [false, true] {
                    for statement in statements {
                        do {
                            try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                                if replica {
                                    try await connection.perform("SET LOCAL session_replication_role = replica", logger: ScratchDatabase.logger)
                                }
                                try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
                            }
                            Issue.record("the superuser could run (replica: \(replica)): \(statement)")
                        } catch {
                            #expect(error.sqlState == "RK001", "\(statement) (replica: \(replica)): \(String(reflecting: error))")
                        }
                    }
                }
            }
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "l")
                #expect(report.ok)
                #expect(report.entries == 2)
            }
        }
    }
}
