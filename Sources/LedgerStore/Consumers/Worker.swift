public import Logging
public import ServiceLifecycle

/// A background worker (media fetcher, dispatcher, webhook relay, classifier, automation, search
/// indexer, inbox router): a `Service` whose ``run()`` runs ``round()`` in its ``loop`` until
/// graceful shutdown (or cancellation), and whose ``wake()`` starts the next round at once.
///
/// A conforming type holds its ``settings`` and a `WorkerLoop` of its own, names the log message
/// of a failed round, and says what one round does; the loop does the rest (``WorkerLoop``: the
/// pause between rounds, the round limit, the shutdown grace, the logging of a failed round).
public protocol Worker: Service, Sendable {
    /// The ledger, batch size, poll interval and logger.
    var settings: WorkerSettings { get }
    /// The loop that runs the rounds; one per worker (it holds the wake-up and the stop).
    var loop: WorkerLoop { get }
    /// The log message of a failed round (its error is logged with it).
    static var roundFailure: Logger.Message { get }
    /// One round as the loop runs it: does the work that is due.
    /// - Returns: the pause before the next round (`.zero`: at once).
    func round() async throws -> Duration
}

/// What every worker is set with.
public struct WorkerSettings: Sendable {
    /// The ledger the worker works on.
    public let ledger: String
    /// The most a round takes on (what it counts is the worker's: media, requests, messages,
    /// ledger positions); at least 1.
    public let batchSize: Int
    /// The pause after a failed round, and after a round that found nothing more to do.
    public let pollInterval: Duration
    /// Where the worker logs (a failed round among the rest).
    public let logger: Logger

    /// - Parameter batchSize: raised to 1 when less.
    public init(ledger: String, batchSize: Int, pollInterval: Duration, logger: Logger) {
        self.ledger = ledger
        self.batchSize = max(1, batchSize)
        self.pollInterval = pollInterval
        self.logger = logger
    }
}

extension Worker {
    /// The ledger the worker works on.
    public var ledger: String { settings.ledger }
    /// The most a round takes on.
    public var batchSize: Int { settings.batchSize }
    /// The pause after a failed round, and after a round that found nothing more to do.
    public var pollInterval: Duration { settings.pollInterval }
    /// Where the worker logs.
    public var logger: Logger { settings.logger }

    /// Starts the next round now instead of after the pause.
    public func wake() {
        loop.wake()
    }

    /// Runs rounds until graceful shutdown (or cancellation); a round in progress finishes first,
    /// within the loop's shutdown grace.
    public func run() async throws {
        await loop.run(pollInterval: pollInterval, logger: logger, failure: Self.roundFailure) { [self] in
            try await round()
        }
    }
}
