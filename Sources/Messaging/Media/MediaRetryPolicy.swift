public import Ledger
public import WhatsApp

/// When to try a failed media fetch again, and when to give up. Pure and deterministic: the
/// same failure, attempt number and times always give the same decision.
///
/// The default schedule waits 30 s, 2 min, 10 min, 30 min, 1 h after attempts 1 to 5, then
/// hourly. Media ids expire ``mediaLifetime`` (7 days) after the message: a retry that would
/// fall after that is not scheduled, the media is `expired`.
public struct MediaRetryPolicy: Sendable, Equatable {
    /// The wait after attempt 1, 2, …; the last one repeats.
    public var delays: [Duration]
    /// How long Meta serves a webhook media id after the message.
    public var mediaLifetime: Duration
    /// A hash mismatch on this attempt number or later gives up with `hash_mismatch`.
    public var hashMismatchAttempts: Int

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Record `fetch_failed` and try again at this time.
        case retry(at: LedgerTimestamp)
        /// Record `unavailable` with this reason: no further attempt.
        case giveUp(MediaUnavailableReason)
    }

    /// - Precondition: `delays` is not empty and `hashMismatchAttempts` is at least 1.
    public init(
        delays: [Duration] = [.seconds(30), .seconds(120), .seconds(600), .seconds(1800), .seconds(3600)],
        mediaLifetime: Duration = .seconds(7 * 24 * 3600),
        hashMismatchAttempts: Int = 3
    ) {
        precondition(!delays.isEmpty, "the retry schedule needs at least one delay")
        precondition(hashMismatchAttempts >= 1, "hashMismatchAttempts must be at least 1")
        self.delays = delays
        self.mediaLifetime = mediaLifetime
        self.hashMismatchAttempts = hashMismatchAttempts
    }

    /// The wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        delays[min(max(attempt, 1), delays.count) - 1]
    }

    /// When the media id of a message received at `receivedAt` expires.
    public func expiry(receivedAt: LedgerTimestamp) -> LedgerTimestamp {
        receivedAt.adding(mediaLifetime)
    }

    /// Whether the media id has expired at `now` (no point in asking Meta).
    public func isExpired(receivedAt: LedgerTimestamp, now: LedgerTimestamp) -> Bool {
        now >= expiry(receivedAt: receivedAt)
    }

    /// The decision after attempt number `attempt` failed with `error` at `now`.
    ///
    /// A non-retryable error gives up at once (not found, expired, too large, …); a hash
    /// mismatch gives up from attempt ``hashMismatchAttempts`` on; otherwise the next attempt
    /// comes after the scheduled delay (or the server's `Retry-After`, if longer), unless that
    /// falls on or after the media's expiry.
    public func decide(after error: GraphError, attempt: Int, receivedAt: LedgerTimestamp, now: LedgerTimestamp) -> Decision {
        guard error.isRetryable else { return .giveUp(Self.reason(for: error.kind)) }
        if error.kind == .hashMismatch, attempt >= hashMismatchAttempts { return .giveUp(.hashMismatch) }
        let wait = max(delay(afterAttempt: attempt), error.retryAfter ?? .zero)
        let next = now.adding(wait)
        guard next < expiry(receivedAt: receivedAt) else { return .giveUp(.expired) }
        return .retry(at: next)
    }

    /// The unavailable reason for a non-retryable Graph error.
    static func reason(for kind: GraphError.Kind) -> MediaUnavailableReason {
        switch kind {
        case .notFound: .notFound
        case .tooLarge: .tooLarge
        case .invalidMediaID: .invalidMediaID
        case .hashMismatch: .hashMismatch
        case .expired: .expired
        case .urlNotAllowed: .mediaURLNotAllowed
        default: .rejected
        }
    }
}
