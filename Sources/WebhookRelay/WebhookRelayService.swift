public import Ledger
public import LedgerStore
public import Logging
import PostgresNIO
public import WhatsApp

/// The webhook relay: a `Service` that POSTs queued deliveries downstream until graceful
/// shutdown, recording each attempt as a `whatsapp.webhook.relayed` event.
///
/// Each round asks the ``PendingRelayQueue`` for due deliveries, reads each one's exact bytes
/// from the ledger (the `relay_queued` payload), POSTs them re-signed with the relay's secret
/// (``WebhookRelayClient``) and appends the outcome: `delivered` on 2xx, `failed` with the next
/// attempt's time otherwise, `gave_up` past the ``RelayRetryPolicy`` horizon or when the relay
/// was removed. Then it sleeps for ``pollInterval`` or until ``wake()``. The queue is the
/// ledger, so a restart resumes where it stopped; it never touches the webhook's answer. At
/// graceful shutdown a round in progress finishes its attempts (each bounded by the client's
/// timeout) and records their outcomes first.
public final class WebhookRelayService: Worker {
    let queue: PendingRelayQueue
    let directory: WebhookRelayDirectory
    let client: WebhookRelayClient
    let store: LedgerStore
    public let policy: RelayRetryPolicy
    /// The most deliveries relayed at once.
    public let concurrency: Int
    /// The settings; `batchSize`: the most deliveries asked for per round.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "webhook relay round failed"

