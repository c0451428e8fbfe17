import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper requests search`, `searches` and `release-holds` as a public-records officer
/// uses them, on an external database: the search's count, hash and hits, the hold it places,
/// the search log with its values, refusals (exit 1 naming the parameter, or the parser's usage
/// error for an unknown option) that write nothing, and the release of the hold after closing.
@Suite("requests search CLI", .timeLimit(.minutes(6)))
struct CLIRequestSearchTests {
    typealias F = WhatsAppFixtures

    struct Hit: Decodable {
        var position: Int64
        var conversation: String
        var direction: String
        var occurredAt: String
    }

    struct Search: Decodable {
        var ok: Bool?
        var request: String
        var search: Int
        var resultCount: Int64
        var resultSha256: String
        var filters: [String]
        var holds: [String]
        var values: [String: [String]]?
        var hits: [Hit]?
    }

    struct Searches: Decodable {
        var ok: Bool
        var searches: [Search]
        var hits: [Hit]?
    }

    struct Released: Decodable {
        struct Item: Decodable {
            var request: String
            var hold: String
            var released: Bool
        }

        var ok: Bool
        var graceDays: Int
        var holds: [Item]
    }

    static func entries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries")
    }

    @Test(
        "search prints count, hash, hold and hits; searches lists it with its values; bad parameters exit non-zero and write nothing; release-holds after close"
    )
    func searchRoundTrip() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli) = (fixture.database, fixture.cli)
            let sheena = FixtureCitizen(waID: "15551234567")
            let other = FixtureCitizen(waID: "15550000000")
            try await fixture.append([
                F.message("wamid.1", from: sheena, at: 100), F.message("wamid.2", from: other, at: 200),
                F.message("wamid.3", from: sheena, at: 300, number: "106540352249999"),
            ])
            let open = try await cli.run([
                "requests", "open", "--channel", "email", "--text", "Every message with 555 123 4567.", "--now", "2026-11-20T19:00:00Z", "--json",
            ])
            try #require(open.exitCode == 0, "\(open.transcript)")

            // Refusals: nothing written.
            let before = try await Self.entries(database)
            let malformed = try await cli.run(["requests", "search", "PRR-2026-0001", "--category", "7", "--json"])
            #expect(malformed.exitCode == 1, "\(malformed.transcript)")
            #expect(
                malformed.stderr.contains("recordkeeper requests search: category \"7\" is not valid: give a data category from 1 to 4"),
                "\(malformed.transcript)")
            #expect(try malformed.json(CLIRefusal.self).ok == false)
            let empty = try await cli.run(["requests", "search", "PRR-2026-0001"])
            #expect(empty.exitCode == 1 && empty.stderr.contains("a search needs at least one filter"), "\(empty.transcript)")
            let unknown = try await cli.run(["requests", "search", "PRR-2026-0001", "--citizen", "+15551234567", "--custodian", "x"])
            #expect(unknown.exitCode != 0 && unknown.stderr.contains("--custodian"), "\(unknown.transcript)")
            #expect(try await Self.entries(database) == before, "a refused search wrote an entry")

            // The search.
            let run = try await cli.run([
                "requests", "search", "PRR-2026-0001", "--citizen", "+1 555 123 4567", "--now", "2026-11-21T17:00:00Z", "--json",
            ])
            try #require(run.exitCode == 0, "\(run.transcript)")
            let search = try run.json(Search.self)
            let hits = try #require(search.hits)
            #expect(search.ok == true && search.search == 1 && search.resultCount == 2 && search.filters == ["citizen"])
            #expect(hits.map(\.conversation) == [F.stream(sheena), F.stream(sheena, number: "106540352249999")])
            let text = hits.map { "\($0.position)\n" }.joined()
            #expect(search.resultSha256 == LedgerDigest.sha256(Array(text.utf8)).hex, "anyone can recompute the hash from the positions")
            #expect(search.holds == ["H-1"])
            #expect(!run.stdout.contains("hello from"), "no message text")

            let people = try await cli.run(["requests", "search", "PRR-2026-0001", "--words", "hello", "--now", "2026-11-21T17:05:00Z"])
            try #require(people.exitCode == 0, "\(people.transcript)")
            #expect(people.stdout.contains("PRR-2026-0001 search 2: 3 messages"), "\(people.transcript)")
            #expect(people.stdout.contains("hold placed: H-2"), "\(people.transcript)")

            let listed = try await cli.run(["requests", "searches", "PRR-2026-0001", "--search", "1", "--json", "--role", "auditor"])
            try #require(listed.exitCode == 0, "\(listed.transcript)")
            let log = try listed.json(Searches.self)
            #expect(log.searches.map(\.search) == [1, 2])
            #expect(log.searches.first?.values?["citizen"] == ["p:15551234567"])
            #expect(log.searches.last?.values?["words"] == ["hello"])
            #expect(log.hits?.map(\.position) == hits.map(\.position), "the committed result set")

            // Close, then release the holds (grace 0: at once); a second run releases nothing.
            let close = try await cli.run([
                "requests", "close", "PRR-2026-0001", "--reason", "fulfilled", "--produced", "3 messages", "--now", "2026-11-22T17:00:00Z",
            ])
            try #require(close.exitCode == 0, "\(close.transcript)")
            let kept = try await cli.run(["requests", "release-holds", "--now", "2026-11-23T17:00:00Z", "--json"])
            try #require(kept.exitCode == 0, "\(kept.transcript)")
            #expect(try kept.json(Released.self).holds.map(\.released) == [false, false], "30 days by default")
            let release = try await cli.run(
                ["requests", "release-holds", "--now", "2026-11-23T17:00:00Z", "--json"], overrides: ["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS": "0"])
            try #require(release.exitCode == 0, "\(release.transcript)")
            let released = try release.json(Released.self)
            #expect(released.graceDays == 0 && released.holds.map(\.hold) == ["H-1", "H-2"] && released.holds.allSatisfy(\.released))
            let again = try await cli.run(["requests", "release-holds"], overrides: ["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS": "0"])
            #expect(again.exitCode == 0 && again.stdout.contains("No request hold was due for release."), "\(again.transcript)")
            let bad = try await cli.run(["requests", "release-holds"], overrides: ["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS": "soon"])
            #expect(bad.exitCode == 1 && bad.stderr.contains("RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS"), "\(bad.transcript)")
            let searchClosed = try await cli.run(["requests", "search", "PRR-2026-0001", "--citizen", "+15551234567"])
            #expect(
                searchClosed.exitCode == 1 && searchClosed.stderr.contains("PRR-2026-0001 is closed: it cannot be searched"), "\(searchClosed.transcript)")
        }
    }
}
