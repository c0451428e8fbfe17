public import Ledger
import LedgerStore
public import Logging
public import WhatsApp

/// Archives one media: fetches it from the Graph API, checks Meta's SHA-256, compresses it when
/// that helps, and returns the outcome as the event to append (`whatsapp.media.stored`,
/// `whatsapp.media.fetch_failed` or `whatsapp.media.unavailable`, actor
/// `system:media-fetcher`). It appends nothing itself: ``MediaFetchService`` does.
public struct MediaArchiver: Sendable {
    /// Meta's largest media (documents): 100 MB.
    public static let defaultMaxDownloadBytes = 100 * 1024 * 1024
    /// The ledger's default payload limit (`AppendLimits.maxPayloadBytes`).
    public static let defaultMaxPayloadBytes = AppendLimits().maxPayloadBytes

    let client: GraphMediaClient
    /// When to retry and when to give up.
    public let policy: MediaRetryPolicy
    /// The largest media downloaded.
    public let maxDownloadBytes: Int
    /// The largest `stored` payload (the ledger's payload limit); a larger one is `too_large`.
    public let maxPayloadBytes: Int
    /// The zstd level for compressible media.
    public let compressionLevel: Int
    let logger: Logger

    /// - Parameters:
    ///   - client: the Graph API client (its token and timeouts apply).
    ///   - policy: the retry schedule.
    ///   - maxDownloadBytes: the largest media fetched.
    ///   - maxPayloadBytes: the ledger's payload limit (`AppendLimits.maxPayloadBytes`).
    ///   - compressionLevel: the zstd level.
    public init(
        client: GraphMediaClient, policy: MediaRetryPolicy = MediaRetryPolicy(),
        maxDownloadBytes: Int = MediaArchiver.defaultMaxDownloadBytes, maxPayloadBytes: Int = MediaArchiver.defaultMaxPayloadBytes,
        compressionLevel: Int = MediaStoredPayload.defaultCompressionLevel, logger: Logger = Logger(label: "records.media")
    ) {
        self.client = client
        self.policy = policy
        self.maxDownloadBytes = maxDownloadBytes
        self.maxPayloadBytes = maxPayloadBytes
        self.compressionLevel = compressionLevel
        self.logger = logger
    }

    /// Makes one attempt at `media` and returns its outcome.
    ///
    /// An expired media id is `unavailable` without asking Meta. A failure becomes
    /// `fetch_failed` with the next attempt's time, or `unavailable` when the policy gives up.
    /// - Parameter now: the time of the attempt (the events' `occurred_at`).
    /// - Throws: only `CancellationError` (the attempt was interrupted and counts for nothing),
    ///   or an error building the event JSON (not expected).
    public func archive(_ media: PendingMedia, now: LedgerTimestamp = .now()) async throws -> MediaOutcome {
        if policy.isExpired(receivedAt: media.receivedAt, now: now) {
            return try unavailable(media, .expired, attempts: media.attempts, now: now)
        }
        let attempt = media.attempts + 1
        let fetched: FetchedMedia
        do {
            fetched = try await client.fetch(
                mediaID: media.mediaID, webhookURL: media.webhookURL, metaSHA256: media.metaSHA256, maxBytes: maxDownloadBytes
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let graphError = error as? GraphError ?? GraphError(kind: .transport, operation: "media fetch for \(media.mediaID)", detail: "\(error)")
            return try failed(media, attempt: attempt, error: graphError, now: now)
        }

        let payload = MediaStoredPayload(
            mediaID: media.mediaID, messageID: media.messageID, mimeType: media.mimeType ?? fetched.mimeType,
            metaSHA256: fetched.metaSHA256, original: fetched.bytes, compressionLevel: compressionLevel
        )
        let bytes = try payload.encoded()
        guard bytes.count <= maxPayloadBytes else {
            logger.warning("media larger than the ledger's payload limit", metadata: ["media_id": "\(media.mediaID)", "bytes": "\(bytes.count)"])
            return try unavailable(media, .tooLarge, attempts: attempt, now: now)
        }
        let metadata = payload.metadata
        let event = try MediaEvents.stored(media, payload: bytes, size: metadata.size, at: now)
        return MediaOutcome(
            media: media, result: .stored(size: metadata.size, storedSize: metadata.storedSize, compression: metadata.compression), event: event)
    }

    private func failed(_ media: PendingMedia, attempt: Int, error: GraphError, now: LedgerTimestamp) throws -> MediaOutcome {
        switch policy.decide(after: error, attempt: attempt, receivedAt: media.receivedAt, now: now) {
        case let .giveUp(reason):
            logger.notice("media unavailable", metadata: ["media_id": "\(media.mediaID)", "reason": "\(reason.rawValue)", "error": "\(error)"])
            return try unavailable(media, reason, attempts: attempt, now: now)
        case let .retry(at: retryAt):
            logger.info("media fetch failed", metadata: ["media_id": "\(media.mediaID)", "attempt": "\(attempt)", "error": "\(error)"])
            let event = try MediaEvents.fetchFailed(
                media, attempt: attempt, reason: error.kind.rawValue, error: error.description, retryAt: retryAt, at: now
            )
            return MediaOutcome(media: media, result: .fetchFailed(attempt: attempt, reason: error.kind.rawValue, retryAt: retryAt), event: event)
        }
    }

    private func unavailable(_ media: PendingMedia, _ reason: MediaUnavailableReason, attempts: Int, now: LedgerTimestamp) throws -> MediaOutcome {
        let event = try MediaEvents.unavailable(media, reason: reason, attempts: attempts, at: now)
        return MediaOutcome(media: media, result: .unavailable(reason, attempts: attempts), event: event)
    }
}
