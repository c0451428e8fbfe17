import Access
import Disposition
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import Requests
import Retention
import TestSupport
import Testing

/// The automatic hold of a public-records request, on real PostgreSQL: each search holds the
/// conversations it selected (and later records of them), closing releases the holds only after
/// the grace period, and a destruction of a held record is refused by the destruction check.
@Suite("Request searches: the request's hold", .timeLimit(.minutes(3)))
struct RequestSearchHoldTests {
    typealias X = RequestSearchFixture
    typealias F = WhatsAppFixtures

    static func held(_ records: [RetentionRecordID], store: LedgerStore) async throws -> [RetentionRecordID: [String]] {
        let ref = try await store.ledger(named: X.ledger)
        return try await store.withTransaction { connection in
            try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
            try await LegalHolds.catchUp(store: store, ledger: ref, on: connection)
            return try await LegalHolds.heldRecords(records, ledger: ref, on: connection, logger: testLogger)
        }
    }

    @Test("opening holds nothing; a search holds its conversations, covering a later message of them; a second search extends the hold")
    func holdPlacedAndExtended() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await X.setUp(store)
                let id = try await X.open(store)
                let holds = RequestHolds(store: store, ledger: X.ledger)
                #expect(try await holds.active(for: id).isEmpty, "opening a request places nothing")
                let searches = RequestSearches(store: store, ledger: X.ledger)
                let first = try await searches.run(
                    id, filters: try X.filters([("business_number", X.numberA), ("citizen", "+16505551234")]), actor: X.officer, role: .requestOfficer,
                    now: X.now)
                #expect(first.search.holds == ["H-1"])
                let hold = try #require(try await holds.active(for: id).first)
                #expect(hold.type == .publicRecordsRequest && hold.matter == id && hold.role == "request_officer" && hold.actor == X.officer)
                #expect(hold.scope.conversations == [X.sheenaA])
                #expect(hold.reason.contains("search 1"))

                // A message after the search, next month, in the held conversation: its record is held too.
                _ = try await store.append(F.message("wamid.later", from: X.sheena, at: X.noon("2025-12-15"), number: X.numberA), to: X.ledger)
                _ = try await store.append(F.message("wamid.else", from: X.other, at: X.noon("2025-12-15"), number: X.numberA), to: X.ledger)
                try await X.catchUp(store)
                let later = RetentionRecordID(stream: X.sheenaA, period: "2025-12")
                let otherRecord = RetentionRecordID(stream: X.otherA, period: "2025-12")
                #expect(try await Self.held([later, otherRecord], store: store) == [later: ["H-1"]])

