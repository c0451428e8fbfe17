public import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The loop of a background worker (media fetcher, dispatcher, webhook relay, classifier,
/// automation, search indexer, inbox router): runs rounds until graceful shutdown (or
/// cancellation), and between rounds sleeps for the pause the round asked for, or until
/// ``wake()``.
///
/// A round in progress may finish after a graceful shutdown began, within ``shutdownGrace``;
/// a round still running then, or running longer than ``roundLimit`` at any time, is cancelled
/// (a database call that never answers must neither stop the worker for good nor hold the
/// process at shutdown).
public final class WorkerLoop: Sendable {
    private let signal = WakeSignal()
    private let stopping = NIOLockedValueBox(false)
    /// The longest a round may run.
    let roundLimit: Duration
    /// How long a round in progress may go on after a graceful shutdown began.
    let shutdownGrace: Duration

    public init(roundLimit: Duration = .seconds(300), shutdownGrace: Duration = .seconds(10)) {
        self.roundLimit = roundLimit
        self.shutdownGrace = shutdownGrace
    }

    /// Starts the next round now instead of after the pause.
    public func wake() {
        signal.signal()
    }

    /// A round that ran out of time and was cancelled.
    struct RoundCancelled: Error, CustomStringConvertible {
        var reason: String
        var description: String { "round cancelled: \(reason)" }
    }

    /// - Parameters:
    ///   - pollInterval: the pause after a failed round.
    ///   - failure: the log message of a failed round (its error is logged with it).
    ///   - round: one round; returns the pause before the next (`.zero`: at once).
    public func run(pollInterval: Duration, logger: Logger, failure: Logger.Message, round: @escaping @Sendable () async throws -> Duration) async {
        await withGracefulShutdownHandler {
            while !isStopping, !Task.isCancelled {
                var pause = pollInterval
                do {
                    pause = try await limited(round)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error(failure, metadata: ["error": "\(describeError(error))"])
                }
                if pause > .zero, !isStopping { await signal.wait(upTo: pause) }
            }
        } onGracefulShutdown: {
            self.stopping.withLockedValue { $0 = true }
            self.signal.signal()
        }
    }

    private var isStopping: Bool { stopping.withLockedValue { $0 } }

    /// Runs `round`, cancelling it after ``roundLimit``, or ``shutdownGrace`` after a graceful
    /// shutdown began. A cancelled round that does not end (a call that ignores cancellation) is
    /// left behind rather than waited for.
    private func limited(_ round: @escaping @Sendable () async throws -> Duration) async throws -> Duration {
        // The first outcome wins: the round's, the timer's, or the caller's cancellation (which
        // may come before the continuation exists).
        let state = NIOLockedValueBox<(continuation: CheckedContinuation<Duration, any Error>?, result: Result<Duration, any Error>?)>((nil, nil))
        let finish: @Sendable (Result<Duration, any Error>) -> Void = { result in
            let waiting = state.withLockedValue { state -> CheckedContinuation<Duration, any Error>? in
                guard state.result == nil else { return nil }
                state.result = result
                defer { state.continuation = nil }
                return state.continuation
            }
            waiting?.resume(with: result)
        }
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        defer {
            work?.cancel()
            timer?.cancel()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let early = state.withLockedValue { state -> Result<Duration, any Error>? in
                    if state.result == nil { state.continuation = continuation }
                    return state.result
                }
                if let early { return continuation.resume(with: early) }
                work = Task {
                    do { finish(.success(try await round())) } catch { finish(.failure(error)) }
                }
                timer = Task {
                    let clock = ContinuousClock()
                    let started = clock.now
                    var stopSeen: ContinuousClock.Instant?
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(100))
                        if stopSeen == nil, self.isStopping { stopSeen = clock.now }
                        if let stopSeen, clock.now - stopSeen >= self.shutdownGrace {
                            return finish(.failure(RoundCancelled(reason: "still running \(self.shutdownGrace) after shutdown began")))
                        }
                        if clock.now - started >= self.roundLimit {
                            return finish(.failure(RoundCancelled(reason: "ran longer than \(self.roundLimit)")))
                        }
                    }
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }
}
