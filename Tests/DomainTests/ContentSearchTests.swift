import Access
import Classification
import Events
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import TestSupport
import Testing
import WhatsApp

@testable import Inbox

/// Teams fixed by the test (the team inbox routes them in the service).
struct FixedTeams: ConversationTeamLookup {
    var teams: [String: String]

    func teams(ledger: LedgerRef, conversations: Set<String>) async throws -> [String: String] {
        teams.filter { conversations.contains($0.key) }
    }
}

/// Content search over the blind index (issue 6, items 3–5): case and accents ignored, the
/// caller's teams only, masked above the clearance, no word stored in clear.
@Suite("Content search")
struct ContentSearchTests {
    static let robin = "16505557777"
    static let kim = "16505558888"
    static let robinConversation = "wa/1065/p:16505557777"
    static let kimConversation = "wa/1065/p:16505558888"

    /// Three messages (Robin: a café question, then an SSN; Kim: café hours), classified and indexed.
    static func withIndexed(_ body: @Sendable (ScratchDatabase, LedgerStore, [String: Int64]) async throws -> Void) async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { _, store in
                let start = LedgerTimestamp.now()
                var positions: [String: Int64] = [:]
                for (index, (id, citizen, text)) in [
                    ("wamid.cafe", robin, "Where is the Café on Main Street?"),
                    ("wamid.hours", kim, "What are the CAFE hours, please"),
                    ("wamid.ssn", robin, "My SSN is 536-22-4187 for the cafe permit application"),
                ].enumerated() {
                    let events = try SendFixture.inbound(at: start.plus(seconds: Double(index)), id: id, citizen: citizen, text: text)
                    let receipts = try await store.append(events, to: mediaLedger)
                    positions[id] = receipts[try #require(events.firstIndex { $0.eventType == WhatsAppEventType.messageReceived })].position
                }
                let runner = makeRunner(store)
                try await runner.catchUpAll()
                try await ClassifierService(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger).runRound()
                try await runner.catchUpAll()
                let indexer = try SearchIndexer(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
                #expect(try await indexer.runRound() == 3)
                #expect(try await indexer.runRound() == 0)
                try await body(database, store, positions)
            }
        }
    }

    static func search(_ store: LedgerStore, teams: [String: String] = [:]) -> ContentSearch {
        ContentSearch(store: store, ledger: mediaLedger, teams: FixedTeams(teams: teams))
    }

    @Test("a word is found whatever its case and accents (Café, CAFE, cafe); every word must be there; newest first")
    func foldsCaseAndAccents() async throws {
        try await Self.withIndexed { _, store, positions in
            let search = Self.search(store)
            let cafe = try await search.search("cafe", scope: .all, clearance: .specialHandling)
            #expect(cafe.hits.map(\.position) == [positions["wamid.ssn"]!, positions["wamid.hours"]!, positions["wamid.cafe"]!])
            #expect(cafe.nextCursor == nil)
            let accented = try await search.search("CAFÉ", scope: .all, clearance: .specialHandling)
            #expect(accented.hits.map(\.position) == cafe.hits.map(\.position))
            let both = try await search.search("main café", scope: .all, clearance: .specialHandling)
            #expect(both.hits.map(\.position) == [positions["wamid.cafe"]!])
            #expect(both.hits.first?.text == "Where is the Café on Main Street?")
            #expect(both.hits.first?.conversationID == Self.robinConversation)
            #expect(both.hits.first?.direction == "inbound")
            #expect(try await search.search("library", scope: .all, clearance: .specialHandling).hits.isEmpty)
            let inConversation = try await search.search("cafe", conversation: Self.kimConversation, scope: .all, clearance: .specialHandling)
            #expect(inConversation.hits.map(\.position) == [positions["wamid.hours"]!])
            await #expect(throws: ContentSearchError.noTerms) { try await search.search("a ! ?", scope: .all, clearance: .sensitive) }
        }
    }