    public init(
        ledger: String, store: LedgerStore, directory: WebhookRelayDirectory, client: WebhookRelayClient = WebhookRelayClient(),
        policy: RelayRetryPolicy = RelayRetryPolicy(), concurrency: Int = 4, batchSize: Int = 32, pollInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "records.webhook-relay")
    ) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.queue = PendingRelayQueue(store: store)
        self.directory = directory
        self.client = client
        self.store = store
        self.policy = policy
        self.concurrency = max(1, concurrency)
    }

    /// One round as the loop runs it: after a full round it looks again soon.
    public func round() async throws -> Duration {
        try await runRound().count == batchSize ? min(pollInterval, .seconds(1)) : pollInterval
    }

    /// One round: relays the due deliveries, appending each outcome.
    /// - Returns: the outcomes appended (one whose append failed is logged and left out: the
    ///   delivery stays pending and is tried again).
    @discardableResult
    public func runRound(now: @escaping @Sendable () -> LedgerTimestamp = { .now() }) async throws -> [RelayOutcome] {
        let due = try await queue.due(ledger: ledger, now: now(), limit: batchSize, excluding: directory.disabledNames)
        guard !due.isEmpty else { return [] }
        return await due.concurrentCompactMap(atMost: concurrency) { pending in
            await self.relayAndRecord(pending, now: now)
        }
    }

    private func relayAndRecord(_ pending: PendingRelay, now: @Sendable () -> LedgerTimestamp) async -> RelayOutcome? {
        do {
            // The projection may not have applied this process's (or another's) last outcome yet.
            if try await alreadyRecorded(pending) { return nil }
            let outcome = try await attempt(pending, now: now)
            _ = try await store.append(try RelayEvents.relayed(pending, outcome: outcome, at: now()), to: pending.ledger)
            let level: Logger.Level = outcome.kind == .delivered ? .info : .warning
            logger.log(
                level: level, "webhook relay attempt",
                metadata: [
                    "relay": "\(pending.relay)", "queued_position": "\(pending.queuedPosition)", "outcome": "\(outcome.kind.rawValue)",
                    "attempt": "\(outcome.attempt)", "detail": "\(outcome.detail)",
                ])
            return outcome
        } catch is CancellationError {
            return nil
        } catch {
            logger.error(
                "could not relay or record a relay outcome; the delivery stays queued",
                metadata: ["relay": "\(pending.relay)", "queued_position": "\(pending.queuedPosition)", "error": "\(describeError(error))"])
            return nil
        }
    }

    /// Whether the ledger already holds the outcome of the attempt `pending` is due for, or a
    /// final one: the `relay_queue` projection lags the ledger by moments.
    func alreadyRecorded(_ pending: PendingRelay) async throws -> Bool {
        let ledger = try await store.ledger(named: pending.ledger, create: false)
        let keys = [
            RelayEvents.outcomeDedupeKey(relay: pending.relay, queuedPosition: pending.queuedPosition),
            RelayEvents.attemptDedupeKey(relay: pending.relay, queuedPosition: pending.queuedPosition, attempt: pending.attempts + 1),
        ]
        let rows = try await store.client.query(
            "SELECT 1 FROM ledger_entries WHERE ledger_id = \(ledger.id) AND dedupe_key = ANY(\(keys)) LIMIT 1", logger: logger
        ).collect()
        return !rows.isEmpty
    }

    /// Makes one attempt and returns its outcome (appends nothing).
    func attempt(_ pending: PendingRelay, now: @Sendable () -> LedgerTimestamp) async throws -> RelayOutcome {
        let attempt = pending.attempts + 1
        guard let target = await directory.target(named: pending.relay) else {
            return RelayOutcome(kind: .gaveUp, attempt: pending.attempts, detail: "the relay \(pending.relay) is no longer configured")
        }
        if policy.isExpired(queuedAt: pending.queuedAt, now: now()) {
            return RelayOutcome(kind: .gaveUp, attempt: pending.attempts, detail: "not delivered within \(policy.horizon.components.seconds / 3600) h")
        }
        guard let record = try await store.record(ledger: pending.ledger, position: pending.queuedPosition),
            record.entry.fields.eventType == RelayEvents.queued
        else {
            throw RelayServiceError.notQueued(position: pending.queuedPosition)
        }
        let body: [UInt8]
        switch record.payload {
        case .bytes(let bytes):
            body = bytes
        case .destroyed:
            return RelayOutcome(kind: .gaveUp, attempt: pending.attempts, detail: "the queued delivery was destroyed before it was relayed")
        case .sealed, .unavailable:
            // A configuration problem (no master key) or damage: keep it queued, the operator can act.
            throw RelayServiceError.unreadable(position: pending.queuedPosition, payload: "\(record.payload)")
        }
        do {
            let answer = try await client.post(body, to: target.relay.url, secret: target.secret)
            if answer.isSuccess {
                return RelayOutcome(
                    kind: .delivered, attempt: attempt, httpStatus: answer.status, detail: "HTTP \(answer.status)", responseExcerpt: answer.excerpt)
            }
            return failed(
                pending, attempt: attempt, status: answer.status, retryAfter: answer.retryAfter, detail: "HTTP \(answer.status)",
                excerpt: answer.excerpt, now: now())
        } catch let error as WebhookRelayError {
            return failed(pending, attempt: attempt, status: nil, retryAfter: nil, detail: error.description, excerpt: nil, now: now())
        }
    }

    private func failed(
        _ pending: PendingRelay, attempt: Int, status: Int?, retryAfter: Duration?, detail: String, excerpt: String?, now: LedgerTimestamp
    ) -> RelayOutcome {
        guard let retryAt = policy.retryTime(afterAttempt: attempt, retryAfter: retryAfter, queuedAt: pending.queuedAt, now: now) else {
            return RelayOutcome(kind: .gaveUp, attempt: attempt, httpStatus: status, detail: "last attempt: \(detail)", responseExcerpt: excerpt)
        }
        return RelayOutcome(kind: .failed, attempt: attempt, httpStatus: status, retryAt: retryAt, detail: detail, responseExcerpt: excerpt)
    }
}

/// Why a queued delivery could not be attempted (it stays queued).
enum RelayServiceError: Error, CustomStringConvertible {
    case notQueued(position: Int64)
    case unreadable(position: Int64, payload: String)

    var description: String {
        switch self {
        case .notQueued(let position): "position \(position) is not a whatsapp.webhook.relay_queued event"
        case .unreadable(let position, let payload): "the delivery queued at \(position) cannot be read (\(payload)): is the master key configured?"
        }
    }
}
