import Access
import Classification
import Foundation
import Inbox
import LedgerStore
import Logging
import PostgresNIO
import TestSupport
import Testing

/// The analytics, classification, access log and inbox projections apply a batch set-based
/// (issue 17): one statement per table, and exactly the rows of their per-entry statements
/// (``PerEntryAnalyticsProjection``, ``PerEntryClassificationProjection``,
/// ``PerEntryAccessLogProjection``, ``PerEntryInboxProjection``).
@Suite("Set-based projections: analytics, classification, access log, inbox", .timeLimit(.minutes(15)))
struct SetBasedProjectionsTests {
    static let ledger = ConversationsBatchTests.ledger

    /// The entries of the mix (`RK_SETBASED_MIX` overrides it, e.g. 10000 to measure).
    static var mixSize: Int { ProcessInfo.processInfo.environment["RK_SETBASED_MIX"].flatMap(Int.init) ?? 2_000 }

    /// Each set-based projection, its per-entry oracle, and the prefixes of its tables' dump lines.
    static let pairs: [(setBased: any Projection, perEntry: any Projection, tables: [String])] = [
        (AnalyticsProjection(), PerEntryAnalyticsProjection(), ["analytics_"]),
        (ClassificationProjection(), PerEntryClassificationProjection(), ["message_classifications "]),
        (AccessLogProjection(), PerEntryAccessLogProjection(), ["access_log "]),
        (InboxProjection(), PerEntryInboxProjection(), ["inbox_"]),
    ]

