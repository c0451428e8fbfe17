import Events
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `outbox` projection: the send requests the dispatcher delivers (`via` `api` or
/// `automation`), with their state, failed attempts, next attempt time and outcome
/// (docs/whatsapp-ingest.md, "Outbound messages"). Requests the recording proxy forwarded
/// itself are not in it. Read (and claimed) by ``SendDispatcher``.
///
/// A status webhook that names a pending request by its callback data (`send_ref`) is kept as
/// `status_message_id`: the dispatcher then records the request as accepted instead of sending
/// it again.
public struct OutboxProjection: Projection {
    public let name = "outbox"
    public let version = 1
    public let eventTypes: Set<String> = [
        ContractEvent.sendRequested, ContractEvent.sendAccepted, ContractEvent.sendFailed, ContractEvent.sendAttemptFailed,
        ContractEvent.statusUpdated,
    ]
    /// Headers say everything the queue needs: no payload is decrypted.
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            switch fields.eventType {
            case ContractEvent.sendRequested:
                guard let header = ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record) else {
                    logger.warning("skipping a send request whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                guard OutboundVia(rawValue: header.via)?.isDispatched == true else { continue }
                try await connection.perform(
                    """
                    INSERT INTO outbox (ledger_id, request_position, request_id, stream, phone_number_id, kind, requested_at_us)
                    VALUES (\(ledger.id), \(fields.position), \(header.requestId), \(fields.stream), \(header.phoneNumberId), \(header.kind),
                            \(fields.occurredAt.microseconds))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            case ContractEvent.statusUpdated:
                guard let header = ContractEvent.header(ContractEvent.StatusHeader.self, of: record), let ref = header.sendRef else { continue }
                try await connection.perform(
                    """
                    UPDATE outbox SET status_message_id = \(header.messageId), status_position = \(fields.position)
                    WHERE ledger_id = \(ledger.id) AND request_id = \(ref) AND status_message_id IS NULL
                    """, logger: logger)
            default:
                guard let header = ContractEvent.header(ContractEvent.SendOutcomeHeader.self, of: record) else {
                    logger.warning("skipping a send outcome whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyOutcome(header, record: record, ledger: ledger, on: connection, logger: logger)
            }
        }
    }

    private func applyOutcome(
        _ header: ContractEvent.SendOutcomeHeader, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let attempt = max(1, header.attempt ?? 1)
        let error = OutboxQueue.errorText(code: header.errorCode, reason: header.reason)
        switch fields.eventType {
        case ContractEvent.sendAttemptFailed:
            try await connection.perform(
                """
                UPDATE outbox SET attempts = GREATEST(attempts, \(attempt)), next_attempt_at_us = \(header.retryAtUs), last_error = \(error)
                WHERE ledger_id = \(ledger.id) AND request_id = \(header.requestId) AND state = 'pending' AND attempts < \(attempt)
                """, logger: logger)
        default:
            let state = fields.eventType == ContractEvent.sendAccepted ? "accepted" : "failed"
            try await connection.perform(
                """
                UPDATE outbox SET state = \(state), message_id = \(header.messageId), outcome_position = \(fields.position),
                    last_error = COALESCE(\(state == "failed" ? error : nil), last_error), next_attempt_at_us = NULL,
                    attempts = GREATEST(attempts, \(state == "failed" ? attempt : 0))
                WHERE ledger_id = \(ledger.id) AND request_id = \(header.requestId)
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM outbox WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
