public import Ledger
public import LedgerStore
import Logging
import PostgresNIO

/// A send request the dispatcher claimed for one attempt.
public struct ClaimedSend: Sendable, Equatable {
    public var ledger: String
    public var requestID: String
    public var position: Int64
    public var stream: String
    public var phoneNumberID: String
    public var kind: String
    /// The number of this attempt (1 for the first).
    public var attempt: Int
    /// A wamid a status webhook named for this request (its callback data): Meta has it already.
    public var statusMessageID: String?
    public var statusPosition: Int64?
}

/// The dispatcher's view of the `outbox` projection: claims due requests for an attempt and
/// marks their outcome at once (the projection confirms it from the ledger moments later).
///
/// A claim is a reservation, not a lock held: `claimed_until_us` moves to `now + hold`, so no other
/// dispatcher (another process, or this one after a crash) starts the same request before the
/// attempt has had time to finish and be recorded.
public struct OutboxQueue: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Claims up to `limit` due requests: pending, past their next attempt time and any claim (or
    /// already proven sent by a status carrying their callback data, which is recorded without
    /// sending), and each the oldest pending request of its conversation (messages to one citizen go out
    /// in order; a later one never overtakes one that is waiting to be retried).
    /// - Parameter hold: how long the claim keeps others away (longer than one attempt takes).
    /// None while the ledger does not exist yet (nothing has been recorded).
    public func claim(ledger: String, now: LedgerTimestamp, hold: Duration, limit: Int) async throws -> [ClaimedSend] {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return []
        }
        let nowUs = now.microseconds
        let untilUs = now.adding(hold).microseconds
        // The due heads of the conversations first, in one scan of the pending rows. (A single
        // statement with `NOT EXISTS (an earlier pending request)` was planned on the statistics
        // of an empty outbox during a burst and scanned the outbox once per pending row: 453 ms
        // per claim with 5,000 pending; docs/benchmarks.md, issue 17's profile.)
        var due: [Int64] = []
        for try await position in try await store.client.query(
            """
            SELECT request_position FROM (
                SELECT DISTINCT ON (stream) request_position, next_attempt_at_us, claimed_until_us, status_message_id
                FROM outbox WHERE ledger_id = \(ref.id) AND state = 'pending'
                ORDER BY stream, request_position) h
            WHERE (COALESCE(h.next_attempt_at_us, 0) <= \(nowUs) AND COALESCE(h.claimed_until_us, 0) <= \(nowUs))
                -- A status already proved it reached Meta: record that now, whatever the claim
                -- (this never sends; a concurrent outcome of the same request is deduplicated).
                OR h.status_message_id IS NOT NULL
            ORDER BY request_position
            LIMIT \(max(0, limit))
            """, logger: store.logger
        ).decode(Int64.self) { due.append(position) }
        guard !due.isEmpty else { return [] }
        // Then the claim. PostgreSQL checks the conditions again on each row as it updates it
        // (waiting for a concurrent claim of the same row to commit), so a request another
        // dispatcher claimed or finished meanwhile is left out.
        let rows = try await store.client.query(
            """
            UPDATE outbox o SET claims = GREATEST(o.attempts, o.claims) + 1, claimed_until_us = \(untilUs)
            WHERE o.ledger_id = \(ref.id) AND o.request_position = ANY(\(due)::int8[]) AND o.state = 'pending'
              AND ((COALESCE(o.next_attempt_at_us, 0) <= \(nowUs) AND COALESCE(o.claimed_until_us, 0) <= \(nowUs))
                   OR o.status_message_id IS NOT NULL)
            RETURNING o.request_id, o.request_position, o.stream, o.phone_number_id, o.kind, o.claims, o.status_message_id, o.status_position
            """, logger: store.logger)
        var claimed: [ClaimedSend] = []
        for try await (requestID, position, stream, phone, kind, claims, statusID, statusPosition) in rows.decode(
            (String, Int64, String, String, String, Int32, String?, Int64?).self
        ) {
            claimed.append(
                ClaimedSend(
                    ledger: ledger, requestID: requestID, position: position, stream: stream, phoneNumberID: phone, kind: kind,
                    attempt: Int(claims), statusMessageID: statusID, statusPosition: statusPosition))
        }
        return claimed.sorted { $0.position < $1.position }
    }

    /// Marks a final outcome (accepted or failed) recorded at `outcomePosition`.
    public func markFinal(_ send: ClaimedSend, accepted: Bool, messageID: String?, outcomePosition: Int64) async throws {
        let ref = try await store.ledger(named: send.ledger, create: false)
        try await store.client.query(
            """
            UPDATE outbox SET state = \(accepted ? "accepted" : "failed"), message_id = COALESCE(\(messageID), message_id),
                outcome_position = \(outcomePosition), claimed_until_us = NULL
            WHERE ledger_id = \(ref.id) AND request_position = \(send.position) AND state = 'pending'
            """, logger: store.logger)
    }

    /// The `last_error` text of a failed attempt: `code <Graph code>` when Meta answered with
    /// one, the reason otherwise (`timeout`, `transport`, `refused`). The projection and the
    /// dispatcher write the same text, so a rebuild equals the live rows.
    public static func errorText(code: Int?, reason: String?) -> String? {
        code.map { "code \($0)" } ?? reason
    }

    /// Marks a failed attempt that will be tried again at `retryAt`.
    public func markRetry(_ send: ClaimedSend, retryAt: LedgerTimestamp, error: String) async throws {
        let ref = try await store.ledger(named: send.ledger, create: false)
        try await store.client.query(
            """
            UPDATE outbox SET attempts = GREATEST(attempts, \(send.attempt)), next_attempt_at_us = \(retryAt.microseconds),
                last_error = \(error), claimed_until_us = NULL
            WHERE ledger_id = \(ref.id) AND request_position = \(send.position) AND state = 'pending'
            """, logger: store.logger)
    }

    /// Lets a claimed request be claimed again at once (its attempt never reached Meta).
    public func release(_ send: ClaimedSend) async throws {
        let ref = try await store.ledger(named: send.ledger, create: false)
        try await store.client.query(
            """
            UPDATE outbox SET claims = GREATEST(claims - 1, attempts), claimed_until_us = NULL
            WHERE ledger_id = \(ref.id) AND request_position = \(send.position) AND state = 'pending'
            """, logger: store.logger)
    }
}
