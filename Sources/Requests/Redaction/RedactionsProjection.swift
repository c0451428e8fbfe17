import Events
import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// The redaction part of the `requests` projection (migration 0025, `request_redactions`):
/// ``RequestsProjection`` hands it every `redaction.*` entry's retained header. The entries were
/// checked when they were recorded (``RequestRedactions``); this applies them as recorded.
enum RedactionsProjection {
    static func apply(
        _ record: SelectedRecord, request id: String, header: JSONValue, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        guard let redaction = header.text("redaction") else {
            logger.warning("requests: skipping a redaction event without a redaction id", metadata: ["position": "\(fields.position)"])
            return
        }
        switch fields.eventType {
        case EventType.Redactions.applied:
            guard let message = header["message_position"]?.integer, let kind = header.text("kind"), let code = header.text("exemption"),
                let citation = header.text("citation")
            else {
                logger.warning("requests: skipping a redaction.applied that does not fit", metadata: ["position": "\(fields.position)"])
                return
            }
            let start = header["span_start"]?.integer.map { Int32($0) }
            let length = header["span_length"]?.integer.map { Int32($0) }
            try await connection.perform(
                """
                INSERT INTO request_redactions (ledger_id, request_id, redaction_id, message_position, kind, span_start, span_length, media_id,
                    exemption_code, citation, state, applied_position, applied_at_us, applied_by)
                VALUES (\(ledger.id), \(id), \(redaction), \(message), \(kind), \(start), \(length), \(header.text("media_id")),
                    \(code), \(citation), 'applied', \(fields.position), \(fields.occurredAt.microseconds), \(fields.actor))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        case EventType.Redactions.reviewed:
            let approved = header.text("outcome") == "approved"
            try await connection.perform(
                """
                UPDATE request_redactions SET state = \(approved ? "approved" : "returned"), reviewed_position = \(fields.position),
                    reviewed_by = \(fields.actor), closed_position = CASE WHEN \(approved) THEN NULL ELSE \(fields.position) END
                WHERE ledger_id = \(ledger.id) AND request_id = \(id) AND redaction_id = \(redaction) AND state <> 'withdrawn'
                """, logger: logger)
        case EventType.Redactions.withdrawn:
            try await connection.perform(
                """
                UPDATE request_redactions SET state = 'withdrawn', closed_position = \(fields.position)
                WHERE ledger_id = \(ledger.id) AND request_id = \(id) AND redaction_id = \(redaction)
                """, logger: logger)
        default:
            return
        }
    }

    static func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM request_redactions WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
