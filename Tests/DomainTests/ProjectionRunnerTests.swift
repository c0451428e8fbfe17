import Foundation
import LedgerStore
import Logging
import Messaging
import PostgresNIO
import TestSupport
import Testing

@Suite("Projection runner", .timeLimit(.minutes(5)))
struct ProjectionRunnerTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"

    /// A mixed ledger: several citizens, statuses out of order, a BSUID link, media outcomes.
    static func mixedEvents(round: Int) -> [NewEvent] {
        let base = Int64(round * 1000)
        let phone = FixtureCitizen(waID: "1650555\(round)")
        let bsuid = FixtureCitizen(userID: "US.\(round)")
        let both = FixtureCitizen(userID: "US.\(round)", waID: "1650555\(round)")
        return [
            F.message("wamid.\(round).1", from: phone, at: base + 1),
            F.image("wamid.\(round).2", from: phone, at: base + 2, mediaID: "media-\(round)"),
            F.message("wamid.\(round).3", from: bsuid, at: base + 3),
        ] + F.sent("wamid.\(round).4", to: bsuid, at: base + 4, text: "reply") + [
            F.status("read", of: "wamid.\(round).4", to: both, at: base + 6),
            F.status("delivered", of: "wamid.\(round).4", to: both, at: base + 5),
            F.mediaFetchFailed("media-\(round)", message: "wamid.\(round).2", stream: F.stream(phone), attempt: 1, retryAt: base + 60),
        ]
    }

    @Test("rebuild equals live: replaying from position 1 gives the same rows as applying batch by batch")
    func rebuildEqualsLive() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let runner = makeRunner(store, batchSize: 4)
                for round in 1...4 {
                    let receipts = try await store.append(Self.mixedEvents(round: round), to: Self.ledger)
                    if round % 2 == 0 {
                        let imagePosition = receipts[1].position
                        _ = try await store.append(
                            F.mediaOutcome(
                                "media-\(round)", message: "wamid.\(round).2", position: imagePosition,
                                stream: F.stream(FixtureCitizen(waID: "1650555\(round)")), stored: round == 2),
                            to: Self.ledger)
                    }
                    try await runner.catchUpAll()
                }
                let live = try await dumpProjections(client)
                #expect(live.count > 30)
                for projection in runner.projections {
                    _ = try await runner.rebuild(projection, ledger: Self.ledger)
                }
                let rebuilt = try await dumpProjections(client)
                #expect(rebuilt == live)
                // Four citizens, each linked into one conversation.
                #expect(try await ConversationQueries(store: store).conversations(ledger: Self.ledger).items.count == 4)
            }
        }
    }

    @Test("concurrent runners apply each entry exactly once (the state row lock)")
    func exactlyOnce() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let runners = (0..<3).map { _ in makeRunner(store, batchSize: 5) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for round in 1...6 { _ = try await store.append(Self.mixedEvents(round: round), to: Self.ledger) }
                    }
                    for runner in runners {
                        group.addTask {
                            for _ in 0..<10 { try await runner.catchUpAll() }
                        }
                    }
                    try await group.waitForAll()
                }
                for runner in runners { try await runner.catchUpAll() }
                let head = try await store.head(of: try await store.ledger(named: Self.ledger)).position
                let messages = try await scalar(client, "SELECT count(*)::int8 FROM conversation_messages", as: Int64.self)
                let counted = try await scalar(client, "SELECT sum(message_count)::int8 FROM conversations", as: Int64.self)
                #expect(messages == Int64(6 * 4))
                #expect(counted == Int64(6 * 4))
                #expect(try await scalar(client, "SELECT attempts FROM media WHERE media_id = 'media-3'", as: Int32.self) == 1)
                let positions = try await runners[0].status().map(\.lastPosition)
                #expect(positions.count >= 4 && positions.allSatisfy { $0 == head }, "every projection at the head: \(positions), head \(head)")
            }
        }
    }

    @Test("the service wakes on NOTIFY after an append and catches up without waiting for its poll")
    func notifyWakesRunner() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(F.message("wamid.first", from: FixtureCitizen(waID: "1"), at: 1), to: Self.ledger)
                // A poll interval far beyond the test's time limit: only a notification can wake it.
                let runner = makeRunner(store, pollInterval: .seconds(24 * 3600))
                let service = Task { try await runner.run() }
                defer { service.cancel() }
                try await eventually("the runner did not start listening and catch up") {
                    let state = try await runner.status()
                    return runner.isListening && state.allSatisfy { $0.lastPosition == 1 }
                }
                let receipt = try await store.append(F.message("wamid.second", from: FixtureCitizen(waID: "2"), at: 2), to: Self.ledger)
                try await eventually("the append was not projected: no wake-up") {
                    try await runner.status().allSatisfy { $0.lastPosition == receipt.position }
                }
                #expect(try await scalar(client, "SELECT count(*)::int8 FROM conversation_messages WHERE message_id = 'wamid.second'", as: Int64.self) == 1)
                service.cancel()
                _ = await service.result
            }
        }
    }

    @Test("a new projection version resets its rows and replays from position 1; an older build refuses a newer state")
    func versionChange() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(Self.mixedEvents(round: 1), to: Self.ledger)
                let v1 = ProjectionRunner(store: store, projections: [ConversationsProjection()], logger: ScratchDatabase.logger)
                try await v1.catchUpAll()
                let before = try await dumpProjections(client)
                // A stray row the replay must remove.
                try await client.perform(
                    """
                    INSERT INTO conversations (ledger_id, id, phone_number_id, first_position, last_position, last_activity_at_us)
                    SELECT id, 'stray', 'x', 1, 1, 0 FROM ledgers WHERE name = \(Self.ledger)
                    """, logger: ScratchDatabase.logger)
                let next = ConversationsProjection().version + 1
                let v2 = ProjectionRunner(store: store, projections: [Versioned(version: next)], logger: ScratchDatabase.logger)
                #expect(try await v2.status().first?.needsRebuild == true)
                try await v2.catchUpAll()
                #expect(try await dumpProjections(client) == before)
                #expect(try await v2.status().first?.storedVersion == next)

                await #expect(throws: ProjectionError.self) { try await v1.catchUp(ConversationsProjection(), ledger: Self.ledger) }
            }
        }
    }

    @Test("an unknown projection name is refused with the known names")
    func unknownName() throws {
        #expect(throws: ProjectionError.self) {
            try ProjectionRunner.projection(named: "inbox", in: [ConversationsProjection(), MediaProjection()])
        }
        let error = ProjectionError.unknownProjection("inbox", known: ["conversations", "media"])
        #expect(error.description.contains("conversations, media"))
    }
}

/// The conversations projection under another version number.
struct Versioned: Projection {
    let inner = ConversationsProjection()
    var version: Int
    var name: String { inner.name }
    var eventTypes: Set<String> { inner.eventTypes }
    var payloadTypes: Set<String> { inner.payloadTypes }

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await inner.apply(records, ledger: ledger, on: connection, logger: logger)
    }

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await inner.reset(ledger: ledger, on: connection, logger: logger)
    }
}
