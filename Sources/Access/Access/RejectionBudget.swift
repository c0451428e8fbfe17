import NIOConcurrencyHelpers

/// Bounds how many refusals of unauthenticated callers (forged webhook deliveries, sign-ins
/// with unknown names) become ledger entries, so that nobody can grow the ledger at will.
///
/// Within each window, at most ``perSource`` refusals per source and ``overall`` refusals in
/// all are admitted for recording; the others are counted, and the next admitted refusal
/// carries that count (`suppressed_before`), so the record still says how many there were.
/// Memory stays bounded: at most ``maxSources`` sources are tracked per window; refusals from
/// further sources count against the overall limit only.
public final class RejectionBudget: Sendable {
    /// What to do with one refusal.
    public struct Decision: Sendable, Equatable {
        /// Record it (an entry), or only count it.
        public var record: Bool
        /// Refusals not recorded since the previous recorded one (carried by this one when recorded).
        public var suppressedBefore: Int

        public init(record: Bool, suppressedBefore: Int) {
            self.record = record
            self.suppressedBefore = suppressedBefore
        }
    }

    public let perSource: Int
    public let overall: Int
    public let window: Duration
    public let maxSources: Int

    private struct State {
        var windowStart: ContinuousClock.Instant?
        var bySource: [String: Int] = [:]
        var total = 0
        var suppressed = 0
    }
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - perSource: refusals recorded per source (address, or user name) and window.
    ///   - overall: refusals recorded in all per window.
    public init(perSource: Int = 10, overall: Int = 100, window: Duration = .seconds(60), maxSources: Int = 10_000) {
        self.perSource = max(1, perSource)
        self.overall = max(1, overall)
        self.window = window
        self.maxSources = max(1, maxSources)
    }

    /// Decides one refusal from `source`.
    public func admit(source: String, now: ContinuousClock.Instant = .now) -> Decision {
        state.withLockedValue { state in
            if let start = state.windowStart, now - start < window {
                // Same window.
            } else {
                state.windowStart = now
                state.bySource = [:]
                state.total = 0
            }
            let tracked = state.bySource[source] != nil || state.bySource.count < maxSources
            let fromSource = state.bySource[source] ?? 0
            guard state.total < overall, !tracked || fromSource < perSource else {
                state.suppressed += 1
                return Decision(record: false, suppressedBefore: state.suppressed)
            }
            if tracked { state.bySource[source] = fromSource + 1 }
            state.total += 1
            defer { state.suppressed = 0 }
            return Decision(record: true, suppressedBefore: state.suppressed)
        }
    }
}
