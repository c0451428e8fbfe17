import Foundation
import LedgerStore
import TestSupport
import Testing

/// The projection runner's graceful shutdown never waits on the database: a statement the
/// server stops answering (seen when PostgreSQL shut down under `serve`: a PostgresNIO query on
/// the terminated connection never completed, and `serve` did not exit on SIGTERM) is given up
/// when the runner is cancelled.
@Suite("Projection runner: shutdown while the database does not answer", .timeLimit(.minutes(3)))
struct ProjectionRunnerShutdownTests {
    typealias F = WhatsAppFixtures

    @Test("cancelled while its wake-up read waits for an answer that never comes, the runner stops within seconds")
    func stopsWhileAStatementHangs() async throws {
        try await withMigratedDatabase { db in
            try await StatementCountingProxy.with(to: db.service) { relay in
                try await ScratchDatabase.withClient(relay.url(for: db.service)) { client in
                    try await LedgerStore.withStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger) { store in
                        _ = try await store.append(F.message("wamid.first", from: FixtureCitizen(waID: "1"), at: 1), to: "main")
                        let counter = BatchCounter(name: "counts_messages", eventTypes: [F.message("x", from: FixtureCitizen(waID: "9"), at: 0).eventType])
                        let runner = ProjectionRunner(
                            store: store, projections: [counter], ledgers: ["main"], pollInterval: .milliseconds(50),
                            coalesceInterval: .milliseconds(1), logger: ScratchDatabase.logger)
                        let service = Task { try await runner.run() }
                        defer { service.cancel() }
                        try await eventually("the runner did not catch up at start") { counter.applied == 1 }

                        relay.withholdReplies()
                        let sentBefore = relay.statements.count
                        // The next poll's read of where the projections stand goes out and is never answered
                        // (or the read already under way when the replies stopped gets no answer either).
                        try await eventually("the runner sent no statement after the replies stopped") {
                            relay.statements.count > sentBefore || relay.droppedReplies > 0
                        }
                        try await Task.sleep(for: .milliseconds(200))

                        let started = ContinuousClock.now
                        service.cancel()
                        // withDeadline does not wait for a task that goes on running.
                        let stopped = (try? await withDeadline(.seconds(15)) { _ = await service.result }) != nil
                        #expect(stopped, "the runner was still waiting on the database 15 s after it was cancelled")
                        if stopped { #expect(ContinuousClock.now - started < .seconds(5)) }
                        relay.stop()  // lets a runner that did not stop, and the client, finish
                    }
                }
            }
        }
    }
}
