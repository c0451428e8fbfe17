import Access
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import Requests
import Retention
import TestSupport
import Testing

/// Request searches as a request officer relies on them, on real PostgreSQL with real ingest,
/// routing, assignment, classification and word-index events: each filter selects what it should,
/// bad parameters are refused with nothing written, every search is logged with its result set
/// committed to (and the hash recomputed here in SQL from the positions), and it is held.
@Suite("Request searches", .timeLimit(.minutes(3)))
struct RequestSearchTests {
    typealias X = RequestSearchFixture

    @Test("each filter selects exactly the messages it should, across two business numbers and two teams; filters combine with AND")
    func eachFilter() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let m = try await X.setUp(store)
                let id = try await X.open(store)
                let searches = RequestSearches(store: store, ledger: X.ledger)
                func found(_ pairs: [(String, String)]) async throws -> [Int64] { try await X.positions(searches, id, pairs) }

                #expect(try await found([("citizen", "+1 (650) 555-1234")]) == m.set("m1", "m3", "m4"), "the citizen on both numbers, with our reply")
                #expect(try await found([("business_number", X.numberB)]) == m.set("m3"))
                #expect(try await found([("business-number", X.numberA)]) == m.set("m1", "m2", "m4", "m5"))
                #expect(try await found([("team", "permits")]) == m.set("m1", "m4"))
                #expect(try await found([("team", "parking")]) == m.set("m2", "m3", "m5"))
                #expect(try await found([("agent", "alice")]) == m.set("m4"), "what she sent")
                #expect(try await found([("agent", "staff:bob")]) == m.set("m2", "m5"), "the conversation assigned to him")
                #expect(try await found([("from", "2025-11-03"), ("to", "2025-11-04")]) == m.set("m2", "m3"), "whole days in Seattle, both included")
                #expect(try await found([("from", "2025-11-05T20:00:00Z")]) == m.set("m4", "m5"), "an instant is included")
                #expect(try await found([("to", "2025-11-04T19:59:59Z")]) == m.set("m1", "m2"))
                #expect(try await found([("direction", "outbound")]) == m.set("m4"))
                #expect(try await found([("direction", "inbound"), ("type", "image")]) == m.set("m5"))
                #expect(try await found([("category", "3")]) == m.set("m3"), "the message with an SSN")
                #expect(try await found([("words", "elm STREET")]) == m.set("m1", "m3"), "words folded as the index folds them")
                #expect(try await found([("words", "536-22-1234")]).isEmpty, "a flagged value is never indexed, so never confirmed")
                #expect(try await found([("citizen", "16505551234"), ("words", "elm"), ("business_number", X.numberA)]) == m.set("m1"))
                #expect(try await found([("team", "permits"), ("team", "parking")]) == m.set("m1", "m2", "m3", "m4", "m5"), "values of one filter: OR")
                #expect(try await found([("citizen", "+16505559999")]).isEmpty)
                let logged = try await searches.list(id, role: .auditor)
                #expect(logged.map(\.number) == Array(1...18), "every search logged, numbered in order")
            }
        }
    }

    /// The refusal of parsing `pairs`, or nil when they parse.
    static func refusal(_ pairs: [(String, String)]) -> RequestSearchError? {
        let result = Result { () throws(RequestSearchError) -> RequestSearchFilters in
            try RequestSearchFilters.parse(pairs.map { (name: $0.0, value: $0.1) })
        }
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test("an unknown, malformed, repeated or missing parameter is refused naming it, and a closed request is not searched; nothing is written")
    func refusals() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await X.setUp(store)
                let id = try await X.open(store)
                let searches = RequestSearches(store: store, ledger: X.ledger)
                let before = try await X.count(client, "SELECT count(*) FROM ledger_entries")
                let refusal = Self.refusal
                #expect(refusal([("citizen", "+16505551234"), ("custodian", "x")]) == .unknownParameter("custodian"))
                #expect(refusal([("citzen", "+16505551234")])?.description.contains("citzen is not a search filter") == true)
                if case .malformed(let name, _, _)? = refusal([("citizen", "Sheena!")]) { #expect(name == "citizen") } else { Issue.record("citizen") }
                if case .malformed(let name, _, _)? = refusal([("category", "5")]) { #expect(name == "category") } else { Issue.record("category") }
                if case .malformed(let name, _, _)? = refusal([("from", "2025-13-01")]) { #expect(name == "from") } else { Issue.record("from") }
                if case .malformed(let name, _, _)? = refusal([("direction", "sideways")]) { #expect(name == "direction") } else { Issue.record("dir") }
                if case .malformed(let name, _, _)? = refusal([("words", "a !")]) { #expect(name == "words") } else { Issue.record("words") }
                if case .malformed(let name, _, _)? = refusal([("team", "")]) { #expect(name == "team") } else { Issue.record("empty value") }
                #expect(refusal([("from", "2025-11-01"), ("from", "2025-11-02")]) == .repeated("from"))
                #expect(refusal([("from", "2025-11-05"), ("to", "2025-11-04")]) == .emptyDateRange(from: "2025-11-05", to: "2025-11-04"))
                #expect(refusal([]) == .noFilter)
                await #expect(throws: RequestSearchError.noFilter) {
                    try await searches.run(id, filters: RequestSearchFilters(), actor: X.officer, role: .requestOfficer, now: X.now)
                }
                await #expect(throws: RecordsRequestError.notAllowed(role: "agent", action: "search for requests")) {
                    try await searches.run(id, filters: try X.filters([("team", "permits")]), actor: "staff:al", role: .agent, now: X.now)
                }
                // Without the word index (never built), a word search is refused rather than finding nothing.
                try await db.asSuperuser { owner in _ = try await owner.query("DELETE FROM search_index_state", logger: testLogger).collect() }
                await #expect(throws: RequestSearchError.notBuilt("the word index")) {
                    _ = try await searches.run(
                        id, filters: try X.filters([("words", "elm")]), actor: X.officer, role: .requestOfficer, now: X.now, catchUp: false)
                }
                #expect(try await X.count(client, "SELECT count(*) FROM ledger_entries") == before, "nothing written")

                _ = try await RecordsRequests(store: store, ledger: X.ledger).withdraw(id, actor: X.officer, role: .requestOfficer, now: X.now)
                let withdrawn = try await X.count(client, "SELECT count(*) FROM ledger_entries")
                do {
                    _ = try await searches.run(id, filters: try X.filters([("team", "permits")]), actor: X.officer, role: .requestOfficer, now: X.now)
                    Issue.record("a withdrawn request was searched")
                } catch let error as RecordsRequestError {
                    #expect(error.description.contains("\(id) is withdrawn: it cannot be searched"))
                }
                #expect(try await X.count(client, "SELECT count(*) FROM ledger_entries") == withdrawn, "nothing written, no hold placed")
            }
        }
    }

    @Test("a search is logged with its count, the SHA-256 of its sorted positions and the filter names only; values stay in the payload")
    func loggedAndCommitted() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let m = try await X.setUp(store)
                let id = try await X.open(store)
                let searches = RequestSearches(store: store, ledger: X.ledger)
                let outcome = try await searches.run(
                    id, filters: try X.filters([("citizen", "+1 650 555 1234"), ("words", "elm street")]), actor: X.officer, role: .requestOfficer,
                    now: X.now)
                #expect(outcome.hits.map(\.position) == m.set("m1", "m3"))
                #expect(outcome.hits.map(\.conversationID) == [X.sheenaA, X.sheenaB])
                let search = outcome.search
                #expect(search.number == 1 && search.resultCount == 2 && search.actor == X.officer)
                #expect(search.filters == ["citizen", "words"])
                #expect(search.resultsState == "present")

                // The hash, recomputed here: from the positions, and in SQL from the committed result table.
                let text = m.set("m1", "m3").map { "\($0)\n" }.joined()
                #expect(search.resultSHA256 == LedgerDigest.sha256(Array(text.utf8)).hex)
                let sql = try await client.query(
                    """
                    SELECT encode(sha256(convert_to(string_agg(position::text || E'\\n', '' ORDER BY position), 'UTF8')), 'hex')
                    FROM request_search_results WHERE request_id = \(id) AND search_number = 1
                    """, logger: testLogger
                ).collect().first?.decode(String.self)
                #expect(sql == search.resultSHA256)

                // The retained header: names, count, hash; never the citizen's number or the words.
                let header = try #require(
                    try await client.query("SELECT header FROM ledger_entries WHERE event_type = 'request.search.run'", logger: testLogger).collect()
                        .first?.decode(String.self))
                let json = try JSONValue.parse(Array(header.utf8))
                #expect(json["request"]?.string == id && json["search"]?.integer == 1 && json["result_count"]?.integer == 2)
                #expect(json["result_sha256"]?.string == search.resultSHA256)
                #expect(json["filters"]?.array?.compactMap(\.string) == ["citizen", "words"])
                #expect(!header.contains("16505551234") && !header.lowercased().contains("elm"), "no value in the header")
                #expect(!header.contains(X.sheenaA), "no conversation id (it names the citizen) in the header")

                // The log, with the values read from the payload; the results as committed.
                let logged = try await searches.list(id, role: .auditor)
                #expect(logged.count == 1)
                #expect(logged.first?.values?["citizen"] == ["p:16505551234"] && logged.first?.values?["words"] == ["elm street"])
                #expect(try await searches.results(id, search: 1, role: .requestOfficer).map(\.position) == m.set("m1", "m3"))
                await #expect(throws: RequestSearchError.unknownSearch(request: id, number: 2)) {
                    try await searches.results(id, search: 2, role: .requestOfficer)
                }
                // An empty result is logged too, with the hash of nothing.
                let none = try await searches.run(
                    id, filters: try X.filters([("words", "zebra")]), actor: X.officer, role: .requestOfficer, now: X.now)
                #expect(none.search.number == 2 && none.search.resultCount == 0)
                #expect(none.search.resultSHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                #expect(none.search.holds.isEmpty)
                // The request's history shows the searches.
                let history = try await RecordsRequests(store: store, ledger: X.ledger).show(id, role: .auditor).history
                #expect(history.filter { $0.eventType == "request.search.run" }.count == 2)
            }
        }
    }

    @Test("the projection replays the committed result sets exactly")
    func replay() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await X.setUp(store)
                let id = try await X.open(store)
                let searches = RequestSearches(store: store, ledger: X.ledger)
                _ = try await searches.run(id, filters: try X.filters([("team", "parking")]), actor: X.officer, role: .requestOfficer, now: X.now)
                func rows() async throws -> [String] {
                    var rows: [String] = []
                    for try await row in try await client.query(
                        """
                        SELECT row_to_json(s)::text FROM (SELECT * FROM request_searches ORDER BY request_id, search_number) s
                        UNION ALL SELECT row_to_json(r)::text FROM (SELECT * FROM request_search_results ORDER BY request_id, search_number, position) r
                        """, logger: testLogger
                    ).decode(String.self) { rows.append(row) }
                    return rows
                }
                let before = try await rows()
                #expect(before.count == 4)
                let runner = ProjectionRunner(store: store, projections: [RequestSearchesProjection()], logger: testLogger)
                _ = try await runner.rebuild(RequestSearchesProjection(), ledger: X.ledger)
                #expect(try await rows() == before)
            }
        }
    }
}
