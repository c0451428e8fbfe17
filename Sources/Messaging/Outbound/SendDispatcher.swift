import Foundation
public import Ledger
public import LedgerStore
public import Logging
import RecordkeeperCore
public import WhatsApp

/// The dispatcher: a `Service` that delivers the send API's requests to Meta and records each
/// outcome (docs/whatsapp-ingest.md, "Outbound messages").
///
/// Each round claims due requests from the `outbox` projection (``OutboxQueue``), the oldest of
/// each conversation, reads each request's exact body from the ledger, POSTs it to
/// `{graph}/{version}/{phone-number-id}/messages` and appends `message.send.accepted`,
/// `message.send.attempt_failed` (with its retry time, ``SendRetryPolicy``) or
/// `message.send.failed`. Nothing lives only in memory: the queue is the ledger, so a restart
/// resumes where it stopped.
///
/// **The one duplicate window.** If Meta accepts a message and the process dies (or the answer
/// is lost) before `message.send.accepted` is committed, the request is still pending and will
/// be sent again. Two things narrow the window: a claim holds the request for ``claimHold``
/// (a crashed attempt is not retried before then), and the send API puts
/// `biz_opaque_callback_data` `rk1:<request_id>` in every body, so a status webhook for the first
/// send links back to the request: the dispatcher then records the request as accepted from that
/// status instead of sending it again.
///
/// Wake it (``wake()``) when the outbox projection has moved.
public final class SendDispatcher: Worker {
    let queue: OutboxQueue
    let client: GraphMessagesClient
    let store: LedgerStore
    public let policy: SendRetryPolicy
    /// How long a claim keeps a request from being attempted again (longer than one request can take).
    public let claimHold: Duration
    /// The settings; `batchSize`: the most requests claimed per round (sent concurrently: one per conversation).
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "send round failed"

    /// The actor of the dispatcher's events.
    public static let actor = "recordkeeper:dispatcher"

