public import Ledger
public import LedgerStore
public import Logging

/// The media fetcher: a `Service` that archives pending media until graceful shutdown.
///
/// Each round asks the ``PendingMediaSource`` for due media, archives up to
/// ``concurrency`` of them at a time with the ``MediaArchiver`` and appends each outcome with
/// `LedgerStore.append` as soon as it is known; then it sleeps for ``pollInterval`` or until
/// ``wake()`` (call it after appending a media message). Nothing lives only in memory: the
/// queue is the ledger, so a restart resumes where it stopped.
///
/// At graceful shutdown a round in progress finishes its fetches (each bounded by the Graph
/// timeouts) and appends their outcomes first. Run it in the same `ServiceGroup` as the
/// `LedgerStore`, after it (services shut down in reverse order, so the fetcher stops before the
/// store drains).
public final class MediaFetchService: Worker {
    let source: any PendingMediaSource
    let archiver: MediaArchiver
    let store: LedgerStore
    /// The most media fetched at once.
    public let concurrency: Int
    /// The settings; `batchSize`: the most media asked for per round.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "media fetch round failed"

    /// - Parameters:
    ///   - ledger: the ledger whose media are fetched (and where outcomes go).
    ///   - source: where pending media come from.
    ///   - archiver: fetches and builds the outcome events.
    ///   - store: appends the outcomes.
    ///   - concurrency: the most fetches at once (at least 1).
    ///   - batchSize: the most media per round (at least 1).
    ///   - pollInterval: the sleep between rounds.
    public init(
        ledger: String, source: any PendingMediaSource, archiver: MediaArchiver, store: LedgerStore,
        concurrency: Int = 4, batchSize: Int = 32, pollInterval: Duration = .seconds(10), logger: Logger = Logger(label: "records.media-fetcher")
    ) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.source = source
        self.archiver = archiver
        self.store = store
        self.concurrency = max(1, concurrency)
    }

    /// One round as the loop runs it: a full round suggests more is due, so it looks again soon
    /// (not at once, so the projection can catch up with the outcomes just appended).
    public func round() async throws -> Duration {
        try await runRound().count == batchSize ? min(pollInterval, .seconds(1)) : pollInterval
    }

    /// One round: asks for due media and archives them, appending each outcome.
    /// - Returns: the outcomes appended (an outcome whose append failed is logged and left out:
    ///   the media stays pending and is tried again).
    /// - Throws: when the source fails.
    @discardableResult
    public func runRound(now: @escaping @Sendable () -> LedgerTimestamp = { .now() }) async throws -> [MediaOutcome] {
        let due = try await source.due(ledger: ledger, now: now(), limit: batchSize)
        guard !due.isEmpty else { return [] }
        return await due.concurrentCompactMap(atMost: concurrency) { media in
            await self.archiveAndAppend(media, now: now())
        }
    }

    private func archiveAndAppend(_ media: PendingMedia, now: LedgerTimestamp) async -> MediaOutcome? {
        do {
            let outcome = try await archiver.archive(media, now: now)
            _ = try await store.append(outcome.event, to: media.ledger)
            return outcome
        } catch is CancellationError {
            return nil
        } catch {
            logger.error(
                "could not record a media outcome; the media stays pending",
                metadata: ["media_id": "\(media.mediaID)", "error": "\(describeError(error))"]
            )
            return nil
        }
    }
}
