import Foundation
import LedgerStore
import PostgresNIO
import Synchronization
import TestSupport
import Testing
import Workers

/// Sending must not queue behind a backlog it does not depend on (issue 17): the workers'
/// projection runner, as `serve` and `work` run it, wakes the dispatcher for a new send request
/// while another projection replays a long backlog of the same ledger, and never works through
/// another ledger's backlog at all.
///
/// Each test prints the time from the send request's commit to the outbox's wake-up (what wakes
/// the dispatcher): docs/benchmarks.md, "Sending behind a backlog".
@Suite("Projection runner fairness", .serialized, .timeLimit(.minutes(10)))
struct ProjectionRunnerFairnessTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    static let otherLedger = "bench"
    /// Inbound messages nobody answers: work for the conversations, media, classification,
    /// analytics and inbox projections, none for the outbox.
    static let backlog = 30_000

    @Test("a send reaches the outbox while other projections replay a 30,000-entry backlog of the same ledger, in turns")
    func sameLedgerBacklog() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { client, store in
                try await Self.appendBacklog(Self.backlog, to: Self.ledger, store: store)
                let wakes = WakeLog()
                let runner = WorkerSet.projectionRunner(ledger: Self.ledger, store: store, logger: ScratchDatabase.logger) { wakes.record($0, $1) }
                let service = Task { try await runner.run() }
                defer { service.cancel() }
                // The runner is busy with the backlog when the citizen's answer is requested.
                try await eventually("the runner did not start on the backlog") {
                    try await Self.status(runner, "conversations", Self.ledger).lastPosition > 0
                }
                let (request, committed) = try await Self.requestSend(store: store)
                guard let woken = try await wakes.first("outbox", Self.ledger, within: .seconds(300)) else { return }
                let conversations = try await Self.status(runner, "conversations", Self.ledger)
                print("fairness: same ledger, \(Self.backlog)-entry backlog: outbox woken \(woken - committed) after the send's commit")
                #expect(
                    conversations.lastPosition < conversations.headPosition,
                    "the outbox waited for the conversations projection to replay the backlog (woken \(woken - committed) after the commit)")
                #expect(try await Self.outboxRows(client, at: request) == 1)
                // The long replay wakes its workers after each batch, not once at its end.
                if try await eventually("no wake-up from the conversations projection", { wakes.count("conversations", ledger: Self.ledger) > 0 }) {
                    let now = try await Self.status(runner, "conversations", Self.ledger)
                    #expect(now.lastPosition < now.headPosition, "the conversations projection woke its workers only at the end of its replay")
                }
                // The projections that share a lane take turns, a batch each: several are part-way at once.
                try await eventually("the projections replayed the backlog one after the other, not in turns") {
                    let partWay = try await runner.status().filter {
                        $0.ledger == Self.ledger && !["outbox", "media", "relay_queue", "conversations"].contains($0.projection) && $0.lastPosition > 0
                            && $0.lastPosition < $0.headPosition
                    }
                    return partWay.count >= 2
                }
                service.cancel()
                _ = await service.result
            }
        }
    }

    @Test("a send reaches the outbox at once beside another ledger's 30,000-entry backlog, which this runner leaves alone")
    func otherLedgerBacklog() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { client, store in
                try await Self.appendBacklog(Self.backlog, to: Self.otherLedger, store: store)
                let wakes = WakeLog()
                let runner = WorkerSet.projectionRunner(ledger: Self.ledger, store: store, logger: ScratchDatabase.logger) { wakes.record($0, $1) }
                let service = Task { try await runner.run() }
                defer { service.cancel() }
                try await eventually("the runner did not start listening") { runner.isListening }
                let (request, committed) = try await Self.requestSend(store: store)
                guard let woken = try await wakes.first("outbox", Self.ledger, within: .seconds(300)) else { return }
                print("fairness: other ledger, \(Self.backlog)-entry backlog: outbox woken \(woken - committed) after the send's commit")
                #expect(try await Self.outboxRows(client, at: request) == 1)
                let touched = try await Self.count(
                    client,
                    "SELECT count(*)::int8 FROM projection_state s JOIN ledgers l ON l.id = s.ledger_id WHERE l.name = \(Self.otherLedger) AND s.last_position > 0"
                )
                #expect(touched == 0, "the runner of ledger \(Self.ledger) projected \(touched) projections of ledger \(Self.otherLedger)")
                #expect(wakes.count(ledger: Self.otherLedger) == 0)
                service.cancel()
                _ = await service.result
            }
        }
    }

    // MARK: Support

    /// `count` inbound text messages of 3,000 citizens, appended 500 at a time.
    static func appendBacklog(_ count: Int, to ledger: String, store: LedgerStore) async throws {
        var next = 0
        while next < count {
            let batch = (next..<min(count, next + 500)).map { index in
                F.message("wamid.backlog.\(index)", from: FixtureCitizen(waID: "1650\(1_000_000 + index % 3000)"), at: Int64(index))
            }
            _ = try await store.append(batch, to: ledger)
            next += batch.count
        }
    }

    /// Records a citizen's answer (`message.send.requested`) on ``ledger``: its position and when it committed.
    static func requestSend(store: LedgerStore) async throws -> (position: Int64, committed: ContinuousClock.Instant) {
        let request = F.sent("wamid.answer", to: FixtureCitizen(waID: "16505550000"), at: Int64(backlog + 1), text: "The pool opens at 9.")[0]
        let receipt = try await store.append(request, to: ledger)
        return (receipt.position, .now)
    }

    static func status(_ runner: ProjectionRunner, _ projection: String, _ ledger: String) async throws -> ProjectionStatus {
        try #require(try await runner.status().first { $0.projection == projection && $0.ledger == ledger })
    }

    static func outboxRows(_ client: PostgresClient, at position: Int64) async throws -> Int64 {
        try await count(client, "SELECT count(*)::int8 FROM outbox WHERE request_position = \(position)")
    }

    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: ScratchDatabase.logger).decode(Int64.self) { return value }
        return 0
    }
}

/// The runner's `onApplied` calls, with when each came.
final class WakeLog: Sendable {
    private let calls = Mutex<[(projection: String, ledger: String, at: ContinuousClock.Instant)]>([])

    func record(_ projection: String, _ ledger: String) {
        let now = ContinuousClock.now
        calls.withLock { $0.append((projection, ledger, now)) }
    }

    /// How many calls named `projection` (nil: any) of `ledger` (nil: any).
    func count(_ projection: String? = nil, ledger: String? = nil) -> Int {
        calls.withLock { calls in
            calls.filter { (projection == nil || $0.projection == projection) && (ledger == nil || $0.ledger == ledger) }.count
        }
    }

    /// When `projection` of `ledger` was first woken, waiting up to `timeout`; nil (and a recorded
    /// issue) when it was not.
    func first(_ projection: String, _ ledger: String, within timeout: Duration) async throws -> ContinuousClock.Instant? {
        let found = { self.calls.withLock { $0.first { $0.projection == projection && $0.ledger == ledger }?.at } }
        guard try await eventually("\(projection) of \(ledger) was not woken", timeout: timeout, { found() != nil }) else { return nil }
        return found()
    }
}
