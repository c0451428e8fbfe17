import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import TestSupport
import Testing

@testable import LedgerStore

/// A worker whose database call never answers neither stops for good nor holds the process at
/// shutdown.
@Suite("Worker loop", .timeLimit(.minutes(2)))
struct WorkerLoopTests {
    /// A worker whose every round hangs, ignoring cancellation.
    final class HangingWorker: Worker {
        let loop: WorkerLoop
        let settings = WorkerSettings(ledger: "test", batchSize: 1, pollInterval: .milliseconds(10), logger: Logger(label: "test"))
        static let roundFailure: Logger.Message = "round failed"
        let rounds = NIOLockedValueBox(0)

        init(loop: WorkerLoop) { self.loop = loop }

        func round() async throws -> Duration {
            rounds.withLockedValue { $0 += 1 }
            // A call that never answers and ignores cancellation (as a stuck database call).
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            return .zero
        }
    }

    /// A worker that counts its rounds and asks for a long pause after each (the first one
    /// failing), so that only ``Worker/wake()`` starts another soon.
    final class CountingWorker: Worker {
        let loop = WorkerLoop()
        let settings = WorkerSettings(ledger: "test", batchSize: 1, pollInterval: .seconds(600), logger: Logger(label: "test"))
        static let roundFailure: Logger.Message = "round failed"
        let rounds = NIOLockedValueBox(0)

        struct Failure: Error {}

        func round() async throws -> Duration {
            let round = rounds.withLockedValue {
                $0 += 1
                return $0
            }
            if round == 1 { throw Failure() }
            return .seconds(600)
        }

        var count: Int { rounds.withLockedValue { $0 } }
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

    @Test("a worker runs a round at start, sleeps its pause, starts the next on wake() (after a failed round too) and stops at shutdown")
    func workerWakeAndShutdown() async throws {
        let worker = CountingWorker()
        let group = ServiceGroup(configuration: .init(services: [worker], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await eventually("the first round", { worker.count == 1 })
            // The first round failed: the pause is the poll interval (600 s), so only a wake-up
            // starts the second.
            try await Task.sleep(for: .milliseconds(300))
            #expect(worker.count == 1)
            worker.wake()
            try await eventually("a round after wake()", { worker.count == 2 })
            // The second asked for 600 s: again only a wake-up starts the third.
            try await Task.sleep(for: .milliseconds(300))
            #expect(worker.count == 2)
            worker.wake()
            try await eventually("a round after the second wake()", { worker.count == 3 })
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(worker.count == 3)
    }

    @Test("concurrentCompactMap runs every element, never more than the limit at once, and leaves out nil")
    func boundedConcurrency() async throws {
        let state = NIOLockedValueBox((running: 0, most: 0))
        let results = await Array(1...20).concurrentCompactMap(atMost: 3) { (n: Int) -> Int? in
            state.withLockedValue {
                $0.running += 1
                $0.most = max($0.most, $0.running)
            }
            try? await Task.sleep(for: .milliseconds(50))
            state.withLockedValue { $0.running -= 1 }
            return n.isMultiple(of: 2) ? nil : n * 10
        }
        #expect(results.sorted() == Array(stride(from: 10, through: 190, by: 20)))
        #expect((2...3).contains(state.withLockedValue { $0.most }), "at most \(state.withLockedValue { $0.most }) ran at once")
        #expect(state.withLockedValue { $0.running } == 0)
    }
}
