import Disposition
import Inbox
import LedgerStore
import PostgresNIO
import TestSupport
import Testing

/// Lawful destruction purges a destroyed message's row of the blind search index in the same
/// transaction (``DerivedCopies``), and leaves the rows of the messages it did not destroy.
@Suite("Search index: destruction", .timeLimit(.minutes(3)))
struct SearchIndexDestructionTests {
    typealias D = DispositionFixture

    static func count(_ store: LedgerStore, _ query: PostgresQuery) async throws -> Int64 {
        try #require(try await scalar(store.client, query, as: Int64.self))
    }

    @Test("destroying a list deletes its messages' index rows and keeps the others'")
    func destructionPurgesTheIndex() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await D.load(store, try D.washingtonCore())
                let records = try await D.record(store, [("15550000041", "2025-11-10"), ("15550000042", "2025-11-10")], in: "GS2010-001")
                try await D.record(store, [("15550000043", "2027-11-01")], in: "GS2010-001")
                let indexer = try SearchIndexer(ledger: D.ledger, store: store, logger: ScratchDatabase.logger)
                while try await indexer.runRound() > 0 {}
                #expect(try await Self.count(store, "SELECT count(*) FROM search_tags") == 3)

                let lists = DispositionLists(store: store, ledger: D.ledger)
                let list = try #require(try await lists.run(actor: D.officer, now: D.date("2027-11-11")).first)
                #expect(Set(list.items.map(\.record)) == Set(records))
                _ = try await lists.approve(list: list.list, actor: D.officer, now: D.date("2027-11-11"))
                let outcome = try await RetentionDestroyer(store: store, ledger: D.ledger).destroy(
                    list: list.list, actor: D.officer, now: D.date("2027-11-12"))
                #expect(Set(outcome.destroyed) == Set(records))

                #expect(try await Self.count(store, "SELECT count(*) FROM search_tags") == 1, "only the message not destroyed is still indexed")
                let destroyedStillIndexed = try await Self.count(
                    store,
                    """
                    SELECT count(*) FROM search_tags s
                    JOIN payload_destructions d ON d.ledger_id = s.ledger_id AND d.position = s.message_position
                    """)
                #expect(destroyedStillIndexed == 0)
            }
        }
    }
}
