import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

@testable import LedgerStore

/// A worker whose database call never answers neither stops for good nor holds the process at
/// shutdown.
@Suite("Worker loop", .timeLimit(.minutes(2)))
struct WorkerLoopTests {
    /// A service whose every round hangs, ignoring cancellation.
    final class HangingWorker: Service, Sendable {
        let loop: WorkerLoop
        let rounds = NIOLockedValueBox(0)

        init(loop: WorkerLoop) { self.loop = loop }

        func run() async throws {
            await loop.run(pollInterval: .milliseconds(10), logger: Logger(label: "test"), failure: "round failed") { [self] in
                rounds.withLockedValue { $0 += 1 }
                // A call that never answers and ignores cancellation (as a stuck database call).
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return .zero
            }
        }
    }

    @Test("a round that never ends is cancelled after the round limit, and the next round starts")
    func roundLimit() async throws {
        let worker = HangingWorker(loop: WorkerLoop(roundLimit: .milliseconds(300), shutdownGrace: .seconds(30)))
        let task = Task { try await worker.run() }
        // Every round hangs for good: a third round starts only if the first two were cancelled at
        // the limit. Polled rather than timed, so a busy machine only makes it slower.
        let deadline = ContinuousClock.now + .seconds(40)
        while worker.rounds.withLockedValue({ $0 }) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        task.cancel()
        _ = await task.result
        #expect(worker.rounds.withLockedValue { $0 } >= 3, "rounds: \(worker.rounds.withLockedValue { $0 })")
    }

    @Test("a graceful shutdown ends the loop within the grace period even while a round hangs")
    func shutdownGrace() async throws {
        let worker = HangingWorker(loop: WorkerLoop(roundLimit: .seconds(600), shutdownGrace: .milliseconds(500)))
        let group = ServiceGroup(configuration: .init(services: [worker], logger: Logger(label: "test")))
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))
            let began = clock.now
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            // The round would hang for 600 s; the grace (0.5 s) ends it. The bound leaves room for a
            // machine busy with other suites.
            #expect(clock.now - began < .seconds(30), "the loop ended \(clock.now - began) after the shutdown began")
        }
        #expect(worker.rounds.withLockedValue { $0 } == 1)
    }
}
