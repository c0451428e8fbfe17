import Inbox
import Ledger
import LedgerStore
import PostgresNIO
import TestSupport
import Testing

/// Issue 17: the blind search index is smaller than the ledger it indexes
/// (docs/benchmarks.md, "Search index size").
@Suite("Search index size")
struct SearchIndexSizeTests {
    static let messages = 1000

    /// A citizen's message of a sentence or three, as the benchmarks and the demo send them: a
    /// shared vocabulary, plus names, streets and numbers that vary from message to message.
    static func text(_ index: Int) -> String {
        let openers = ["Hello", "Hi", "Good morning", "Good afternoon", "Dear team", "Excuse me"]
        let asks = [
            "I would like to ask about", "Can you tell me about", "I need help with", "Please update me on", "What is happening with",
            "I am writing about",
        ]
        let subjects = [
            "my permit application for", "the pothole on", "the water bill for", "garbage pickup at", "the noise complaint about",
            "my parking ticket near", "the building inspection at", "a broken streetlight on", "the library hours at", "the bus stop on",
        ]
        let streets = [
            "Main Street", "Oak Avenue", "Pine Road", "Elm Street", "Fifth Avenue", "Lakeview Drive", "Cedar Lane", "Maple Court",
            "River Road", "Hillside Boulevard", "Jefferson Way", "Harbor View",
        ]
        let closers = [
            "Thank you.", "Thanks a lot!", "When will it be fixed?", "Could you call me back tomorrow?", "I have been waiting for two weeks.",
            "Is there anything else you need from me?", "",
        ]
        let first = ["Robin", "Kim", "Alex", "Maria", "José", "Wei", "Fatima", "Sam", "Priya", "Olga", "Tomás", "Aisha"]
        let last = ["Garcia", "Nguyen", "Smith", "Okafor", "Kowalski", "Haddad", "Johansson", "Patel", "Müller", "Tanaka"]
        return "\(openers[index % 6]), \(asks[index / 6 % 6]) \(subjects[index / 36 % 10]) \(100 + index * 7 % 9900) "
            + "\(streets[index * 5 % 12]), reference number \(200_000 + index * 37). My name is \(first[index % 12]) "
            + "\(last[index * 3 % 10]). \(closers[index % 7])"
    }

    @Test("the index of a thousand realistic messages is smaller than their ledger rows")
    func smallerThanTheLedger() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let start = LedgerTimestamp.now()
                for batch in stride(from: 0, to: Self.messages, by: 100) {
                    var events: [NewEvent] = []
                    for index in batch..<batch + 100 {
                        events += try SendFixture.inbound(
                            at: start.plus(seconds: Double(index)), id: "wamid.size.\(index)", citizen: String(16_505_550_000 + index % 300),
                            text: Self.text(index))
                    }
                    _ = try await store.append(events, to: mediaLedger)
                }
                let indexer = try SearchIndexer(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
                while try await indexer.runRound() > 0 {}
                let indexed = try #require(try await scalar(store.client, "SELECT count(*) FROM search_tags", as: Int64.self))
                #expect(indexed == Int64(Self.messages))
                let index = try #require(try await scalar(store.client, "SELECT pg_total_relation_size('search_tags')", as: Int64.self))
                let ledger = try #require(
                    try await scalar(
                        store.client, "SELECT pg_total_relation_size('ledger_entries') + pg_total_relation_size('ledger_payloads')", as: Int64.self))
                print("search index size: \(index / indexed) bytes a message, the ledger \(ledger / indexed)")
                #expect(
                    index < ledger,
                    "the index takes \(index / indexed) bytes a message, the ledger \(ledger / indexed): the index must stay the smaller")
            }
        }
    }
}
