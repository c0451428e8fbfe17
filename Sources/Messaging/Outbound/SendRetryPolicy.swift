public import Ledger
import WhatsApp

/// When the dispatcher tries a send again, and when it gives up (docs/whatsapp-ingest.md,
/// "Outbound messages").
///
/// Retryable: no answer (timeout, connection failure), HTTP 5xx or 429, and the Graph codes of
/// ``GraphSendAnswer/retryableCodes`` (rate limits 130429 and 131056 among them). The wait after
/// attempt *n* is exponential with "equal jitter": half of `min(maxDelay, baseDelay·2ⁿ⁻¹)` plus a
/// random part up to the other half, and never less than Meta's `Retry-After`. When no answer
/// came, Meta may have accepted the message: the wait is then at least ``uncertainWait``, so that
/// a status webhook carrying the request's callback data can arrive and prevent a duplicate.
public struct SendRetryPolicy: Sendable, Equatable {
    /// The most attempts; after the last one a retryable failure is final too.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The least wait after an attempt that got no answer.
    public var uncertainWait: Duration

    /// - Precondition: `maxAttempts` ≥ 1.
    public init(maxAttempts: Int = 8, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(300), uncertainWait: Duration = .seconds(60)) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.uncertainWait = uncertainWait
    }

    /// What happens after a failed attempt.
    public enum Decision: Sendable, Equatable {
        case retry(at: LedgerTimestamp)
        case giveUp
    }

    /// The decision after attempt number `attempt` (1-based) failed.
    /// - Parameters:
    ///   - retryable: whether the failure may pass (see the type's description).
    ///   - answered: false when no answer came (Meta may have accepted).
    ///   - retryAfter: Meta's `Retry-After`, if any.
    ///   - jitter: a number in 0...1 (random in production, fixed in tests).
    public func decide(
        attempt: Int, retryable: Bool, answered: Bool, retryAfter: Duration?, now: LedgerTimestamp, jitter: Double = .random(in: 0...1)
    ) -> Decision {
        guard retryable, attempt < maxAttempts else { return .giveUp }
        var wait = delay(afterAttempt: attempt, jitter: jitter)
        if let retryAfter { wait = max(wait, retryAfter) }
        if !answered { wait = max(wait, uncertainWait) }
        return .retry(at: now.adding(wait))
    }

    /// The jittered wait after attempt `attempt`, before `Retry-After` and ``uncertainWait``.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt, 1) - 1, 30)
        let full = min(maxDelay, baseDelay * (1 << exponent))
        let half = full / 2
        return half + half * min(max(jitter, 0), 1)
    }
}
