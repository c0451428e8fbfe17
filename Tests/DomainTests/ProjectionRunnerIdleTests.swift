import Foundation
import LedgerStore
import Logging
import PostgresNIO
import Synchronization
import TestSupport
import Testing

/// The service moves a projection with nothing to apply straight to the head (issue 17):
/// under load most projections see none of their event types in a wake-up's entries, and each
/// such step used to cost a transaction of its own.
@Suite("Projection runner: idle projections", .timeLimit(.minutes(5)))
struct ProjectionRunnerIdleTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"

    @Test("a projection that sees none of its event types reaches the head without a batch; one that does applies every entry")
    func idleProjectionsMoveWithoutBatches() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let messages = BatchCounter(name: "counts_messages", eventTypes: [F.message("x", from: FixtureCitizen(waID: "9"), at: 0).eventType])
                let nothing = BatchCounter(name: "counts_nothing", eventTypes: ["no.such.event"])
                try await Self.withCaughtUpRunner([messages, nothing], store: store) { runner in
                    // The start's two wake-ups (the first run and LISTEN established) may hand the lane a
                    // status read before the first batches stored any state: a projection without a
                    // stored version is stepped, not moved, so an append landing then gives the idle one
                    // an empty batch. Counting starts once the first append after the start is projected.
                    var batchesAtStart = nothing.batches
                    var head: Int64 = 1
                    for index in 2...6 {
                        head = try await store.append(F.message("wamid.\(index)", from: FixtureCitizen(waID: "\(index)"), at: Int64(index)), to: Self.ledger)
                            .position
                        try await eventually("the append at \(head) was not projected") {
                            try await runner.status().allSatisfy { $0.lastPosition == head }
                        }
                        if index == 2 { batchesAtStart = nothing.batches }
                    }
                    #expect(
                        nothing.batches == batchesAtStart, "the idle projection ran \(nothing.batches - batchesAtStart) batches for entries it does not read")
                    #expect(messages.applied == 6, "every message applied once by the projection that reads them")
                }
            }
        }
    }

    @Test("a projection being stepped elsewhere (its state row locked) does not hold back the idle ones of its lane")
    func lockedProjectionIsSkipped() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let held = BatchCounter(name: "counts_held", eventTypes: ["no.such.event"])
                let free = BatchCounter(name: "counts_free", eventTypes: ["no.such.event"])
                try await Self.withCaughtUpRunner([held, free], store: store) { runner in
                    let position: @Sendable (String) async throws -> Int64? = { name in
                        try await runner.status().first { $0.projection == name }?.lastPosition
                    }
                    // Another worker's catch-up of `counts_held`, as far as the lock goes: its row stays
                    // locked while an append wakes the runner.
                    let head = try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                        try await connection.perform(
                            "SELECT 1 FROM projection_state WHERE projection = 'counts_held' FOR UPDATE", logger: ScratchDatabase.logger)
                        let head = try await store.append(F.message("wamid.second", from: FixtureCitizen(waID: "2"), at: 2), to: Self.ledger).position
                        try await eventually("the idle projection waited for another one's lock", timeout: .seconds(20)) {
                            try await position("counts_free") == head
                        }
                        #expect(try await position("counts_held") == 1, "the locked projection is not moved under its holder")
                        return head
                    }
                    try await eventually("the projection was not caught up once its lock was released") {
                        try await position("counts_held") == head
                    }
                }
            }
        }
    }

    /// Appends a first message, runs `projections` as the service does (a poll once a day,
    /// batches 1 ms apart), and calls `body` once every projection has applied that message.
    static func withCaughtUpRunner(
        _ projections: [any Projection], store: LedgerStore, _ body: (ProjectionRunner) async throws -> Void
    ) async throws {
        _ = try await store.append(F.message("wamid.first", from: FixtureCitizen(waID: "1"), at: 1), to: ledger)
        let runner = ProjectionRunner(
            store: store, projections: projections, ledgers: [ledger], pollInterval: .seconds(24 * 3600), coalesceInterval: .milliseconds(1),
            logger: ScratchDatabase.logger)
        let service = Task { try await runner.run() }
        defer { service.cancel() }
        try await eventually("the runner did not catch up at start") {
            try await runner.status().allSatisfy { $0.lastPosition == 1 }
        }
        try await body(runner)
        service.cancel()
        _ = await service.result
    }

    @Test("an idle projection of an older stored version is not moved: it is reset and replayed")
    func outdatedVersionIsReplayed() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(F.message("wamid.first", from: FixtureCitizen(waID: "1"), at: 1), to: Self.ledger)
                let first = BatchCounter(name: "counts_nothing", eventTypes: ["no.such.event"])
                _ = try await ProjectionRunner(store: store, projections: [first], logger: ScratchDatabase.logger).catchUpAll()
                let newer = BatchCounter(name: "counts_nothing", eventTypes: ["no.such.event"], version: 2)
                let runner = ProjectionRunner(
                    store: store, projections: [newer], ledgers: [Self.ledger], pollInterval: .seconds(24 * 3600), logger: ScratchDatabase.logger)
                let service = Task { try await runner.run() }
                defer { service.cancel() }
                try await eventually("the newer version was not stored") {
                    try await scalar(client, "SELECT version FROM projection_state WHERE projection = 'counts_nothing'", as: Int32.self) == 2
                }
                #expect(newer.resets == 1, "the newer version replays from position 1 (reset once), not moved as idle")
                service.cancel()
                _ = await service.result
            }
        }
    }
}

/// A projection that only counts what it is given.
final class BatchCounter: Projection {
    let name: String
    let version: Int
    let eventTypes: Set<String>
    let payloadTypes: Set<String> = []
    private let counts = Mutex((batches: 0, applied: 0, resets: 0))

    init(name: String, eventTypes: Set<String>, version: Int = 1) {
        self.name = name
        self.eventTypes = eventTypes
        self.version = version
    }

    var batches: Int { counts.withLock { $0.batches } }
    var applied: Int { counts.withLock { $0.applied } }
    var resets: Int { counts.withLock { $0.resets } }

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        counts.withLock {
            $0.batches += 1
            $0.applied += records.count
        }
    }

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        counts.withLock { $0.resets += 1 }
    }
}
