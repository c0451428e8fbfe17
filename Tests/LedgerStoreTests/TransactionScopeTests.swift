import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// A transaction's work gets only its own connection (issue 12, finding A): asking the pool for
/// a second one from inside ``LedgerStore/withTransaction(_:)`` is refused, not left to deadlock
/// a busy pool.
@Suite("Transaction scope")
struct TransactionScopeTests {
    @Test("inside withTransaction, pool reads are refused with NestedPoolUse; reads on the transaction's connection and appends work")
    func nestedPoolUseIsRefused() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append((0..<3).map { sampleEvent($0) }, to: "l")
                let ledger = try await store.ledger(named: "l")
                let read = try await store.withTransaction { connection in
                    await #expect(throws: NestedPoolUse.self) {
                        _ = try await store.selectedRecords(ledger: ledger, after: 0, through: 3, eventTypes: [], payloadTypes: [], limit: 10)
                    }
                    await #expect(throws: NestedPoolUse.self) { _ = try await store.head(of: ledger) }
                    // Appends have a path of their own: allowed.
                    _ = try await store.append(sampleEvent(3), to: "l")
                    let types = Set((0..<4).map { sampleEvent($0).eventType })
                    return try await store.selectedRecords(
                        ledger: ledger, after: 0, through: 4, eventTypes: types, payloadTypes: [], limit: 10, on: connection
                    ).count
                }
                #expect(read >= 3)
                // Outside a transaction the pool is the caller's to use.
                #expect(try await store.head(of: ledger).position == 4)
            }
        }
    }
}
