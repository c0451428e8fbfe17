import Disposition
import Foundation
import Inbox
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore
import Retention
import TestSupport
import Testing

/// Records built from real message events, filed by hand, with the projections disposition reads.
enum DispositionFixture {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    static let officer = "test:officer"

    /// The repository's `config/retention/washington-core.yaml`.
    static func washingtonCore() throws -> RetentionCatalog {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("config/retention/washington-core.yaml").path
        return try RetentionCatalog(yaml: try String(contentsOfFile: file, encoding: .utf8), file: file)
    }

    /// A small catalog of test series: `TS1-001` (P1D, communication), `TS1-002` (P1Y after the
    /// conversation closed), `TS1-003` (P2Y, two-person approval), `TS1-004` (P2Y, final action review).
    static func testCatalog() throws -> RetentionCatalog {
        func series(_ dan: String, _ retention: String, _ trigger: String, action: String = "destroy", two: Bool = false) -> String {
            """
              - dan: \(dan)
                title: Test series \(dan)
                description: A series for disposition tests.
                retention: \(retention)
                trigger: \(trigger)
                final_action: \(action)
                designation: {archival: non_archival, essential: false, office: OPR}
                two_person_approval: \(two)
            """
        }
        let yaml = """
            name: disposition-tests
            version: "1"
            default_series: TS1-001
            series:
            \(series("TS1-001", "P1D", "communication"))
            \(series("TS1-002", "P1Y", "conversation_closed"))
            \(series("TS1-003", "P2Y", "communication", two: true))
            \(series("TS1-004", "P2Y", "communication", action: "review"))
            """
        return try RetentionCatalog(yaml: yaml, file: "disposition-tests.yaml")
    }

    /// A citizen by number.
    static func citizen(_ number: String) -> FixtureCitizen { FixtureCitizen(waID: number) }

    /// The seconds from 2025-11-01T00:00:00Z to `day` (`YYYY-MM-DD`) at midnight UTC.
    static func seconds(_ day: String) -> Int64 {
        Int64(date(day).timeIntervalSince1970) - 1_761_955_200
    }

    /// `YYYY-MM-DD` at midnight UTC, or a full ISO 8601 time.
    static func date(_ text: String) -> Date {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)!
    }

    /// A message from `citizen` on `day`, and the record it makes.
    static func message(_ citizen: String, on day: String, id: String? = nil) -> (NewEvent, RetentionRecordID) {
        let event = F.message(id ?? "wamid.\(citizen).\(day)", from: Self.citizen(citizen), at: seconds(day))
        return (event, RetentionRecordID(stream: event.stream, period: String(day.prefix(7))))
    }

    /// Files `record` into `series` by hand.
    static func filing(_ record: RetentionRecordID, _ series: String) throws -> NewEvent {
        try RecordFiling(record: record, series: series, source: .manual).event(actor: officer, details: ["reason": .string("test filing")])
    }

    /// Appends a message from each `(citizen, day)` filed into `series`; returns the records.
    @discardableResult
    static func record(_ store: LedgerStore, _ messages: [(String, String)], in series: String) async throws -> [RetentionRecordID] {
        var records: [RetentionRecordID] = []
        for (citizen, day) in messages {
            let (event, record) = message(citizen, on: day)
            _ = try await store.append(event, to: ledger)
            _ = try await store.append(try filing(record, series), to: ledger)
            records.append(record)
        }
        try await catchUp(store)
        return records
    }

    /// Loads a catalog.
    static func load(_ store: LedgerStore, _ catalog: RetentionCatalog) async throws {
        _ = try await RetentionCatalogs(store: store, ledger: ledger).load(catalog, actor: officer)
    }

    /// Catches up every projection eligibility reads.
    static func catchUp(_ store: LedgerStore) async throws {
        let projections: [any Projection] = [
            ConversationsProjection(), AnalyticsProjection(), RetentionCatalogProjection(), RetentionRecordsProjection(), DispositionListsProjection(),
        ]
        let runner = ProjectionRunner(store: store, projections: projections, logger: ScratchDatabase.logger)
        for projection in projections { _ = try await runner.catchUp(projection, ledger: ledger) }
    }

    /// The eligibility of `record` at `now`.
    static func eligibility(_ store: LedgerStore, _ record: RetentionRecordID, now: String) async throws -> RecordEligibility {
        let all = try await RetentionEligibility(store: store, ledger: ledger).records(now: date(now))
        return try #require(all.first { $0.record == record }, "no record \(record) in \(all.map(\.record))")
    }

    /// How many entries the ledger holds.
    static func entries(_ client: PostgresClient) async throws -> Int64 {
        try await scalar(client, "SELECT count(*) FROM ledger_entries", as: Int64.self) ?? 0
    }
}

@Suite("Retention disposition: eligibility", .timeLimit(.minutes(3)))
struct RetentionDispositionEligibilityTests {
    typealias X = DispositionFixture

