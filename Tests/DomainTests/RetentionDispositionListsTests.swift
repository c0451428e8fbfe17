import Disposition
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import Retention
import TestSupport
import Testing

@Suite("Retention disposition: lists, review, approval, transfer", .timeLimit(.minutes(3)))
struct RetentionDispositionListsTests {
    typealias X = DispositionFixture

    /// The error `body` throws, if it is a ``DispositionError``.
    static func refusal(_ body: () async throws -> Void) async -> DispositionError? {
        do {
            try await body()
            return nil
        } catch let error as DispositionError {
            return error
        } catch {
            Issue.record("not a disposition refusal: \(error)")
            return nil
        }
    }

    @Test("a run lists only the eligible records of a series, once; the listed event names series, action, count and digest, never a record")
    func run() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                try await X.load(store, try X.washingtonCore())
                let records = try await X.record(store, [("15550000021", "2025-11-10"), ("15550000022", "2025-11-12")], in: "GS2010-001")
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let made = try await lists.run(actor: X.officer, now: X.date("2027-11-11"))
                let list = try #require(made.first)
                #expect(made.count == 1)
                #expect(list.series == "GS2010-001")
                #expect(list.action == .destroy)
                #expect(list.items.map(\.record) == [records[0]], "only the record two years and a day old")
                #expect(list.status == "awaiting approval (0 of 1)")
                let header = try #require(
                    try await scalar(
                        client, "SELECT header FROM ledger_entries WHERE event_type = 'retention.disposition.listed'", as: String.self))
                let json = try JSONValue.parse(Array(header.utf8))
                #expect(json["list"]?.string == list.list)
                #expect(json["series"]?.string == "GS2010-001")
                #expect(json["action"]?.string == "destroy")
                #expect(json["records"]?.integer == 1)
                #expect(json["digest"]?.string == LedgerDigest.sha256(Array(records[0].description.utf8)).hex)
                #expect(!header.contains("15550000021"), "the retained header never names the citizen")
                // Run again: the record is on an open list; the other is listed once its time comes.
                #expect(try await lists.run(actor: X.officer, now: X.date("2027-11-11T12:00:00Z")).isEmpty)
                let next = try await lists.run(actor: X.officer, now: X.date("2027-11-13"))
                #expect(next.map { $0.items.map(\.record) } == [[records[1]]])
                let states = try await RetentionStatus(store: store, ledger: X.ledger).records(now: X.date("2027-11-13")).map(\.state)
                #expect(states == [.listed, .listed])
            }
        }
    }

    @Test("more eligible records than a list may hold make several lists, each record on exactly one, each approved and destroyed on its own")
    func largeRunsAreSplit() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.washingtonCore())
                let citizens = (31...35).map { ("155500000\($0)", "2025-11-10") }
                let records = try await X.record(store, citizens, in: "GS2010-001")
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let made = try await lists.run(actor: X.officer, now: X.date("2027-11-11"), maxRecords: 2)
                #expect(made.map(\.items.count) == [2, 2, 1])
                #expect(Set(made.map(\.list)).count == 3, "three lists, three ids")
                #expect(made.flatMap { $0.items.map(\.record) }.sorted() == records.sorted(), "every record once")
                let last = try #require(made.last)
                _ = try await lists.approve(list: last.list, actor: X.officer, now: X.date("2027-11-11"))
                let outcome = try await RetentionDestroyer(store: store, ledger: X.ledger).destroy(
                    list: last.list, actor: X.officer, now: X.date("2027-11-11"))
                #expect(outcome.destroyed == last.items.map(\.record), "only the approved list's record")
                #expect(try await lists.run(actor: X.officer, now: X.date("2027-11-12"), maxRecords: 2).isEmpty, "the others stay on their lists")
            }
        }
    }

    @Test("a record under an active legal hold is left off the list and counted as held; the others are listed")
    func heldLeftOut() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.washingtonCore())
                let records = try await X.record(store, [("15550000025", "2025-11-10"), ("15550000026", "2025-11-10")], in: "GS2010-001")
                let hold = try await LegalHolds(store: store, ledger: X.ledger).place(
                    LegalHoldRequest(
                        type: .litigation, matter: "Doe v. City", custodian: "City Attorney", reason: "litigation",
                        scope: LegalHoldScope(citizens: ["p:15550000025"])), actor: X.officer)
                let now = X.date("2027-11-11")
                let made = try await DispositionLists(store: store, ledger: X.ledger).run(actor: X.officer, now: now)
                #expect(made.map { $0.items.map(\.record) } == [[records[1]]], "the held record is not listed")
                let lines = try await RetentionStatus(store: store, ledger: X.ledger).report(by: .series, now: now)
                #expect(lines.map(\.held) == [1])
                #expect(lines.map(\.eligibleNow) == [2])
                let status = try await RetentionStatus(store: store, ledger: X.ledger).records(now: now)
                #expect(status.map(\.holds) == [[hold.id], []])
            }
        }
    }

    @Test("an archival series (appraisal required) makes a transfer list, never a destruction list; transfer records the data keys")
    func transferList() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                try await X.load(store, try X.washingtonCore())
                let record = try await X.record(store, [("15550000023", "2025-11-10")], in: "GS50-01-12 Rev. 3")[0]
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let list = try #require(try await lists.run(actor: X.officer, now: X.date("2027-11-11")).first)
                #expect(list.action == .transfer)
                let notYet = await Self.refusal {
                    _ = try await lists.transfer(list: list.list, archives: "Washington State Archives", reference: "T-1", actor: X.officer)
                }
                #expect(notYet == .notApproved(list: list.list, approvals: 0, required: 1))
                try await lists.approve(list: list.list, actor: X.officer)
                #expect(await Self.refusal { _ = try await lists.authorisation(list: list.list) } == .transferList(list.list))
                let done = try await lists.transfer(
                    list: list.list, archives: "Washington State Archives", reference: "WSA-2027-114", actor: X.officer, now: X.date("2027-11-12"))
                #expect(done.transferredPosition != nil)
                #expect(done.archives == "Washington State Archives")
                let key = try #require(
                    try await scalar(client, "SELECT id FROM data_keys WHERE stream = \(record.stream) AND period = \(record.period)", as: Int64.self))
                let header = try #require(
                    try await scalar(client, "SELECT header FROM ledger_entries WHERE event_type = 'records.transferred'", as: String.self))
                let json = try JSONValue.parse(Array(header.utf8))
                #expect(json["data_key_ids"]?.array == [.integer(key)])
                #expect(json["archives"]?.string == "Washington State Archives")
                #expect(json["records"]?.integer == 1)
                try await X.catchUp(store)
                #expect(try await X.eligibility(store, record, now: "2027-11-13").state == .transferred)
            }
        }
    }

    @Test("exclude and defer take records off a list with a reason; authorisation names the rest; a deferred record comes back after its date")
    func excludeAndDefer() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                try await X.load(store, try X.washingtonCore())
                let records = try await X.record(
                    store, [("15550000031", "2025-11-10"), ("15550000032", "2025-11-10"), ("15550000033", "2025-11-10")], in: "GS2010-001")
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let now = X.date("2027-11-11")
                let list = try #require(try await lists.run(actor: X.officer, now: now).first).list
                #expect(await Self.refusal { _ = try await lists.authorisation(list: list) } == .notApproved(list: list, approvals: 0, required: 1))
                let before = try await X.entries(client)
                let noReason = await Self.refusal {
                    _ = try await lists.review(list: list, decision: .exclude, records: [records[0]], reason: " ", actor: X.officer, now: now)
                }
                #expect(noReason == .missingReason)
                let past = await Self.refusal {
                    _ = try await lists.review(
                        list: list, decision: .defer, records: [records[1]], reason: "audit", until: X.date("2027-01-01"), actor: X.officer, now: now)
                }
                #expect(past == .deferralNotLater("2027-01-01T00:00:00Z"))
                #expect(try await X.entries(client) == before, "refusals write nothing")
                try await lists.review(
                    list: list, decision: .exclude, records: [records[0]], reason: "subject of an open complaint", actor: X.officer, now: now)
                let reviewed = try await lists.review(
                    list: list, decision: .defer, records: [records[1]], reason: "audit in progress", until: X.date("2028-01-31"), actor: X.officer,
                    now: now)
                #expect(reviewed.items.map(\.state) == [.excluded, .deferred, .listed])
                #expect(reviewed.items[0].reason == "subject of an open complaint")
                #expect(reviewed.items[1].until == X.date("2028-01-31"))
                let again = await Self.refusal {
                    _ = try await lists.review(list: list, decision: .exclude, records: [records[0]], reason: "twice", actor: X.officer, now: now)
                }
                #expect(again == .notOnList(list: list, records: [records[0].description]))
                try await lists.approve(list: list, actor: X.officer)
                let authority = try await lists.authorisation(list: list)
                #expect(authority.records == [records[2]])
                #expect(authority.series == "GS2010-001")
                #expect(authority.dan == "GS2010-001")
                #expect(authority.revision == 0)
                #expect(authority.approvals.map(\.actor) == [X.officer])
                // Excluded stays off later lists; deferred comes back once its date has passed.
                #expect(try await lists.run(actor: X.officer, now: X.date("2028-01-15")).isEmpty)
                let back = try await lists.run(actor: X.officer, now: X.date("2028-02-01"))
                #expect(back.map { $0.items.map(\.record) } == [[records[1]]])
            }
        }
    }

    @Test("two-person approval: the same person twice is refused with nothing written; a second person completes it")
    func twoPerson() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                try await X.load(store, try X.testCatalog())
                let record = try await X.record(store, [("15550000041", "2025-11-10")], in: "TS1-003")[0]
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let list = try #require(try await lists.run(actor: X.officer, now: X.date("2027-11-11")).first).list
                let agent = await Self.refusal { _ = try await lists.approve(list: list, actor: "cli:agent", role: "agent") }
                #expect(agent == .roleNotAllowed("agent"))
                let first = try await lists.approve(list: list, actor: "cli:alice")
                #expect(first.status == "awaiting approval (1 of 2)")
                #expect(await Self.refusal { _ = try await lists.authorisation(list: list) } == .notApproved(list: list, approvals: 1, required: 2))
                let before = try await X.entries(client)
                let twice = await Self.refusal { _ = try await lists.approve(list: list, actor: "cli:alice") }
                #expect(twice == .sameApprover(list: list, actor: "cli:alice"))
                #expect(try await X.entries(client) == before, "nothing written")
                let second = try await lists.approve(list: list, actor: "cli:bob")
                #expect(second.approved)
                #expect(second.approvals.map(\.actor) == ["cli:alice", "cli:bob"])
                let header = try #require(
                    try await scalar(
                        client, "SELECT header FROM ledger_entries WHERE event_type = 'retention.disposition.approved' ORDER BY position DESC LIMIT 1",
                        as: String.self))
                let json = try JSONValue.parse(Array(header.utf8))
                #expect(json["approval"]?.integer == 2)
                #expect(json["required"]?.integer == 2)
                #expect(try await lists.authorisation(list: list).records == [record])
                #expect(await Self.refusal { _ = try await lists.approve(list: list, actor: "cli:carol") } == .alreadyApproved(list: list, approvals: 2))
            }
        }
    }

    @Test("a list with nothing left after exclusions cannot be approved; a review series needs a decision on every record")
    func nothingLeftAndReview() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.testCatalog())
                let plain = try await X.record(store, [("15550000051", "2025-11-10")], in: "TS1-003")[0]
                let reviewed = try await X.record(store, [("15550000052", "2025-11-10"), ("15550000053", "2025-11-10")], in: "TS1-004")
                let lists = DispositionLists(store: store, ledger: X.ledger)
                let now = X.date("2027-11-11")
                let made = try await lists.run(actor: X.officer, now: now)
                let two = try #require(made.first { $0.series == "TS1-003" }).list
                try await lists.review(list: two, decision: .exclude, records: [plain], reason: "still needed", actor: X.officer, now: now)
                #expect(await Self.refusal { _ = try await lists.approve(list: two, actor: X.officer) } == .nothingLeft(two))
                let review = try #require(made.first { $0.series == "TS1-004" })
                #expect(review.review)
                #expect(review.action == .destroy)
                #expect(await Self.refusal { _ = try await lists.approve(list: review.list, actor: X.officer) } == .undecided(list: review.list, records: 2))
                try await lists.review(list: review.list, decision: .confirm, records: [reviewed[0]], reason: "no longer needed", actor: X.officer, now: now)
                try await lists.review(list: review.list, decision: .exclude, records: [reviewed[1]], reason: "keep", actor: X.officer, now: now)
                try await lists.approve(list: review.list, actor: X.officer)
                #expect(try await lists.authorisation(list: review.list).records == [reviewed[0]])
                #expect(await Self.refusal { _ = try await lists.authorisation(list: "DL-none") } == .unknownList("DL-none"))
            }
        }
    }
}
