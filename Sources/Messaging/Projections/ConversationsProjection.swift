import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `conversations` projection: one conversation per business number × citizen, the
/// identities linked to it, and a timeline of its messages with their delivery status.
///
/// Reads `whatsapp.message.received`, the outbound `message.send.requested` / `.accepted` /
/// `.failed` and `whatsapp.status.updated` (docs/whatsapp-ingest.md). An outbound message is on
/// the timeline from its request (status `requested`), takes its wamid and `accepted` (or Meta's
/// `message_status`) from its acceptance, `failed` and Meta's error code from a failure, and
/// the webhook statuses after that. Rows hold metadata only: message ids,
/// types, directions, times, statuses, identifiers and the profile name. Message content stays
/// in the ledger, encrypted; ``ConversationQueries`` reads it from there.
///
/// Statuses follow ``DeliveryStatus``: they never downgrade. A status is kept by message id
/// whether or not its message has been seen, so an outbound message recorded after its
/// statuses shows them at once.
public struct ConversationsProjection: Projection {
    public let name = "conversations"
    public let version = 2
    public let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.statusUpdated, ContractEvent.sendRequested, ContractEvent.sendAccepted,
        ContractEvent.sendFailed,
    ]
    /// Outbound events are read from their headers: their payloads (request bodies, Meta's answers)
    /// are never decrypted here.
    public let payloadTypes: Set<String> = [ContractEvent.messageReceived, ContractEvent.statusUpdated]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let linker = ConversationLinker(ledger: ledger, connection: connection, logger: logger)
        for record in records {
            let fields = record.entry.fields
            switch fields.eventType {
            case ContractEvent.statusUpdated:
                guard let header = ContractEvent.header(ContractEvent.StatusHeader.self, of: record) else {
                    logger.warning("skipping a status whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyStatus(header, record: record, linker: linker, on: connection, logger: logger)
            case ContractEvent.messageReceived:
                guard let header = ContractEvent.header(ContractEvent.MessageHeader.self, of: record) else {
                    logger.warning("skipping a message whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyMessage(header, record: record, linker: linker, on: connection, logger: logger)
            case ContractEvent.sendRequested:
                guard let header = ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record) else {
                    logger.warning("skipping a send request whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyRequest(header, record: record, linker: linker, on: connection, logger: logger)
            default:
                guard let header = ContractEvent.header(ContractEvent.SendOutcomeHeader.self, of: record) else {
                    logger.warning("skipping a send outcome whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyOutcome(header, record: record, ledger: linker.ledger, on: connection, logger: logger)
            }
        }
    }

    /// An outbound request: on the timeline at once, with its request id standing in for the
    /// wamid until Meta's answer is recorded. A request that names no citizen (a proxied
    /// mark-as-read of an unknown message, in a business number's stream) has no conversation.
    private func applyRequest(
        _ header: ContractEvent.SendRequestHeader, record: SelectedRecord, linker: ConversationLinker, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let keys = header.citizen?.keys ?? []
        guard !keys.isEmpty || fields.stream.split(separator: "/").count >= 3 else { return }
        let id = try await linker.conversation(of: record, phoneNumberID: header.phoneNumberId, citizen: header.citizen)
        let occurred = fields.occurredAt.microseconds
        try await connection.perform(
            """
            INSERT INTO conversation_messages
                (ledger_id, position, conversation_id, stream, message_id, direction, message_type, occurred_at_us, status, status_at_us, request_id)
            VALUES (\(linker.ledger.id), \(fields.position), \(id), \(fields.stream), \(SendRequestReference.callbackPrefix + header.requestId),
                    'outbound', \(header.kind), \(occurred), 'requested', \(occurred), \(header.requestId))
            """, logger: logger)
        try await touch(
            id, record: record, citizen: header.citizen, messageAtUs: occurred, inboundAtUs: nil, ledger: linker.ledger, on: connection,
            logger: logger)
    }

    /// Meta's answer to a request (found by its request id): the wamid and `accepted` (or a status a webhook already
    /// brought for that wamid), or `failed` with Meta's error code.
    private func applyOutcome(
        _ header: ContractEvent.SendOutcomeHeader, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let occurred = fields.occurredAt.microseconds
        if fields.eventType == ContractEvent.sendAccepted {
            let accepted = header.messageStatus ?? "accepted"
            try await connection.perform(
                """
                UPDATE conversation_messages m SET message_id = COALESCE(\(header.messageId), m.message_id),
                    status = COALESCE(s.status, \(accepted)), status_at_us = COALESCE(s.status_at_us, \(occurred))
                FROM (SELECT 1) AS one
                LEFT JOIN conversation_statuses s ON s.ledger_id = \(ledger.id) AND s.message_id = \(header.messageId)
                WHERE m.ledger_id = \(ledger.id) AND m.request_id = \(header.requestId)
                """, logger: logger)
        } else {
            try await connection.perform(
                """
                UPDATE conversation_messages SET status = 'failed', status_at_us = \(occurred), error_code = \(header.errorCode)
                WHERE ledger_id = \(ledger.id) AND request_id = \(header.requestId)
                """, logger: logger)
        }
        try await connection.perform(
            """
            UPDATE conversations c SET last_activity_at_us = GREATEST(c.last_activity_at_us, \(occurred)), last_position = \(fields.position)
            FROM conversation_messages m
            WHERE m.ledger_id = \(ledger.id) AND m.request_id = \(header.requestId) AND c.ledger_id = m.ledger_id AND c.id = m.conversation_id
            """, logger: logger)
    }

    private func applyMessage(
        _ header: ContractEvent.MessageHeader, record: SelectedRecord, linker: ConversationLinker, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let ledgerID = linker.ledger.id
        let occurred = fields.occurredAt.microseconds
        let direction = header.direction == "outbound" ? "outbound" : "inbound"
        let inbound: Int64? = direction == "inbound" ? occurred : nil
        let id = try await linker.conversation(of: record, phoneNumberID: header.phoneNumberId, citizen: header.citizen)
        try await connection.perform(
            """
            INSERT INTO conversation_messages
                (ledger_id, position, conversation_id, stream, message_id, direction, message_type, occurred_at_us, status, status_at_us)
            SELECT \(ledgerID), \(fields.position), \(id), \(fields.stream), \(header.messageId), \(direction), \(header.messageType),
                   \(occurred), s.status, s.status_at_us
            FROM (SELECT 1) AS one
            LEFT JOIN conversation_statuses s ON \(direction) = 'outbound' AND s.ledger_id = \(ledgerID) AND s.message_id = \(header.messageId)
            """, logger: logger
        )
        try await touch(
            id, record: record, citizen: header.citizen, messageAtUs: occurred, inboundAtUs: inbound, ledger: linker.ledger,
            on: connection, logger: logger)
    }

    private func applyStatus(
        _ header: ContractEvent.StatusHeader, record: SelectedRecord, linker: ConversationLinker, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let ledgerID = linker.ledger.id
        let occurred = fields.occurredAt.microseconds
        let rank = DeliveryStatus.rank(of: header.status)
        let id = try await linker.conversation(of: record, phoneNumberID: header.phoneNumberId, citizen: header.citizen)
        let changed = try await connection.query(
            """
            INSERT INTO conversation_statuses (ledger_id, message_id, status, status_rank, status_at_us, position)
            VALUES (\(ledgerID), \(header.messageId), \(header.status), \(rank), \(occurred), \(fields.position))
            ON CONFLICT (ledger_id, message_id) DO UPDATE
                SET status = EXCLUDED.status, status_rank = EXCLUDED.status_rank, status_at_us = EXCLUDED.status_at_us,
                    position = EXCLUDED.position
                WHERE EXCLUDED.status_rank > conversation_statuses.status_rank
            RETURNING 1
            """, logger: logger
        ).collect()
        if !changed.isEmpty {
            try await connection.perform(
                """
                UPDATE conversation_messages SET status = \(header.status), status_at_us = \(occurred)
                WHERE ledger_id = \(ledgerID) AND message_id = \(header.messageId) AND direction = 'outbound'
                """, logger: logger
            )
        }
        try await touch(
            id, record: record, citizen: header.citizen, messageAtUs: nil, inboundAtUs: nil, ledger: linker.ledger, on: connection,
            logger: logger)
    }

    /// Updates a conversation's counters and identity after one of its entries: a message
    /// (`messageAtUs` set, `inboundAtUs` too when inbound) or a status (both nil). Times only
    /// move forward; the newest known name and identifiers win.
    private func touch(
        _ id: String, record: SelectedRecord, citizen: ContractEvent.Citizen?, messageAtUs: Int64?, inboundAtUs: Int64?,
        ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let payload = ContractPayload(record.payload)
        let counted: Int64 = messageAtUs == nil ? 0 : 1
        try await connection.perform(
            """
            UPDATE conversations SET
                message_count = message_count + \(counted),
                first_message_at_us = LEAST(first_message_at_us, \(messageAtUs)),
                last_message_at_us = GREATEST(last_message_at_us, \(messageAtUs)),
                last_inbound_at_us = GREATEST(last_inbound_at_us, \(inboundAtUs)),
                last_activity_at_us = GREATEST(last_activity_at_us, \(fields.occurredAt.microseconds)),
                last_position = \(fields.position),
                display_phone_number = COALESCE(\(payload?.displayPhoneNumber), display_phone_number),
                profile_name = COALESCE(\(payload?.profileName), profile_name),
                user_id = COALESCE(\(citizen?.userId), user_id),
                wa_id = COALESCE(\(citizen?.waId), wa_id)
            WHERE ledger_id = \(ledger.id) AND id = \(id)
            """, logger: logger
        )
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["conversations", "conversation_streams", "conversation_identities", "conversation_messages", "conversation_statuses"] {
            try await connection.perform(
                PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger_id = $1", binds: ledgerBinds(ledger)), logger: logger
            )
        }
    }
}

/// `$1` = the ledger id, for statements whose table name is spliced in.
package func ledgerBinds(_ ledger: LedgerRef) -> PostgresBindings {
    var binds = PostgresBindings(capacity: 1)
    binds.append(ledger.id)
    return binds
}
