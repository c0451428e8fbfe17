import Foundation
import Inbox
import Ledger
import LedgerStore
import Logging
import Messaging
import PostgresNIO
import Retention
import TestSupport
import Testing

/// Legal holds as a records officer checks them, on real PostgreSQL with real ingest events:
/// what a hold covers (now and later), who may release it, and that nothing is written when a
/// hold is refused.
@Suite("Legal holds", .timeLimit(.minutes(3)))
struct LegalHoldTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    static let sheena = FixtureCitizen(waID: "16505551234")
    static let other = FixtureCitizen(waID: "16505550000")
    /// 35 days: a message in the next month (December 2025).
    static let nextMonth: Int64 = 35 * 86_400
    static let now = F.time(86_400).date

    /// The projections holds are evaluated over: conversations, inbox and analytics (routing),
    /// and the retention records.
    static func runner(_ store: LedgerStore) -> ProjectionRunner {
        ProjectionRunner(
            store: store, projections: [ConversationsProjection(), InboxProjection(), AnalyticsProjection(), RetentionRecordsProjection()],
            logger: testLogger)
    }

    static func record(_ citizen: FixtureCitizen, seconds: Int64) -> RetentionRecordID {
        RetentionRecordID(stream: F.stream(citizen), period: F.time(seconds).monthPeriod)
    }

    static func request(_ scope: LegalHoldScope, type: LegalHoldType = .litigation) -> LegalHoldRequest {
        LegalHoldRequest(
            type: type, matter: "King County Superior Court 26-2-01234-5", custodian: "Records Office", reason: "complaint filed 2025-11-20",
            scope: scope)
    }

    /// `heldRecords` as the destruction calls it: in a transaction, after taking the lock.
    static func held(_ records: [RetentionRecordID], store: LedgerStore) async throws -> [RetentionRecordID: [String]] {
        let ref = try await store.ledger(named: ledger)
        return try await store.withTransaction { connection in
            try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
            return try await LegalHolds.heldRecords(records, ledger: ref, on: connection, logger: testLogger)
        }
    }

    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: testLogger).decode(Int64.self) { return value }
        return 0
    }

    static func holdEntries(_ client: PostgresClient) async throws -> Int64 {
        try await count(client, "SELECT count(*) FROM ledger_entries WHERE stream = 'retention/holds'")
    }

    @Test("a hold on one citizen covers that citizen's records and no one else's, including a record that arrives after the hold")
    func citizenHold() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(
                    [F.message("wamid.1", from: Self.sheena, at: 100), F.message("wamid.2", from: Self.other, at: 150, profileName: "Someone Else")],
                    to: Self.ledger)
                let runner = Self.runner(store)
                try await runner.catchUpAll()
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                let hold = try await holds.place(
                    Self.request(LegalHoldScope(citizens: ["+1 650 555 1234"])), actor: "cli:clerk", role: "records_officer", now: Self.now)
                #expect(hold.id == "H-1")
                #expect(hold.scope.citizens == ["p:16505551234"], "the number is kept as the citizen key")
                #expect(hold.isActive && hold.role == "records_officer" && hold.actor == "cli:clerk")
                #expect(hold.placedAt == Self.now)

                let november = Self.record(Self.sheena, seconds: 100)
                let others = Self.record(Self.other, seconds: 150)
                #expect(try await Self.held([november, others], store: store) == [november: ["H-1"]])

                // A message that arrives after the hold, in a new month: a new record, held too.
                _ = try await store.append(F.message("wamid.3", from: Self.sheena, at: Self.nextMonth), to: Self.ledger)
                _ = try await store.append(F.message("wamid.4", from: Self.other, at: Self.nextMonth + 10), to: Self.ledger)
                try await runner.catchUpAll()
                let december = Self.record(Self.sheena, seconds: Self.nextMonth)
                #expect(december != november)
                let later = try await Self.held([november, others, december, Self.record(Self.other, seconds: Self.nextMonth)], store: store)
                #expect(later == [november: ["H-1"], december: ["H-1"]])
                #expect(try await holds.show(id: "H-1").coveredRecords == 2)

                // The retained header names the scope's members, never the citizen's number;
                // the payload (encrypted) has the values.
                let header = try #require(
                    try await client.query("SELECT header FROM ledger_entries WHERE stream = 'retention/holds'", logger: testLogger)
                        .collect().first?.decode(String.self))
                #expect(!header.contains("16505551234") && !header.contains("Superior Court"), "\(header)")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
                #expect(json["hold"] as? String == "H-1" && json["type"] as? String == "litigation" && json["role"] as? String == "records_officer")
                #expect(json["scope"] as? [String] == ["citizens"])
                let stored = try #require(try await store.record(ledger: Self.ledger, position: hold.position))
                guard case .bytes(let payload) = stored.payload else {
                    Issue.record("the placed payload does not open: \(stored.payload)")
                    return
                }
                let text = String(decoding: payload, as: UTF8.self)
                #expect(text.contains("p:16505551234") && text.contains("King County Superior Court 26-2-01234-5"), "\(text)")
            }
        }
    }

    @Test("release by another role is refused with nothing written; the placing role or a records officer may release; a released hold covers nothing")
    func release() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(F.message("wamid.1", from: Self.sheena, at: 100), to: Self.ledger)
                try await Self.runner(store).catchUpAll()
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                let conversation = F.stream(Self.sheena)
                let first = try await holds.place(
                    Self.request(LegalHoldScope(conversations: [conversation]), type: .publicRecordsRequest), actor: "cli:pro",
                    role: "request_officer", now: Self.now)
                let second = try await holds.place(
                    Self.request(LegalHoldScope(conversations: [conversation])), actor: "cli:pro", role: "request_officer", now: Self.now)
                #expect([first.id, second.id] == ["H-1", "H-2"])
                let record = Self.record(Self.sheena, seconds: 100)
                #expect(try await Self.held([record], store: store) == [record: ["H-1", "H-2"]])

                for role in ["agent", "supervisor", "auditor"] {
                    await #expect(throws: LegalHoldError.releaseNotAllowed("H-1", placedBy: "request_officer", role: role)) {
                        try await holds.release(id: "H-1", reason: "matter closed", actor: "cli:someone", role: role)
                    }
                }
                #expect(try await Self.holdEntries(client) == 2, "a refused release writes nothing")
                #expect(try await Self.held([record], store: store) == [record: ["H-1", "H-2"]])

                let released = try await holds.release(id: "H-1", reason: "request closed", actor: "cli:officer", role: "records_officer", now: Self.now)
                #expect(!released.isActive)
                #expect(released.release?.role == "records_officer" && released.release?.reason == "request closed")
                #expect(released.release?.actor == "cli:officer")
                _ = try await holds.release(id: "H-2", reason: "settled", actor: "cli:pro", role: "request_officer", now: Self.now)
                #expect(try await Self.held([record], store: store).isEmpty, "released holds cover nothing")
                #expect(try await holds.show(id: "H-1").coveredRecords == 0)

                await #expect(throws: LegalHoldError.alreadyReleased("H-1", position: released.release?.position ?? -1)) {
                    try await holds.release(id: "H-1", reason: "again", actor: "cli:officer")
                }
                await #expect(throws: LegalHoldError.unknownHold("H-99")) {
                    try await holds.release(id: "H-99", reason: "no such hold", actor: "cli:officer")
                }
                await #expect(throws: LegalHoldError.missing("reason")) {
                    try await holds.release(id: "H-2", reason: "  ", actor: "cli:officer")
                }
                #expect(try await Self.holdEntries(client) == 4)
                #expect(try await holds.list(active: true).isEmpty)
                #expect(try await holds.list(active: false).map(\.id) == ["H-1", "H-2"])

                // The released header names the hold and the role only.
                let header = try #require(
                    try await client.query(
                        "SELECT header FROM ledger_entries WHERE event_type = 'retention.hold.released' ORDER BY position LIMIT 1", logger: testLogger
                    ).collect().first?.decode(String.self))
                #expect(header == #"{"hold":"H-1","role":"records_officer","v":1}"#)
            }
        }
    }

    @Test("a hold with an empty scope, an empty matter or an unreadable citizen is refused with nothing written")
    func refusedPlacements() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                await #expect(throws: LegalHoldError.emptyScope) {
                    try await holds.place(Self.request(LegalHoldScope()), actor: "cli:clerk")
                }
                await #expect(throws: LegalHoldError.emptyScope, "blank values are no scope") {
                    try await holds.place(Self.request(LegalHoldScope(citizens: [" "], teams: [""])), actor: "cli:clerk")
                }
                var noMatter = Self.request(LegalHoldScope(teams: ["permits"]))
                noMatter.matter = "  "
                await #expect(throws: LegalHoldError.missing("matter")) { try await holds.place(noMatter, actor: "cli:clerk") }
                await #expect(throws: LegalHoldError.invalidCitizen("Sheena Nelson")) {
                    try await holds.place(Self.request(LegalHoldScope(citizens: ["Sheena Nelson"])), actor: "cli:clerk")
                }
                await #expect(throws: LegalHoldError.emptyDateRange(from: "2026-03-01T00:00:00Z", to: "2026-02-01T00:00:00Z")) {
                    let from = try #require(ISO8601DateFormatter().date(from: "2026-03-01T00:00:00Z"))
                    let to = try #require(ISO8601DateFormatter().date(from: "2026-02-01T00:00:00Z"))
                    try await holds.place(Self.request(LegalHoldScope(from: from, to: to)), actor: "cli:clerk")
                }
                let holdEntries = try await Self.holdEntries(client)
                let entries = try await Self.count(client, "SELECT count(*) FROM ledger_entries")
                let listed = try await holds.list(active: false)
                #expect(holdEntries == 0)
                #expect(entries == 0, "nothing at all was appended")
                #expect(listed.isEmpty)
            }
        }
    }

    @Test("heldRecords refuses while a hold event is in the ledger but not projected, and answers once caught up on the same connection")
    func notProjected() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(F.message("wamid.1", from: Self.sheena, at: 100), to: Self.ledger)
                try await Self.runner(store).catchUpAll()
                #expect(try await Self.held([Self.record(Self.sheena, seconds: 100)], store: store).isEmpty)
                // A placement that appended and stopped before catching up (a crash).
                let event = try LegalHoldEvents.placed(
                    id: "H-1", request: Self.request(LegalHoldScope(businessNumbers: [F.phoneNumberID])), role: "records_officer",
                    actor: "cli:clerk")
                let receipt = try await store.append(event, to: Self.ledger)
                let record = Self.record(Self.sheena, seconds: 100)
                let ref = try await store.ledger(named: Self.ledger)
                try await store.withTransaction { connection in
                    try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
                    await #expect(throws: LegalHoldError.self) {
                        _ = try await LegalHolds.heldRecords([record], ledger: ref, on: connection, logger: testLogger)
                    }
                }
                do {
                    _ = try await Self.held([record], store: store)
                    Issue.record("heldRecords answered although the hold is not projected")
                } catch let error as LegalHoldError {
                    guard case .holdsNotProjected(let latest, _) = error else { throw error }
                    #expect(latest == receipt.position)
                }
                let answer = try await store.withTransaction { connection in
                    try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
                    try await LegalHolds.catchUp(store: store, ledger: ref, on: connection)
                    return try await LegalHolds.heldRecords([record], ledger: ref, on: connection, logger: testLogger)
                }
                #expect(answer == [record: ["H-1"]])
                _ = client
            }
        }
    }

    @Test("holds placed at the same time get distinct ids; rebuilding the projection from the log gives the same rows")
    func concurrentAndRebuild() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                let ids = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<6 {
                        group.addTask {
                            try await holds.place(Self.request(LegalHoldScope(teams: ["team-\(index)"])), actor: "cli:clerk").id
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(ids) == Set((1...6).map { "H-\($0)" }), "\(ids)")
                _ = try await holds.release(id: "H-3", reason: "closed", actor: "cli:officer")
                let dump: PostgresQuery = "SELECT string_agg(row_to_json(h)::text, E'\\n' ORDER BY hold_id) FROM retention_holds h"
                let live = try await client.query(dump, logger: testLogger).collect().first?.decode(String?.self)
                let runner = ProjectionRunner(store: store, projections: [LegalHoldsProjection()], logger: testLogger)
                _ = try await runner.rebuild(LegalHoldsProjection(), ledger: Self.ledger)
                let rebuilt = try await client.query(dump, logger: testLogger).collect().first?.decode(String?.self)
                #expect(live != nil && live == rebuilt)
                #expect(try await holds.list(active: true).count == 5)
            }
        }
    }

    @Test("a placement waits while a destruction holds LegalHolds.lockKey, and is recorded once it commits")
    func placementWaitsForTheLock() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                _ = try await store.ledger(named: Self.ledger)
                let placing = try await store.withTransaction { connection in
                    try await connection.perform("SELECT pg_advisory_xact_lock(\(LegalHolds.lockKey))", logger: testLogger)
                    let placing = Task.detached {
                        try await holds.place(Self.request(LegalHoldScope(teams: ["permits"])), actor: "cli:clerk")
                    }
                    try await Task.sleep(for: .milliseconds(700))
                    let during = try await Self.holdEntries(client)
                    #expect(during == 0, "the hold is not appended while the lock is held")
                    return placing
                }
                let hold = try await placing.value
                #expect(hold.id == "H-1")
                let after = try await Self.holdEntries(client)
                #expect(after == 1)
            }
        }
    }

    @Test("scope members combine with AND: a team's conversations within a date range; the handling record of the conversation is held too")
    func teamAndDates() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let sheenaConversation = F.stream(Self.sheena)
                _ = try await store.append(
                    [
                        F.message("wamid.1", from: Self.sheena, at: 100), F.message("wamid.2", from: Self.other, at: 150),
                        try InboxEvents.routed(conversation: sheenaConversation, team: "intake", rule: "default", at: F.time(110)),
                        try InboxEvents.routed(
                            conversation: sheenaConversation, team: "permits", rule: "transfer", previousTeam: "intake", at: F.time(120)),
                        try InboxEvents.routed(conversation: F.stream(Self.other), team: "permits", rule: "default", at: F.time(160)),
                        F.message("wamid.3", from: Self.sheena, at: Self.nextMonth),
                    ], to: Self.ledger)
                try await Self.runner(store).catchUpAll()
                let holds = LegalHolds(store: store, ledger: Self.ledger)
                let december = try #require(ISO8601DateFormatter().date(from: "2025-12-01T00:00:00Z"))
                // Ever routed to intake (Sheena's, transferred away since), November only.
                _ = try await holds.place(Self.request(LegalHoldScope(teams: ["intake"], to: december)), actor: "cli:clerk", now: Self.now)
                let records = [
                    Self.record(Self.sheena, seconds: 100), Self.record(Self.other, seconds: 150), Self.record(Self.sheena, seconds: Self.nextMonth),
                    RetentionRecordID(stream: "inbox/\(sheenaConversation)", period: F.time(110).monthPeriod),
                    RetentionRecordID(stream: "inbox/\(F.stream(Self.other))", period: F.time(160).monthPeriod),
                ]
                #expect(
                    try await Self.held(records, store: store) == [
                        Self.record(Self.sheena, seconds: 100): ["H-1"],
                        RetentionRecordID(stream: "inbox/\(sheenaConversation)", period: F.time(110).monthPeriod): ["H-1"],
                    ])
                // Both conversations were routed to permits; the business number matches both.
                _ = try await holds.place(
                    Self.request(LegalHoldScope(businessNumbers: [F.phoneNumberID], teams: ["permits"])), actor: "cli:clerk", now: Self.now)
                let held = try await Self.held(records, store: store)
                #expect(held.count == 5)
                #expect(held[Self.record(Self.other, seconds: 150)] == ["H-2"])
                #expect(held[Self.record(Self.sheena, seconds: 100)] == ["H-1", "H-2"])
                // Another business number: covers nothing.
                _ = try await holds.place(Self.request(LegalHoldScope(businessNumbers: ["999999"])), actor: "cli:clerk", now: Self.now)
                #expect(try await holds.show(id: "H-3").coveredRecords == 0)
                #expect(try await holds.show(id: "H-2").coveredRecords == 5)
                _ = client
            }
        }
    }
}