    @Test("pages follow the cursor without repeating a hit")
    func pages() async throws {
        try await Self.withIndexed { _, store, _ in
            let search = Self.search(store)
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let page = try await search.search("cafe", scope: .all, clearance: .sensitive, limit: 2, cursor: cursor)
                #expect(page.hits.count <= 2)
                seen += page.hits.map(\.position)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 3)
            #expect(Set(seen).count == 3)
            await #expect(throws: ContentSearchError.invalidCursor) {
                try await search.search("cafe", scope: .all, clearance: .sensitive, cursor: "bm90LWEtY3Vyc29y")
            }
        }
    }

    @Test("an agent finds only their teams' conversations; an unrouted conversation and other teams stay out")
    func scope() async throws {
        try await Self.withIndexed { _, store, positions in
            let search = Self.search(store, teams: [Self.robinConversation: "permits", Self.kimConversation: "parks"])
            let parks = try await search.search("cafe", scope: .teams(["parks"]), clearance: .sensitive)
            #expect(parks.hits.map(\.position) == [positions["wamid.hours"]!])
            #expect(try await search.search("cafe", scope: .teams(["licensing"]), clearance: .sensitive).hits.isEmpty)
            #expect(try await search.search("cafe", scope: .teams([]), clearance: .sensitive).hits.isEmpty)
            let unrouted = Self.search(store, teams: [Self.kimConversation: "parks"])
            #expect(try await unrouted.search("main", scope: .teams(["permits", "parks"]), clearance: .sensitive).hits.isEmpty)
            #expect(try await unrouted.search("cafe", conversation: Self.robinConversation, scope: .teams(["parks"]), clearance: .sensitive).hits.isEmpty)
        }
    }

    @Test("an SSN is masked for an agent (clearance 2), shown to a records officer (4), withheld without clearance; it is never indexed")
    func masking() async throws {
        try await Self.withIndexed { _, store, positions in
            let search = Self.search(store)
            let agent = try #require(try await search.search("permit application", scope: .all, clearance: .sensitive).hits.first)
            #expect(agent.position == positions["wamid.ssn"])
            #expect(agent.category == .confidential)
            #expect(agent.masked)
            #expect(agent.text == "My SSN is •••-••-4187 for the cafe permit application")
            let officer = try #require(try await search.search("permit application", scope: .all, clearance: .specialHandling).hits.first)
            #expect(!officer.masked)
            #expect(officer.text == "My SSN is 536-22-4187 for the cafe permit application")
            let none = try #require(try await search.search("permit", scope: .all, clearance: nil).hits.first)
            #expect(none.text == nil)
            #expect(none.masked)
            // The value itself is not in the index: a search cannot confirm a masked number.
            #expect(try await search.search("536 22 4187", scope: .all, clearance: .specialHandling).hits.isEmpty)
            #expect(try await search.search("4187", scope: .all, clearance: .specialHandling).hits.isEmpty)
        }
    }

    @Test("the index holds 8-byte tags, one row a message, never a word; a changed key rebuilds it")
    func blindIndex() async throws {
        try await Self.withIndexed { database, store, positions in
            let count = try #require(try await scalar(store.client, "SELECT sum(cardinality(tags))::int8 FROM search_tags", as: Int64.self))
            #expect(count > 10)
            #expect(try await scalar(store.client, "SELECT count(*) FROM search_tags", as: Int64.self) == 3)
            let clear = try await scalar(
                store.client, "SELECT count(*) FROM search_tags, unnest(tags) t WHERE position('cafe'::bytea in int8send(t)) > 0", as: Int64.self)
            #expect(clear == 0)
            // A stored tag is the first 8 bytes of the word's HMAC tag under the index key.
            let key = BlindIndexKey(master: try #require(store.masterKey), purpose: "search-terms")
            let cafe = SearchTags.stored(key.tag("cafe"))
            var holding: Set<Int64> = []
            let rows = try await store.client.query(
                "SELECT message_position FROM search_tags WHERE tags @> ARRAY[\(cafe)]::int8[]", logger: ScratchDatabase.logger)
            for try await position in rows.decode(Int64.self) { holding.insert(position) }
            #expect(holding == Set(positions.values))
            try await database.asSuperuser { owner in
                try await owner.perform("UPDATE search_index_state SET key_id = 'an-older-key'", logger: ScratchDatabase.logger)
                try await owner.perform(
                    "INSERT INTO search_tags SELECT ledger_id, 0, '{0}' FROM search_index_state", logger: ScratchDatabase.logger)
            }
            let indexer = try SearchIndexer(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
            #expect(try await indexer.runRound() == 3)
            #expect(
                try await scalar(store.client, "SELECT sum(cardinality(tags))::int8 FROM search_tags", as: Int64.self) == count,
                "rebuilt: the stale tag is gone")
            #expect(try await scalar(store.client, "SELECT count(*) FROM search_tags WHERE message_position = 0", as: Int64.self) == 0)
            #expect(try await Self.search(store).search("main", scope: .all, clearance: .sensitive).hits.count == 1)
        }
    }

    @Test("a new index layout (no index state) is rebuilt from position 1")
    func rebuiltWithoutState() async throws {
        try await Self.withIndexed { database, store, positions in
            try await database.asSuperuser { owner in
                try await owner.perform("DELETE FROM search_tags", logger: ScratchDatabase.logger)
                try await owner.perform("DELETE FROM search_index_state", logger: ScratchDatabase.logger)
            }
            #expect(try await Self.search(store).search("cafe", scope: .all, clearance: .sensitive).hits.isEmpty)
            let indexer = try SearchIndexer(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
            #expect(try await indexer.runRound() == 3)
            let cafe = try await Self.search(store).search("cafe", scope: .all, clearance: .sensitive)
            #expect(cafe.hits.map(\.position) == [positions["wamid.ssn"]!, positions["wamid.hours"]!, positions["wamid.cafe"]!])
        }
    }

    @Test("without a master key there is no index: the indexer cannot start and a search says so (503 in the API)")
    func noMasterKey() async throws {
        try await Self.withIndexed { database, _, _ in
            try await database.withStore(masterKey: nil) { _, keyless in
                #expect(throws: LedgerStoreError.self) { try SearchIndexer(ledger: mediaLedger, store: keyless, logger: ScratchDatabase.logger) }
                await #expect(throws: ContentSearchError.unavailable) {
                    try await Self.search(keyless).search("cafe", scope: .all, clearance: .specialHandling)
                }
            }
        }
    }

    @Test("terms: lower case, diacritics folded, words of two or more letters or digits, each once")
    func terms() {
        #expect(SearchTerms.terms(in: "Ça va? Crème brûlée, CRÈME! a 42 x") == ["ca", "va", "creme", "brulee", "42"])
        #expect(SearchTerms.terms(in: "São Paulo — Łódź") == ["sao", "paulo", "łodz"])
        #expect(SearchTerms.indexable("SSN 536-22-4187 please") == ["ssn", "please"])
    }

    @Test("ASCII text takes a byte path that finds exactly the terms the Unicode path finds")
    func asciiPathAgrees() {
        // Every ASCII character appears, with words at, below and above the length limits.
        let every = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        var samples = [every, "Permit 42B, please!", "a", "", "x1 Y2 z", String(repeating: "Ab9", count: 30), "tab\tnew\r\nline\u{7f}end"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let length = Int.random(in: 0..<80, using: &generator)
            samples.append(String(decoding: (0..<length).map { _ in UInt8.random(in: 0..<128, using: &generator) }, as: UTF8.self))
        }
        for text in samples {
            #expect(SearchTerms.asciiTerms(in: text) == SearchTerms.unicodeTerms(in: text), "\(text.debugDescription)")
        }
        #expect(SearchTerms.terms(in: String(repeating: "Ab9", count: 30)) == [String(String(repeating: "ab9", count: 30).prefix(64))])
    }
}