    public init(
        ledger: String, store: LedgerStore, client: GraphMessagesClient, policy: SendRetryPolicy = SendRetryPolicy(),
        claimHold: Duration = .seconds(120), batchSize: Int = 256, pollInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "records.dispatcher")
    ) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.queue = OutboxQueue(store: store)
        self.client = client
        self.store = store
        self.policy = policy
        self.claimHold = claimHold
    }

    /// One round as the loop runs it: when work was done, the next requests of those
    /// conversations may be due at once.
    public func round() async throws -> Duration {
        try await runRound().isEmpty ? pollInterval : .zero
    }

    /// What one attempt ended as.
    public enum Outcome: Sendable, Equatable {
        case accepted(messageID: String?)
        case retrying(at: LedgerTimestamp)
        case failed
        /// Nothing was recorded (the database was unavailable); the claim expires and it is tried again.
        case notRecorded
    }

    /// One round: claims due requests and attempts each, recording every outcome.
    @discardableResult
    public func runRound(now: @escaping @Sendable () -> LedgerTimestamp = { .now() }) async throws -> [Outcome] {
        let claimed = try await queue.claim(ledger: ledger, now: now(), hold: claimHold, limit: batchSize)
        guard !claimed.isEmpty else { return [] }
        return await withTaskGroup(of: Outcome.self) { group in
            for send in claimed {
                group.addTask { await self.attempt(send, now: now) }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    private func attempt(_ send: ClaimedSend, now: @Sendable () -> LedgerTimestamp) async -> Outcome {
        do {
            // One read: the request's header (who it is for) and its exact body.
            let record = try await store.record(ledger: ledger, position: send.position)
            let request = Self.reference(of: send, header: record?.entry.fields.header)
            if let wamid = send.statusMessageID, let statusPosition = send.statusPosition {
                let event = try OutboundEvents.acceptedByStatus(
                    request, messageID: wamid, statusPosition: statusPosition, attempt: send.attempt, actor: Self.actor, occurredAt: now())
                let receipt = try await store.append(event, to: ledger)
                try await queue.markFinal(send, accepted: true, messageID: wamid, outcomePosition: receipt.position)
                return .accepted(messageID: wamid)
            }
            guard case .bytes(let body) = record?.payload else {
                let event = try OutboundEvents.failed(
                    request, response: nil, error: GraphError(kind: .invalidResponse, operation: "send", detail: "the request's payload cannot be read"),
                    attempt: send.attempt, retryAt: nil, actor: Self.actor, occurredAt: now())
                let receipt = try await store.append(event, to: ledger)
                try await queue.markFinal(send, accepted: false, messageID: nil, outcomePosition: receipt.position)
                return .failed
            }
            let response: GraphResponse
            do {
                response = try await client.sendMessage(phoneNumberID: send.phoneNumberID, body: body)
            } catch let error as GraphError {
                return try await recordFailure(send, request: request, response: nil, error: error, retryable: error.isRetryable, now: now())
            }
            switch GraphSendAnswer(response) {
            case let .accepted(messageID, messageStatus, _):
                let event = try OutboundEvents.accepted(
                    request, response: response, messageID: messageID, messageStatus: messageStatus, attempt: send.attempt, actor: Self.actor,
                    occurredAt: now())
                let receipt = try await store.append(event, to: ledger)
                try await queue.markFinal(send, accepted: true, messageID: messageID, outcomePosition: receipt.position)
                return .accepted(messageID: messageID)
            case let .refused(_, retryable):
                return try await recordFailure(send, request: request, response: response, error: nil, retryable: retryable, now: now())
            }
        } catch is CancellationError {
            try? await queue.release(send)
            return .notRecorded
        } catch {
            logger.error(
                "could not record a send outcome; the request stays pending until its claim expires",
                metadata: ["request_id": "\(send.requestID)", "error": "\(describeError(error))"])
            return .notRecorded
        }
    }

    private func recordFailure(
        _ send: ClaimedSend, request: SendRequestReference, response: GraphResponse?, error: GraphError?, retryable: Bool, now: LedgerTimestamp
    ) async throws -> Outcome {
        let retryAfter = response?.retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        let decision = policy.decide(attempt: send.attempt, retryable: retryable, answered: response != nil, retryAfter: retryAfter, now: now)
        switch decision {
        case .retry(let at):
            let event = try OutboundEvents.failed(
                request, response: response, error: error, attempt: send.attempt, retryAt: at, actor: Self.actor, occurredAt: now)
            _ = try await store.append(event, to: ledger)
            let code = response.flatMap { GraphErrorBody(json: $0.body)?.code }
            try await queue.markRetry(send, retryAt: at, error: OutboxQueue.errorText(code: code, reason: error?.kind.rawValue ?? "refused") ?? "refused")
            logger.notice("send attempt failed; retrying", metadata: ["request_id": "\(send.requestID)", "attempt": "\(send.attempt)"])
            return .retrying(at: at)
        case .giveUp:
            let event = try OutboundEvents.failed(
                request, response: response, error: error, attempt: send.attempt, retryAt: nil, actor: Self.actor, occurredAt: now)
            let receipt = try await store.append(event, to: ledger)
            try await queue.markFinal(send, accepted: false, messageID: nil, outcomePosition: receipt.position)
            logger.notice("send failed", metadata: ["request_id": "\(send.requestID)", "attempt": "\(send.attempt)"])
            return .failed
        }
    }

    /// The reference outcome events repeat, with the citizen from the requested entry's header.
    static func reference(of send: ClaimedSend, header: String?) -> SendRequestReference {
        let citizen = header.flatMap { try? JSONValue.parse(Array($0.utf8)) }?["citizen"]
        return SendRequestReference(
            requestID: send.requestID, position: send.position, stream: send.stream, phoneNumberID: send.phoneNumberID, kind: send.kind,
            citizen: CitizenIdentity(userID: citizen?.text("user_id"), waID: citizen?.text("wa_id")))
    }
}