    @Test("under a 2-year series a record two years and a day after its last message is eligible; one a day short is not, and says when")
    func twoYears() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.washingtonCore())
                let records = try await X.record(store, [("15550000001", "2025-11-10"), ("15550000002", "2025-11-12")], in: "GS2010-001")
                let old = try await X.eligibility(store, records[0], now: "2027-11-11")
                #expect(old.isEligible, "\(old)")
                #expect(old.state == .eligible)
                #expect(old.series == "GS2010-001")
                #expect(old.triggerDate == X.date("2025-11-10"))
                #expect(old.eligibleDate == X.date("2027-11-10"))
                let young = try await X.eligibility(store, records[1], now: "2027-11-11")
                #expect(!young.isEligible)
                #expect(young.ineligibility == .retentionNotMet)
                #expect(young.state == .retained)
                #expect(young.eligibleDate == X.date("2027-11-12"))
            }
        }
    }

    @Test("never before 31 days after the end of the record's month, however short the retention")
    func monthFloor() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.testCatalog())
                let record = try await X.record(store, [("15550000003", "2025-11-10")], in: "TS1-001")[0]
                // P1D after 2025-11-10 would be 2025-11-11; the month ends 2025-12-01, plus 31 days: 2026-01-01.
                let early = try await X.eligibility(store, record, now: "2025-12-31T23:59:59Z")
                #expect(early.eligibleDate == X.date("2026-01-01"))
                #expect(early.ineligibility == .retentionNotMet)
                let later = try await X.eligibility(store, record, now: "2026-01-01T00:00:00Z")
                #expect(later.isEligible)
            }
        }
    }

    @Test("unconfirmed and until-no-longer-needed series, unfiled records: never eligible, each with its reason, and never listed")
    func neverEligible() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.washingtonCore())
                let unconfirmed = try await X.record(store, [("15550000004", "2025-11-10")], in: "GS50-02-01")[0]
                let decision = try await X.record(store, [("15550000005", "2025-11-10")], in: "GS2010-003 Rev. 2")[0]
                let (message, unfiled) = X.message("15550000006", on: "2025-11-10")
                _ = try await store.append(message, to: X.ledger)
                try await X.catchUp(store)
                let far = "2040-01-01"
                #expect(try await X.eligibility(store, unconfirmed, now: far).ineligibility == .seriesNotConfirmed)
                #expect(try await X.eligibility(store, decision, now: far).ineligibility == .needsDecision)
                #expect(try await X.eligibility(store, decision, now: far).eligibleDate == nil)
                #expect(try await X.eligibility(store, unfiled, now: far).ineligibility == .notFiled)
                #expect(Ineligibility.seriesNotConfirmed.description == "series not confirmed by the agency")
                let lists = try await DispositionLists(store: store, ledger: X.ledger).run(actor: X.officer, now: X.date(far))
                #expect(lists.isEmpty, "nothing is listed: \(lists.map(\.series))")
            }
        }
    }

    @Test("conversation_closed: awaiting trigger until the conversation is closed after the record's last entry; a close before it does not count")
    func conversationClosed() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.testCatalog())
                let citizen = "15550000007"
                let conversation = X.F.stream(X.citizen(citizen))
                func closed(_ day: String) -> NewEvent {
                    NewEvent(
                        stream: "inbox/\(conversation)", eventType: "conversation.closed", occurredAt: X.F.time(X.seconds(day)), actor: "staff:robin",
                        header: #"{"v":1,"conversation":"\#(conversation)"}"#, payload: Array(#"{"v":1}"#.utf8))
                }
                _ = try await store.append(X.message(citizen, on: "2025-11-03", id: "wamid.first").0, to: X.ledger)
                _ = try await store.append(closed("2025-11-05"), to: X.ledger)
                let record = try await X.record(store, [(citizen, "2025-11-10")], in: "TS1-002")[0]
                let open = try await X.eligibility(store, record, now: "2030-01-01")
                #expect(open.ineligibility == .awaitingTrigger, "the close on 11-05 is before the last message: \(open)")
                #expect(open.triggerDate == nil)
                _ = try await store.append(closed("2026-02-05"), to: X.ledger)
                try await X.catchUp(store)
                let shut = try await X.eligibility(store, record, now: "2027-02-04")
                #expect(shut.triggerDate == X.date("2026-02-05"))
                #expect(shut.eligibleDate == X.date("2027-02-05"))
                #expect(shut.ineligibility == .retentionNotMet)
                #expect(try await X.eligibility(store, record, now: "2027-02-05").isEligible)
            }
        }
    }

    @Test("status report counts by series and by month: eligible now, within 30 and 90 days, blocked")
    func statusReport() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await X.load(store, try X.washingtonCore())
                try await X.record(store, [("15550000011", "2025-11-10"), ("15550000012", "2025-11-12"), ("15550000013", "2025-12-20")], in: "GS2010-001")
                try await X.record(store, [("15550000014", "2025-11-15")], in: "GS50-02-01")
                let status = RetentionStatus(store: store, ledger: X.ledger)
                let now = X.date("2027-11-11")
                let bySeries = try await status.report(by: .series, now: now)
                #expect(
                    bySeries == [
                        RetentionStatusLine(
                            key: "GS2010-001", records: 3, eligibleNow: 1, within30Days: 1, within90Days: 2, destroyed: 0, transferred: 0, blocked: 0),
                        RetentionStatusLine(
                            key: "GS50-02-01", records: 1, eligibleNow: 0, within30Days: 0, within90Days: 0, destroyed: 0, transferred: 0, blocked: 1),
                    ])
                let byMonth = try await status.report(by: .month, now: now)
                #expect(
                    byMonth == [
                        RetentionStatusLine(
                            key: "2025-11", records: 3, eligibleNow: 1, within30Days: 1, within90Days: 1, destroyed: 0, transferred: 0, blocked: 1),
                        RetentionStatusLine(
                            key: "2025-12", records: 1, eligibleNow: 0, within30Days: 0, within90Days: 1, destroyed: 0, transferred: 0, blocked: 0),
                    ])
                let records = try await status.records(series: "GS2010-001", now: now)
                #expect(records.map(\.state) == [.eligible, .retained, .retained])
            }
        }
    }
}
