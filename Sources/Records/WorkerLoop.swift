import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The loop of a background worker (media fetcher, dispatcher, webhook relay, classifier): runs
/// rounds until graceful shutdown (or cancellation), and between rounds sleeps for the pause
/// the round asked for, or until ``wake()``. A round in progress finishes before the loop ends.
final class WorkerLoop: Sendable {
    private let signal = WakeSignal()
    private let stopping = NIOLockedValueBox(false)

    /// Starts the next round now instead of after the pause.
    func wake() {
        signal.signal()
    }

    /// - Parameters:
    ///   - pollInterval: the pause after a failed round.
    ///   - failure: the log message of a failed round (its error is logged with it).
    ///   - round: one round; returns the pause before the next (`.zero`: at once).
    func run(pollInterval: Duration, logger: Logger, failure: Logger.Message, round: () async throws -> Duration) async {
        await withGracefulShutdownHandler {
            while !stopping.withLockedValue({ $0 }), !Task.isCancelled {
                var pause = pollInterval
                do {
                    pause = try await round()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error(failure, metadata: ["error": "\(String(reflecting: error))"])
                }
                if pause > .zero { await signal.wait(upTo: pause) }
            }
        } onGracefulShutdown: {
            self.stopping.withLockedValue { $0 = true }
            self.signal.signal()
        }
    }
}
