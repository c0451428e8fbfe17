import Events
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `relay_queue` projection: one row per `whatsapp.webhook.relay_queued` event, the relay
/// service's persistent queue (docs/whatsapp-ingest.md, "Webhook relay"). A row is pending
/// until a `whatsapp.webhook.relayed` outcome `delivered` or `gave_up`; its attempts and next
/// retry time come from `failed` outcomes. Read it with ``PendingRelayQueue``.
public struct RelayQueueProjection: Projection {
    public let name = "relay_queue"
    public let version = 1
    public let eventTypes: Set<String> = [RelayEvents.queued, RelayEvents.relayed]
    /// Headers say everything: the relayed bodies are never read here.
    public let payloadTypes: Set<String> = []

    public init() {}

    /// The retained header of `relay_queued` and `relayed`.
    struct Header: RetainedHeader {
        var relay: String
        var bodySha256: String?
        var queuedPosition: Int64?
        var outcome: String?
        var attempt: Int?
        var httpStatus: Int?
        var retryAtUs: Int64?
        var detail: String?

        init(_ fields: HeaderFields) throws(HeaderMismatch) {
            relay = try fields.string("relay")
            bodySha256 = try fields.optionalString("body_sha256")
            queuedPosition = try fields.optionalInteger("queued_position")
            outcome = try fields.optionalString("outcome")
            attempt = try fields.optionalInteger("attempt")
            httpStatus = try fields.optionalInteger("http_status")
            retryAtUs = try fields.optionalInteger("retry_at_us")
            detail = try fields.optionalString("detail")
        }
    }

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard let header = ContractEvent.header(Header.self, of: record) else {
                logger.warning("skipping a relay event whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                continue
            }
            if fields.eventType == RelayEvents.queued {
                try await connection.perform(
                    """
                    INSERT INTO relay_queue (ledger_id, queued_position, relay, stream, body_sha256, queued_at_us)
                    VALUES (\(ledger.id), \(fields.position), \(header.relay), \(fields.stream), \(header.bodySha256), \(fields.occurredAt.microseconds))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                continue
            }
            guard let queued = header.queuedPosition, let outcome = header.outcome.flatMap(RelayOutcome.Kind.init(rawValue:)) else {
                logger.warning("skipping a relay outcome without a queued position or outcome", metadata: ["position": "\(fields.position)"])
                continue
            }
            switch outcome {
            case .failed:
                try await connection.perform(
                    """
                    UPDATE relay_queue
                    SET attempts = \(max(1, header.attempt ?? 1)), last_attempt_at_us = \(fields.occurredAt.microseconds),
                        next_retry_at_us = \(header.retryAtUs), last_http_status = \(header.httpStatus), last_detail = \(header.detail)
                    WHERE ledger_id = \(ledger.id) AND queued_position = \(queued) AND state = 'pending' AND attempts <= \(max(1, header.attempt ?? 1))
                    """, logger: logger)
            case .delivered, .gaveUp:
                try await connection.perform(
                    """
                    UPDATE relay_queue
                    SET state = \(outcome.rawValue), outcome_position = \(fields.position), next_retry_at_us = NULL,
                        attempts = GREATEST(attempts, \(header.attempt ?? 0)), last_attempt_at_us = \(fields.occurredAt.microseconds),
                        last_http_status = \(header.httpStatus), last_detail = \(header.detail)
                    WHERE ledger_id = \(ledger.id) AND queued_position = \(queued) AND state = 'pending'
                    """, logger: logger)
            }
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM relay_queue WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
