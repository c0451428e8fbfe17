import Access
import Classification
import Foundation
import Inbox
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import Requests
import Retention
import TestSupport
import Testing

/// Messages across two business numbers and two teams, routed, assigned, classified and
/// indexed, for request-search tests. Times are noon in Seattle (20:00Z) of the day named.
enum RequestSearchFixture {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    static let officer = "staff:olivia"
    static let sheena = FixtureCitizen(waID: "16505551234")
    static let other = FixtureCitizen(waID: "16505550000")
    static let numberA = F.phoneNumberID
    static let numberB = "106540352249999"
    /// When the request is received and searched: 2026-11-20 (the messages are a year older).
    static let now = DispositionFixture.date("2026-11-20T19:00:00Z")

    /// Seconds from 2025-11-01T00:00:00Z to noon in Seattle of `day` (`YYYY-MM-DD`).
    static func noon(_ day: String) -> Int64 { DispositionFixture.seconds(day) + 72_000 }

    /// The ledger positions of the messages, by name.
    struct Messages {
        var positions: [String: Int64] = [:]
        subscript(_ name: String) -> Int64 { positions[name] ?? -1 }
        func set(_ names: String...) -> [Int64] { names.map { self[$0] }.sorted() }
    }

    static let sheenaA = F.stream(sheena, number: numberA)
    static let otherA = F.stream(other, number: numberA)
    static let sheenaB = F.stream(sheena, number: numberB)

    /// m1 sheena→A (11-02, team permits), m2 other→A (11-03, team parking, assigned to bob),
    /// m3 sheena→B (11-04, team parking, an SSN: category 3), m4 alice→sheena on A (11-05,
    /// outbound), m5 an image from other on A (11-11). Every read model is caught up and the words indexed.
    static func setUp(_ store: LedgerStore) async throws -> Messages {
        var messages = Messages()
        func append(_ name: String, _ events: [NewEvent]) async throws {
            let receipts = try await store.append(events, to: ledger)
            messages.positions[name] = receipts[0].position
        }
        try await append("m1", [F.message("wamid.m1", from: sheena, at: noon("2025-11-02"), body: ["body": "The permit for Elm Street"], number: numberA)])
        try await append("m2", [F.message("wamid.m2", from: other, at: noon("2025-11-03"), body: ["body": "hello about parking"], number: numberA)])
        try await append(
            "m3", [F.message("wamid.m3", from: sheena, at: noon("2025-11-04"), body: ["body": "Elm Street again, my SSN is 536-22-1234"], number: numberB)])
        var sent = F.sent("wamid.m4", to: sheena, at: noon("2025-11-05"), text: "Your permit is approved", number: numberA)
        sent[0].actor = "staff:alice"
        try await append("m4", sent)
        try await append("m5", [F.image("wamid.m5", from: other, at: noon("2025-11-11"), mediaID: "media-5")])
        _ = try await store.append(
            [
                try InboxEvents.routed(conversation: sheenaA, team: "permits", rule: "default", at: F.time(noon("2025-11-02") + 1)),
                try InboxEvents.routed(conversation: otherA, team: "parking", rule: "default", at: F.time(noon("2025-11-03") + 1)),
                try InboxEvents.routed(conversation: sheenaB, team: "parking", rule: "default", at: F.time(noon("2025-11-04") + 1)),
                try InboxEvents.assigned(conversation: otherA, team: "parking", assignee: "bob", actor: "staff:carol", at: F.time(noon("2025-11-03") + 2)),
            ], to: ledger)
        try await catchUp(store)
        let classifier = ClassifierService(ledger: ledger, store: store, logger: testLogger)
        while try await classifier.runRound() > 0 { try await catchUp(store) }
        let indexer = try SearchIndexer(ledger: ledger, store: store, logger: testLogger)
        while try await indexer.runRound() > 0 {}
        return messages
    }

    /// Catches up every read model searches and holds read.
    static func catchUp(_ store: LedgerStore) async throws {
        let projections: [any Projection] = [
            ConversationsProjection(), InboxProjection(), AnalyticsProjection(), ClassificationProjection(), RetentionRecordsProjection(),
        ]
        let runner = ProjectionRunner(store: store, projections: projections, logger: testLogger)
        for projection in projections { _ = try await runner.catchUp(projection, ledger: ledger) }
    }

    /// Opens a request (received 2026-11-20).
    static func open(_ store: LedgerStore) async throws -> String {
        let request = NewRecordsRequest(
            channel: .email, text: "Every WhatsApp message with Sheena Nelson about the Elm Street permit.",
            requester: Requester(name: "Jane Citizen", contact: "jane@example.org"), receivedAt: DispositionFixture.date("2026-11-20T18:00:00Z"))
        return try await RecordsRequests(store: store, ledger: ledger).open(request, actor: officer, role: .requestOfficer, now: now).id
    }

    /// Filters from `name=value` pairs.
    static func filters(_ pairs: [(String, String)]) throws -> RequestSearchFilters {
        try RequestSearchFilters.parse(pairs.map { (name: $0.0, value: $0.1) })
    }

    /// Runs a search and returns the positions it selected.
    static func positions(_ searches: RequestSearches, _ id: String, _ pairs: [(String, String)]) async throws -> [Int64] {
        try await searches.run(id, filters: try filters(pairs), actor: officer, role: .requestOfficer, now: now).hits.map(\.position)
    }

    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: testLogger).decode(Int64.self) { return value }
        return 0
    }
}