    @Test("a randomized mix gives exactly the per-entry rows, in batches of 500, 37 and 1", arguments: [UInt64(7), 2026])
    func sameRowsAsPerEntry(seed: UInt64) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let base = try await Self.append({ ProjectionsMix.events(count: Self.mixSize, seed: seed, base: $0) }, to: store)
                for pair in Self.pairs {
                    let name = pair.setBased.name
                    let perEntry = try await ConversationsBatchTests.rebuild(pair.perEntry, batchSize: 500, store: store, client: client)
                    let expected = try await Self.dump(client, pair.tables)
                    Self.expectMixReachesEveryRule(name, expected)
                    let batched = try await ConversationsBatchTests.rebuild(pair.setBased, batchSize: 500, store: store, client: client)
                    let rows = try await Self.dump(client, pair.tables)
                    #expect(rows == expected, "\(name), batches of 500: \(firstDifference(rows, expected))")
                    print(
                        "\(name) mix of \(Self.mixSize) events from position \(base) (seed \(seed)): per-entry apply \(perEntry.milliseconds) ms,"
                            + " set-based apply \(batched.milliseconds) ms (debug build, batches of 500)")
                    for batchSize in [37, 1] where batchSize > 1 || Self.mixSize <= 3_000 {
                        _ = try await ConversationsBatchTests.rebuild(pair.setBased, batchSize: batchSize, store: store, client: client)
                        let rows = try await Self.dump(client, pair.tables)
                        #expect(rows == expected, "\(name), batches of \(batchSize): \(firstDifference(rows, expected))")
                    }
                }
            }
        }
    }

    @Test("applied live, batch after batch as entries arrive, the rows equal the per-entry rebuild")
    func liveEqualsPerEntry() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let projections = Self.pairs.map(\.setBased)
                let runner = ProjectionRunner(store: store, projections: projections, batchSize: 29, logger: ScratchDatabase.logger)
                let first = try await store.append(Self.anchor, to: Self.ledger).position + 1
                let events = ProjectionsMix.events(count: 1_200, seed: 99, base: first)
                for start in stride(from: 0, to: events.count, by: 60) {
                    let receipts = try await store.append(Array(events[start..<min(start + 60, events.count)]), to: Self.ledger)
                    #expect(receipts.first?.position == first + Int64(start))
                    if start % 120 == 0 { try await runner.catchUpAll() }
                }
                try await runner.catchUpAll()
                for pair in Self.pairs {
                    let live = try await Self.dump(client, pair.tables)
                    _ = try await ConversationsBatchTests.rebuild(pair.perEntry, batchSize: 500, store: store, client: client)
                    let perEntry = try await Self.dump(client, pair.tables)
                    #expect(live == perEntry, "\(pair.setBased.name): \(firstDifference(live, perEntry))")
                }
            }
        }
    }

    @Test("a message's decisions in one batch: the last staff one wins, else the last one unless staff decided before")
    func classificationDecisionsInOneBatch() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let first = try await store.append(Self.anchor, to: Self.ledger).position + 1
                // Three messages; then, in one batch, decisions on each.
                let messages = (0..<3).map { Self.message(at: first + Int64($0)) }
                _ = try await store.append(messages, to: Self.ledger)
                let runner = ProjectionRunner(store: store, projections: [ClassificationProjection()], logger: ScratchDatabase.logger)
                let (a, b, c) = (first, first + 1, first + 2)
                _ = try await store.append(
                    [
                        Self.decision(a, category: 1, source: "automatic"), Self.decision(a, category: 4, source: "staff"),
                        Self.decision(a, category: 2, source: "automatic"),
                        Self.decision(b, category: 3, source: "automatic"), Self.decision(b, category: 2, source: "automatic"),
                        Self.decision(c, category: 4, source: "staff"),
                    ], to: Self.ledger)
                try await runner.catchUpAll()
                #expect(try await Self.categories(client) == [a: 4, b: 2, c: 4])
                // Next batch: automatic decisions never overrule staff; a later staff one does.
                _ = try await store.append(
                    [
                        Self.decision(a, category: 1, source: "automatic"), Self.decision(b, category: 4, source: "staff"),
                        Self.decision(b, category: 1, source: "automatic"), Self.decision(c, category: 3, source: "staff"),
                        Self.decision(c, category: 1, source: nil),
                    ], to: Self.ledger)
                try await runner.catchUpAll()
                #expect(try await Self.categories(client) == [a: 4, b: 4, c: 3])
                let live = try await Self.dump(client, ["message_classifications "])
                _ = try await ConversationsBatchTests.rebuild(PerEntryClassificationProjection(), batchSize: 500, store: store, client: client)
                #expect(try await Self.dump(client, ["message_classifications "]) == live)
            }
        }
    }

    // MARK: Helpers

    /// An entry before the mix, so its positions are known before it is appended.
    static var anchor: NewEvent { NewEvent(stream: "test/anchor", eventType: "staff.login.failed", actor: "test", header: #"{"v":1}"#, payload: []) }

    /// Appends the anchor, then `events(base)` in chunks of 500 (each at its predicted position); returns the base.
    static func append(_ events: (Int64) -> [NewEvent], to store: LedgerStore) async throws -> Int64 {
        let base = try await store.append(anchor, to: ledger).position + 1
        let all = events(base)
        for start in stride(from: 0, to: all.count, by: 500) {
            let receipts = try await store.append(Array(all[start..<min(start + 500, all.count)]), to: ledger)
            try #require(receipts.enumerated().allSatisfy { $0.element.position == base + Int64(start + $0.offset) && !$0.element.alreadyRecorded })
        }
        return base
    }

    static func dump(_ client: PostgresClient, _ prefixes: [String]) async throws -> [String] {
        try await dumpProjections(client).filter { line in prefixes.contains { line.hasPrefix($0) } }
    }

    /// The mix is only a proof if the oracle's rows show each rule at work.
    static func expectMixReachesEveryRule(_ name: String, _ rows: [String]) {
        func some(_ parts: String...) -> Bool { rows.contains { row in parts.allSatisfy { row.contains($0) } } }
        switch name {
        case "analytics":
            #expect(some("analytics_messages ", "\"via\":\"unknown\"") && some("analytics_messages ", "\"via\":\"app\""))
            #expect(some("analytics_messages ", "\"via\":null") && some("analytics_messages ", "\"via\":\"staff_ui\""))
            #expect(some("analytics_conversation_events ", "\"kind\":\"routed\"", "\"team\":\"north\"") && some("\"kind\":\"closed\"", "\"team\":null"))
        case "classification":
            #expect(some("\"state\":\"classified\"", "\"source\":\"staff\"") && some("\"state\":\"classified\"", "\"source\":\"automatic\""))
            #expect(some("\"state\":\"classified\"", "\"source\":null") && some("\"state\":\"pending\""))
            #expect(some("\"reasons\":\"ssn,health\"") && some("\"reasons\":\"\""))
        case "access_log":
            #expect(some("\"a,b\"", "\"\\\"quoted\\\"\"") && some("\"records\":[]") && some("9223372036854775807"))
            #expect(some("\"reason\":null") && some("\"reason\":\"audit\"") && some("\"break_glass\":true") && some("é ∑ 😀"))
        default:
            #expect(some("inbox_conversations ", "\"team\":\"") && some("inbox_conversations ", "\"state\":\"reopened\""))
            #expect(some("inbox_conversations ", "\"assignee\":null", "\"assigned_position\":") && some("inbox_conversations ", "p:1555,"))
            #expect(some("inbox_notes ", "note-") && some("inbox_reads ", "\"user_name\":\"kim\"") && some("inbox_routing ", "permit"))
        }
    }

    static func message(at position: Int64) -> NewEvent {
        NewEvent(
            stream: "wa/1065/p:15550001", eventType: "whatsapp.message.received", actor: "meta",
            header: #"{"v":1,"message_id":"wamid.\#(position)","phone_number_id":"1065"}"#, payload: [])
    }

    static func decision(_ target: Int64, category: Int, source: String?) -> NewEvent {
        let source = source.map { #","source":"\#($0)""# } ?? ""
        return NewEvent(
            stream: "classification/\(target)", eventType: "record.classified", actor: "system:classifier",
            header: #"{"v":1,"target_position":\#(target),"category":\#(category),"detector_version":"d-1"\#(source)}"#, payload: [])
    }

    static func categories(_ client: PostgresClient) async throws -> [Int64: Int16] {
        let rows = try await client.query(
            "SELECT message_position, category FROM message_classifications WHERE category IS NOT NULL", logger: ScratchDatabase.logger
        ).collect()
        return Dictionary(uniqueKeysWithValues: try rows.map { try $0.decode((Int64, Int16).self) })
    }
}
