import Events
import Foundation
import Ledger
import LedgerStore
import Logging
import Messaging
import PostgresNIO

/// The conversations projection as it was before issue 17 (commit a54d38d), kept verbatim but
/// for its name: five to seven statements per entry. The oracle of the set-based apply's tests
/// (`ConversationsBatchTests`): on any ledger both must give exactly the same rows.
struct PerEntryConversationsProjection: Projection {
    let name = "conversations"
    let version = 2
    let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.statusUpdated, ContractEvent.sendRequested, ContractEvent.sendAccepted,
        ContractEvent.sendFailed,
    ]
    /// Outbound events are read from their headers: their payloads (request bodies, Meta's answers)
    /// are never decrypted here.
    let payloadTypes: Set<String> = [ContractEvent.messageReceived, ContractEvent.statusUpdated]

    init() {}

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let linker = PerEntryConversationLinker(ledger: ledger, connection: connection, logger: logger)
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
        _ header: ContractEvent.SendRequestHeader, record: SelectedRecord, linker: PerEntryConversationLinker, on connection: PostgresConnection,
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
        _ header: ContractEvent.MessageHeader, record: SelectedRecord, linker: PerEntryConversationLinker, on connection: PostgresConnection,
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
        _ header: ContractEvent.StatusHeader, record: SelectedRecord, linker: PerEntryConversationLinker, on connection: PostgresConnection,
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

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["conversations", "conversation_streams", "conversation_identities", "conversation_messages", "conversation_statuses"] {
            try await connection.perform(
                PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger_id = $1", binds: ledgerBinds(ledger)), logger: logger
            )
        }
    }
}

/// The linker of the per-entry projection (commit a54d38d), verbatim but for its name.
struct PerEntryConversationLinker {
    let ledger: LedgerRef
    let connection: PostgresConnection
    let logger: Logger

    /// The id of the conversation of a message or status entry, after linking its stream and
    /// the citizen's keys.
    func conversation(of record: SelectedRecord, phoneNumberID: String, citizen: ContractEvent.Citizen?) async throws -> String {
        let fields = record.entry.fields
        return try await conversation(
            stream: fields.stream, phoneNumberID: phoneNumberID, keys: citizen?.keys ?? [], position: fields.position,
            occurredAtUs: fields.occurredAt.microseconds)
    }

    /// The id of the conversation the entry belongs to, after linking.
    func conversation(stream: String, phoneNumberID: String, keys: [String], position: Int64, occurredAtUs: Int64) async throws -> String {
        var found: [String] = []
        let rows = try await connection.query(
            """
            SELECT c.id FROM conversations c
            WHERE c.ledger_id = \(ledger.id) AND c.id IN (
                SELECT conversation_id FROM conversation_streams WHERE ledger_id = \(ledger.id) AND stream = \(stream)
                UNION
                SELECT conversation_id FROM conversation_identities
                WHERE ledger_id = \(ledger.id) AND phone_number_id = \(phoneNumberID) AND citizen_key = ANY(\(keys)::text[]))
            ORDER BY c.first_position, c.id
            """, logger: logger)
        for try await id in rows.decode(String.self) { found.append(id) }

        let target: String
        if let first = found.first {
            target = first
            if found.count > 1 { try await merge(Array(found.dropFirst()), into: target) }
        } else {
            target = stream
            try await connection.perform(
                """
                INSERT INTO conversations (ledger_id, id, phone_number_id, first_position, last_position, last_activity_at_us)
                VALUES (\(ledger.id), \(stream), \(phoneNumberID), \(position), \(position), \(occurredAtUs))
                """, logger: logger
            )
        }
        try await connection.perform(
            """
            INSERT INTO conversation_streams (ledger_id, stream, conversation_id, first_position)
            VALUES (\(ledger.id), \(stream), \(target), \(position))
            ON CONFLICT (ledger_id, stream) DO NOTHING
            """, logger: logger
        )
        if !keys.isEmpty {
            try await connection.perform(
                """
                INSERT INTO conversation_identities (ledger_id, phone_number_id, citizen_key, conversation_id, first_position)
                SELECT \(ledger.id), \(phoneNumberID), k, \(target), \(position) FROM unnest(\(keys)::text[]) AS k
                ON CONFLICT (ledger_id, phone_number_id, citizen_key) DO NOTHING
                """, logger: logger
            )
        }
        return target
    }

    /// Moves the streams, identities and timeline of `others` into `target`, combines their
    /// counters (the newest known name and identifiers win) and deletes them.
    private func merge(_ others: [String], into target: String) async throws {
        logger.debug("linking conversations", metadata: ["into": "\(target)", "merged": "\(others)"])
        let all = [target] + others
        for table in ["conversation_streams", "conversation_identities", "conversation_messages"] {
            try await connection.perform(
                PostgresQuery(
                    unsafeSQL: "UPDATE \(table) SET conversation_id = $1 WHERE ledger_id = $2 AND conversation_id = ANY($3::text[])",
                    binds: Self.binds(target, ledger.id, others)),
                logger: logger
            )
        }
        try await connection.perform(
            """
            UPDATE conversations t SET
                display_phone_number = m.display_phone_number, user_id = m.user_id, wa_id = m.wa_id, profile_name = m.profile_name,
                first_position = m.first_position, last_position = m.last_position,
                first_message_at_us = m.first_message_at_us, last_message_at_us = m.last_message_at_us,
                last_inbound_at_us = m.last_inbound_at_us, last_activity_at_us = m.last_activity_at_us, message_count = m.message_count
            FROM (
                SELECT (array_agg(display_phone_number ORDER BY last_position DESC) FILTER (WHERE display_phone_number IS NOT NULL))[1]
                           AS display_phone_number,
                       (array_agg(user_id ORDER BY last_position DESC) FILTER (WHERE user_id IS NOT NULL))[1] AS user_id,
                       (array_agg(wa_id ORDER BY last_position DESC) FILTER (WHERE wa_id IS NOT NULL))[1] AS wa_id,
                       (array_agg(profile_name ORDER BY last_position DESC) FILTER (WHERE profile_name IS NOT NULL))[1] AS profile_name,
                       min(first_position) AS first_position, max(last_position) AS last_position,
                       min(first_message_at_us) AS first_message_at_us, max(last_message_at_us) AS last_message_at_us,
                       max(last_inbound_at_us) AS last_inbound_at_us, max(last_activity_at_us) AS last_activity_at_us,
                       sum(message_count)::int8 AS message_count
                FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(all)::text[])
            ) m
            WHERE t.ledger_id = \(ledger.id) AND t.id = \(target)
            """, logger: logger
        )
        try await connection.perform(
            "DELETE FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(others)::text[])", logger: logger
        )
    }

    private static func binds(_ target: String, _ ledgerID: Int32, _ others: [String]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 3)
        binds.append(target)
        binds.append(ledgerID)
        binds.append(others)
        return binds
    }
}
