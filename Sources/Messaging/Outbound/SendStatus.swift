import Events
public import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import WhatsApp

/// Where one send request stands: from the conversations timeline and the outbox.
public struct SendStatus: Sendable, Equatable {
    public var requestID: String
    public var position: Int64
    public var conversationID: String?
    public var kind: String?
    /// `requested`, `accepted` (or Meta's `held_for_quality_assessment`, `paused`), `sent`,
    /// `delivered`, `read`, `played` or `failed`.
    public var status: String
    public var statusAt: Date?
    /// The wamid, once Meta accepted.
    public var messageID: String?
    public var errorCode: Int?
    /// Failed attempts so far (dispatcher).
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    /// The ledger stream of the request, when it was read from the ledger because the
    /// projections had not reached it yet (``conversationID`` is nil then).
    public var stream: String? = nil

    /// The conversation (or, before the projections reach it, the stream) the request belongs
    /// to: what the caller's team scope is checked against.
    public var scopeKey: String? { conversationID ?? stream }
}

extension SendRequests {
    /// The status of the request recorded at `position`; nil when there is no send request there.
    public func status(position: Int64) async throws -> SendStatus? {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return nil
        }
        let rows = try await store.client.query(
            """
            SELECT m.request_id, m.conversation_id, m.message_type, m.status, m.status_at_us, m.message_id, m.error_code,
                   COALESCE(o.attempts, 0), o.next_attempt_at_us, o.last_error, o.state
            FROM conversation_messages m
            LEFT JOIN outbox o ON o.ledger_id = m.ledger_id AND o.request_position = m.position
            WHERE m.ledger_id = \(ref.id) AND m.position = \(position) AND m.request_id IS NOT NULL
            """, logger: store.logger)
        for try await (requestID, conversation, kind, status, statusAt, messageID, errorCode, attempts, nextAttempt, lastError, state) in rows.decode(
            (String, String, String?, String?, Int64?, String, Int32?, Int32, Int64?, String?, String?).self
        ) {
            let date = { (us: Int64?) in us.map { LedgerTimestamp(microseconds: $0).date } }
            return SendStatus(
                requestID: requestID, position: position, conversationID: conversation, kind: kind, status: status ?? "requested",
                statusAt: date(statusAt), messageID: messageID.hasPrefix(SendRequestReference.callbackPrefix) ? nil : messageID,
                errorCode: errorCode.map(Int.init), attempts: Int(attempts), nextAttemptAt: state == "pending" ? date(nextAttempt) : nil,
                lastError: lastError)
        }
        // Not in the projections yet (they trail the ledger by moments): read the entry itself.
        guard let record = try await store.record(ledger: ledger, position: position),
            record.entry.fields.eventType == OutboundEventType.sendRequested,
            let header = try? JSONValue.parse(Array(record.entry.fields.header.utf8)), let requestID = header.text("request_id")
        else { return nil }
        return SendStatus(
            requestID: requestID, position: position, conversationID: nil, kind: header.text("kind"), status: "requested",
            statusAt: record.entry.fields.occurredAt.date, messageID: nil, errorCode: nil, attempts: 0, nextAttemptAt: nil, lastError: nil,
            stream: record.entry.fields.stream)
    }
}
