import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// `describeError` shows what PostgreSQL said (SQLSTATE, message, names), never PostgresNIO's
/// "Generic description…", and leaves out row values.
@Suite("PostgreSQL error descriptions")
struct PostgresErrorDescriptionTests {
    @Test("a query of a missing table renders SQLSTATE 42P01 and the server's message")
    func undefinedTable() async throws {
        try await withMigratedDatabase { db in
            let error = try await db.asSuperuser { client in
                do {
                    try await client.perform("SELECT * FROM no_such_table", logger: ScratchDatabase.logger)
                    return nil as String?
                } catch {
                    return describeError(error)
                }
            }
            let text = try #require(error, "the query must fail")
            #expect(text.contains("SQLSTATE 42P01"), "\(text)")
            #expect(text.contains(#"relation "no_such_table" does not exist"#), "\(text)")
            #expect(text.contains("server"), "the PSQLError code: \(text)")
            #expect(!text.contains("Generic description"), "\(text)")
        }
    }

    @Test("a unique violation names the constraint and table, but not the duplicate value")
    func uniqueViolation() async throws {
        try await withMigratedDatabase { db in
            let error = try await db.asSuperuser { client in
                try await client.perform("CREATE TABLE rk_probe (k text CONSTRAINT rk_probe_k_unique UNIQUE)", logger: ScratchDatabase.logger)
                try await client.perform("INSERT INTO rk_probe VALUES ('secret-value-42')", logger: ScratchDatabase.logger)
                do {
                    try await client.perform("INSERT INTO rk_probe VALUES ('secret-value-42')", logger: ScratchDatabase.logger)
                    return nil as String?
                } catch {
                    return describeError(error)
                }
            }
            let text = try #require(error, "the insert must fail")
            #expect(text.contains("SQLSTATE 23505"), "\(text)")
            #expect(text.contains("rk_probe_k_unique"), "\(text)")
            #expect(text.contains("rk_probe"), "\(text)")
            #expect(!text.contains("secret-value-42"), "row data must not be rendered: \(text)")
            #expect(!text.contains("Generic description"), "\(text)")
        }
    }

    @Test("an error in a transaction renders the server error inside it; other errors as they describe themselves")
    func transactionAndOtherErrors() async throws {
        try await withMigratedDatabase { db in
            let text = try await db.asSuperuser { client in
                do {
                    try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                        try await connection.perform("SELECT 1/0", logger: ScratchDatabase.logger)
                    }
                    return ""
                } catch {
                    return describeError(error)
                }
            }
            #expect(text.contains("SQLSTATE 22012"), "\(text)")
            #expect(text.contains("division by zero"), "\(text)")
        }
        #expect(describeError(LedgerStoreError.ledgerNotFound("x")) == "there is no ledger named 'x'")
    }
}
