public import Ledger

/// When to try a failed relay again, and when to give up.
///
/// The wait after attempt n is ``initialDelay`` × 2^(n-1), at most ``maximumDelay``, stretched
/// or shrunk by up to ``jitter`` (a fraction) so that many queued deliveries do not retry in
/// step; a longer `Retry-After` from the downstream is honoured (up to ``maximumDelay``). A
/// retry that would fall ``horizon`` (7 days, Meta's own retry horizon) or more after the
/// delivery was received is not scheduled: the relay gives up.
public struct RelayRetryPolicy: Sendable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// 0 ≤ jitter < 1: the wait is multiplied by a factor in [1 - jitter, 1 + jitter].
    public var jitter: Double
    public var horizon: Duration
    /// A number in [0, 1) per call (the jitter's randomness; fixed in tests).
    let random: @Sendable () -> Double

    public init(
        initialDelay: Duration = .seconds(10), maximumDelay: Duration = .seconds(3600), jitter: Double = 0.2,
        horizon: Duration = .seconds(7 * 24 * 3600), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = min(max(jitter, 0), 0.99)
        self.horizon = horizon
        self.random = random
    }

    /// The wait after failed attempt number `attempt` (1-based), before jitter.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, min(attempt, 64)) {
            delay *= 2
            if delay >= maximumDelay { return maximumDelay }
        }
        return min(delay, maximumDelay)
    }

    /// Whether a delivery received at `queuedAt` is past the horizon at `now`.
    public func isExpired(queuedAt: LedgerTimestamp, now: LedgerTimestamp) -> Bool {
        now >= queuedAt.adding(horizon)
    }

    /// The next attempt's time after failed attempt `attempt` at `now`, or nil to give up.
    public func retryTime(afterAttempt attempt: Int, retryAfter: Duration?, queuedAt: LedgerTimestamp, now: LedgerTimestamp) -> LedgerTimestamp? {
        let factor = 1 - jitter + 2 * jitter * random()
        let milliseconds = (delay(afterAttempt: attempt) / .milliseconds(1) * factor).rounded()
        var wait = Duration.milliseconds(Int64(milliseconds))
        if let retryAfter { wait = max(wait, min(retryAfter, maximumDelay)) }
        let next = now.adding(wait)
        return next < queuedAt.adding(horizon) ? next : nil
    }
}
