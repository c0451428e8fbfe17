import Ledger
import Messaging
import Testing
import WhatsApp

/// The retry schedule and when it gives up: pure, no network, no database.
@Suite("Media retry policy")
struct MediaRetryPolicyTests {
    static let now = LedgerTimestamp(microseconds: 1_800_000_000_000_000)
    static let receivedAt = LedgerTimestamp(microseconds: 1_800_000_000_000_000 - 60_000_000)
    static let policy = MediaRetryPolicy()

    static func error(_ kind: GraphError.Kind, retryAfter: Duration? = nil) -> GraphError {
        GraphError(kind: kind, operation: "media fetch for 1", retryAfter: retryAfter)
    }

    static func seconds(after start: LedgerTimestamp, _ seconds: Int64) -> LedgerTimestamp {
        LedgerTimestamp(microseconds: start.microseconds + seconds * 1_000_000)
    }

    @Test("30 s, 2 min, 10 min, 30 min, 1 h, then hourly")
    func schedule() {
        let waits = (1...8).map { Self.policy.delay(afterAttempt: $0) }
        #expect(waits == [.seconds(30), .seconds(120), .seconds(600), .seconds(1800), .seconds(3600), .seconds(3600), .seconds(3600), .seconds(3600)])
    }

    @Test("a retryable failure is retried after the scheduled delay", arguments: [(1, 30 as Int64), (2, 120), (3, 600), (5, 3600), (40, 3600)])
    func retryTime(attempt: Int, seconds: Int64) {
        let decision = Self.policy.decide(after: Self.error(.serverError), attempt: attempt, receivedAt: Self.receivedAt, now: Self.now)
        #expect(decision == .retry(at: Self.seconds(after: Self.now, seconds)))
    }

    @Test("a server's Retry-After longer than the schedule wins")
    func retryAfter() {
        let decision = Self.policy.decide(after: Self.error(.rateLimited, retryAfter: .seconds(900)), attempt: 1, receivedAt: Self.receivedAt, now: Self.now)
        #expect(decision == .retry(at: Self.seconds(after: Self.now, 900)))
    }

    @Test(
        "non-retryable failures give up at once with their reason",
        arguments: [
            (GraphError.Kind.notFound, MediaUnavailableReason.notFound),
            (.expired, .expired),
            (.tooLarge, .tooLarge),
            (.rejected, .rejected),
            (.invalidMediaID, .invalidMediaID),
        ])
    func giveUp(kind: GraphError.Kind, reason: MediaUnavailableReason) {
        #expect(Self.policy.decide(after: Self.error(kind), attempt: 1, receivedAt: Self.receivedAt, now: Self.now) == .giveUp(reason))
    }

    @Test("a token problem is retried, not given up")
    func unauthorized() {
        #expect(
            Self.policy.decide(after: Self.error(.unauthorized), attempt: 9, receivedAt: Self.receivedAt, now: Self.now)
                == .retry(at: Self.seconds(after: Self.now, 3600)))
    }

    @Test("a hash mismatch is retried twice, then the media is unavailable")
    func hashMismatch() {
        let decisions = (1...3).map { Self.policy.decide(after: Self.error(.hashMismatch), attempt: $0, receivedAt: Self.receivedAt, now: Self.now) }
        #expect(
            decisions == [
                .retry(at: Self.seconds(after: Self.now, 30)), .retry(at: Self.seconds(after: Self.now, 120)), .giveUp(.hashMismatch),
            ])
    }

    @Test("a retry that would fall after the 7-day expiry is not scheduled: expired")
    func nearExpiry() {
        let receivedAt = Self.seconds(after: Self.now, -(7 * 86_400 - 20))
        #expect(Self.policy.decide(after: Self.error(.timeout), attempt: 1, receivedAt: receivedAt, now: Self.now) == .giveUp(.expired))
        #expect(!Self.policy.isExpired(receivedAt: receivedAt, now: Self.now))
        #expect(Self.policy.isExpired(receivedAt: receivedAt, now: Self.seconds(after: Self.now, 20)))
    }
}
