import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import Retention
import TestSupport
import Testing

/// `LegalHolds.heldRecords` at the size a destruction run asks about: 10,000 records in one query.
@Suite("Legal holds at scale", .timeLimit(.minutes(3)))
struct LegalHoldScaleTests {
    /// Runs a statement, failing with the server's message rather than PostgresNIO's redacted one.
    static func perform(_ client: PostgresClient, _ query: PostgresQuery) async throws {
        do {
            try await client.perform(query, logger: testLogger)
        } catch {
            Issue.record("\(String(reflecting: error))")
            throw error
        }
    }

    @Test("heldRecords answers for 10,000 records at once, exactly the ones in scope")
    func tenThousandRecords() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let number = "106540352242922"
                let base = LedgerTimestamp(ISO8601DateFormatter().date(from: "2025-11-01T00:00:00Z")!).microseconds
                let ref = try await store.ledger(named: "main")
                // The records projection's rows for 10,000 one-message conversations (filled in
                // directly: the projection itself is tested with real events elsewhere).
                try await Self.perform(
                    client,
                    """
                    INSERT INTO retention_records (ledger_id, stream, period, kind, phone_number_id, first_position, last_position, entries,
                        messages, first_at_us, last_at_us, communication_at_us)
                    SELECT \(ref.id), 'wa/\(unescaped: number)/p:1555' || lpad(i::text, 7, '0'), '2025-11', 'correspondence', \(number), i, i, 1, 1,
                        \(base) + i::bigint * 1000000, \(base) + i::bigint * 1000000, \(base) + i::bigint * 1000000
                    FROM generate_series(1, 10000) AS i
                    """)
                let holds = LegalHolds(store: store, ledger: "main")
                let from = LedgerTimestamp(microseconds: base + 5_000 * 1_000_000 + 500_000).date
                _ = try await holds.place(
                    LegalHoldRequest(
                        type: .audit, matter: "SAO 2026-17", custodian: "Finance", reason: "audit of the second half",
                        scope: LegalHoldScope(businessNumbers: [number], from: from)), actor: "test:clerk")
                _ = try await holds.place(
                    LegalHoldRequest(
                        type: .litigation, matter: "Case 1", custodian: "Clerk", reason: "one citizen",
                        scope: LegalHoldScope(citizens: ["+1 555 000 0042"])), actor: "test:clerk")
                let records = (1...10_000).map { RetentionRecordID(stream: "wa/\(number)/p:1555\(String(format: "%07d", $0))", period: "2025-11") }
                let held = try await store.withTransaction { connection in
                    try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
                    return try await LegalHolds.heldRecords(records, ledger: ref, on: connection, logger: testLogger)
                }
                #expect(held.count == 5_001, "the 5,000 records from the audit's start, and the one citizen's")
                #expect(held[records[41]] == ["H-2"])
                #expect(held[records[4_999]] == nil && held[records[5_000]] == ["H-1"])
            }
        }
    }
}
