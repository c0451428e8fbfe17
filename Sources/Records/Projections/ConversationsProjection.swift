import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `conversations` projection: one conversation per business number × citizen, the
/// identities linked to it, and a timeline of its messages with their delivery status.
///
/// Reads `whatsapp.message.received`, `message.send.accepted` (outbound) and
/// `whatsapp.status.updated` (docs/whatsapp-ingest.md). Rows hold metadata only: message ids,
/// types, directions, times, statuses, identifiers and the profile name. Message content stays
/// in the ledger, encrypted; ``ConversationQueries`` reads it from there.
///
/// Statuses follow ``DeliveryStatus``: they never downgrade. A status is kept by message id
/// whether or not its message has been seen, so an outbound message recorded after its
/// statuses shows them at once.
public struct ConversationsProjection: Projection {
    public let name = "conversations"
    public let version = 1
    public let eventTypes: Set<String> = [ContractEvent.messageReceived, ContractEvent.sendAccepted, ContractEvent.statusUpdated]
    public let payloadTypes: Set<String> = [ContractEvent.messageReceived, ContractEvent.sendAccepted, ContractEvent.statusUpdated]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let linker = ConversationLinker(ledger: ledger, connection: connection, logger: logger)
        for record in records {
            let fields = record.entry.fields
            if fields.eventType == ContractEvent.statusUpdated {
                guard let header = ContractEvent.header(ContractEvent.StatusHeader.self, of: record) else {
                    logger.warning("skipping a status whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyStatus(header, record: record, linker: linker, on: connection, logger: logger)
            } else {
                guard let header = ContractEvent.header(ContractEvent.MessageHeader.self, of: record) else {
                    logger.warning("skipping a message whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await applyMessage(header, record: record, linker: linker, on: connection, logger: logger)
            }
        }
    }

    private func applyMessage(
        _ header: ContractEvent.MessageHeader, record: SelectedRecord, linker: ConversationLinker, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let ledgerID = linker.ledger.id
        let occurred = fields.occurredAt.microseconds
        let direction = header.direction == "outbound" || (header.direction == nil && fields.eventType == ContractEvent.sendAccepted)
            ? "outbound" : "inbound"
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
func ledgerBinds(_ ledger: LedgerRef) -> PostgresBindings {
    var binds = PostgresBindings(capacity: 1)
    binds.append(ledger.id)
    return binds
}