                // A second search over both numbers: only the conversation not held yet gets a new hold.
                let second = try await searches.run(
                    id, filters: try X.filters([("citizen", "+16505551234")]), actor: X.officer, role: .requestOfficer, now: X.now)
                #expect(second.search.holds == ["H-2"])
                #expect(try await holds.active(for: id).map(\.scope.conversations) == [[X.sheenaA], [X.sheenaB]])
                let third = try await searches.run(id, filters: try X.filters([("words", "elm")]), actor: X.officer, role: .requestOfficer, now: X.now)
                #expect(third.search.holds.isEmpty, "everything it selected is held already")
                #expect(try await holds.active(for: id).count == 2)
            }
        }
    }

    @Test("closing keeps the holds through the grace period, then release-holds releases them, once")
    func releaseAfterGrace() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await X.setUp(store)
                let id = try await X.open(store)
                _ = try await RequestSearches(store: store, ledger: X.ledger).run(
                    id, filters: try X.filters([("team", "parking")]), actor: X.officer, role: .requestOfficer, now: X.now)
                let holds = RequestHolds(store: store, ledger: X.ledger)
                let grace = RequestHoldGrace(days: 30)
                #expect(try await holds.releaseDue(grace: grace, actor: "test:worker", now: X.now).isEmpty, "an open request keeps its holds")
                let closedAt = X.now.addingTimeInterval(86_400)
                _ = try await RecordsRequests(store: store, ledger: X.ledger).close(
                    id, reason: .fulfilled, produced: "12 messages", actor: X.officer, role: .requestOfficer, now: closedAt)

                let during = try await holds.releaseDue(grace: grace, actor: "test:worker", now: closedAt.addingTimeInterval(29 * 86_400))
                #expect(during.map(\.released) == [false])
                #expect(during.first?.releasableFrom == closedAt.addingTimeInterval(30 * 86_400))
                #expect(try await holds.active(for: id).count == 1)

                let after = try await holds.releaseDue(grace: grace, actor: "test:worker", now: closedAt.addingTimeInterval(30 * 86_400))
                #expect(after.map(\.hold) == ["H-1"] && after.map(\.released) == [true])
                #expect(try await holds.active(for: id).isEmpty)
                let released = try await LegalHolds(store: store, ledger: X.ledger).list(active: false)
                #expect(released.first?.release?.reason.contains("grace period of 30 days") == true)
                let entries = try await X.count(client, "SELECT count(*) FROM ledger_entries")
                #expect(try await holds.releaseDue(grace: grace, actor: "test:worker", now: closedAt.addingTimeInterval(40 * 86_400)).isEmpty)
                #expect(try await X.count(client, "SELECT count(*) FROM ledger_entries") == entries, "idempotent: nothing more written")
            }
        }
    }

    @Test("a grace of 0 releases at close; an appeal pending keeps the holds")
    func zeroGraceAndAppeal() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await X.setUp(store)
                let requests = RecordsRequests(store: store, ledger: X.ledger)
                let id = try await X.open(store)
                _ = try await RequestSearches(store: store, ledger: X.ledger).run(
                    id, filters: try X.filters([("agent", "alice")]), actor: X.officer, role: .requestOfficer, now: X.now)
                _ = try await requests.close(id, reason: .noRecords, actor: X.officer, role: .requestOfficer, now: X.now)
                _ = try await requests.appeal(id, grounds: "the search missed messages", actor: X.officer, role: .requestOfficer, now: X.now)
                let holds = RequestHolds(store: store, ledger: X.ledger)
                #expect(try await holds.releaseDue(grace: RequestHoldGrace(days: 0), actor: "test:worker", now: X.now).isEmpty)
                _ = try await requests.decideAppeal(
                    id, outcome: .affirmed, explanation: "the search was adequate", actor: X.officer, role: .requestOfficer, now: X.now)
                let released = try await holds.releaseDue(grace: RequestHoldGrace(days: 0), actor: "test:worker", now: X.now)
                #expect(released.map(\.released) == [true])
                #expect(throws: (any Error).self) { try RequestHoldGrace.fromEnvironment(["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS": "-1"]) }
                #expect(try RequestHoldGrace.fromEnvironment([:]).days == 30)
                #expect(try RequestHoldGrace.fromEnvironment(["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS": "0"]).days == 0)
            }
        }
    }

    @Test("search, hold, an approved destruction list: destroying keeps the held record and destroys the other, which is then not found")
    func destructionRefusedUnderHold() async throws {
        typealias D = DispositionFixture
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await D.load(store, try D.washingtonCore())
                let records = try await D.record(store, [("15550000031", "2025-11-10"), ("15550000032", "2025-11-10")], in: "GS2010-001")
                let lists = DispositionLists(store: store, ledger: D.ledger)
                let list = try #require(try await lists.run(actor: D.officer, now: D.date("2027-11-11")).first)
                #expect(Set(list.items.map(\.record)) == Set(records))
                _ = try await lists.approve(list: list.list, actor: D.officer, now: D.date("2027-11-11"))

                // A request arrives; its search selects the first citizen's conversation and holds it.
                let request = NewRecordsRequest(channel: .web, text: "Messages from 555-0000031.", receivedAt: D.date("2027-11-11T18:00:00Z"))
                let id = try await RecordsRequests(store: store, ledger: D.ledger).open(
                    request, actor: X.officer, role: .requestOfficer, now: D.date("2027-11-11T19:00:00Z")
                ).id
                let search = try await RequestSearches(store: store, ledger: D.ledger).run(
                    id, filters: try X.filters([("citizen", "15550000031")]), actor: X.officer, role: .requestOfficer,
                    now: D.date("2027-11-11T19:00:00Z"))
                #expect(search.search.resultCount == 1 && search.search.holds == ["H-1"])

                let outcome = try await RetentionDestroyer(store: store, ledger: D.ledger).destroy(
                    list: list.list, actor: D.officer, now: D.date("2027-11-12"))
                #expect(outcome.destroyed == [records[1]], "only the record no hold covers")
                #expect(outcome.held == [records[0]: ["H-1"]], "the requested record is kept under the request's hold")
                let record = try await store.record(ledger: D.ledger, position: search.hits[0].position)
                if case .bytes = record?.payload {} else { Issue.record("the held message's payload must still be readable") }
                // The destroyed record's message is not found any more: it no longer exists to be provided.
                let gone = try await RequestSearches(store: store, ledger: D.ledger).run(
                    id, filters: try X.filters([("citizen", "15550000032")]), actor: X.officer, role: .requestOfficer,
                    now: D.date("2027-11-12T19:00:00Z"))
                #expect(gone.hits.isEmpty && gone.search.holds.isEmpty)
            }
        }
    }
}
