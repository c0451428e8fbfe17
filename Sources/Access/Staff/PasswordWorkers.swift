import Dispatch
import NIOConcurrencyHelpers

/// Too many password checks are running or waiting: the sign-in was not attempted (nothing
/// was checked, nothing counts towards the lockout). Answered 429 with `Retry-After`.
public struct PasswordChecksBusy: Error, Equatable, CustomStringConvertible {
    /// When to try again.
    public var retryAfterSeconds: Int

    public var description: String { "too many sign-ins are being checked right now: try again in \(retryAfterSeconds) second(s)" }
}

/// Where bcrypt runs: a few dedicated serial dispatch queues (one per slot), never the threads
/// that serve HTTP. bcrypt at cost 12 takes a quarter of a second of CPU; run inline it would
/// hold an event loop or a thread of Swift's cooperative pool, and a burst of unauthenticated
/// sign-ins would stall every other request (`/healthz` included).
///
/// At most ``running`` checks run at once and at most ``waiting`` more wait for a slot; a check
/// beyond that is refused at once with ``PasswordChecksBusy``, so the queue (and how long an
/// answer can take) stays bounded whatever arrives.
final class PasswordWorkers: Sendable {
    /// Checks that run at once.
    let running: Int
    /// Checks that may wait for a slot before further ones are refused.
    let waiting: Int
    private let queues: [DispatchQueue]
    private let state: NIOLockedValueBox<State>

    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    init(running: Int, waiting: Int) {
        precondition(running >= 1 && waiting >= 0, "at least one password check must be able to run")
        self.running = running
        self.waiting = waiting
        self.queues = (0..<running).map { DispatchQueue(label: "recordkeeper.passwords.\($0)", qos: .userInitiated) }
        self.state = NIOLockedValueBox(State(free: Array((0..<running).reversed())))
    }

    /// Runs `work` on a slot's queue once one is free.
    /// - Parameter refusable: false for work that must not be refused (setting a password,
    ///   which only an authenticated admin or an operator can ask for): it waits however many
    ///   are waiting.
    /// - Throws: ``PasswordChecksBusy`` when ``running`` checks run and ``waiting`` wait.
    func run<T: Sendable>(refusable: Bool = true, _ work: @escaping @Sendable () -> T) async throws -> T {
        let slot = try await acquire(refusable: refusable)
        defer { release(slot) }
        return await withCheckedContinuation { continuation in
            queues[slot].async { continuation.resume(returning: work()) }
        }
    }

    private func acquire(refusable: Bool) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            enum Decision { case slot(Int), wait, busy }
            let decision: Decision = state.withLockedValue { state in
                if let slot = state.free.popLast() { return .slot(slot) }
                if !refusable || state.waiters.count < waiting {
                    state.waiters.append(continuation)
                    return .wait
                }
                return .busy
            }
            switch decision {
            case .slot(let slot): continuation.resume(returning: slot)
            case .wait: break
            case .busy: continuation.resume(throwing: PasswordChecksBusy(retryAfterSeconds: 1))
            }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    private func release(_ slot: Int) {
        let next: CheckedContinuation<Int, any Error>? = state.withLockedValue { state in
            if state.waiters.isEmpty {
                state.free.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume(returning: slot)
    }
}
