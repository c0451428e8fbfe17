import Events
import LedgerStore
import PostgresNIO

/// Reads, with at most four statements, the rows of the conversations projection that one
/// batch of entries needs (``ConversationBatch``): the links of its streams and citizen keys,
/// the outbound messages its statuses and outcomes name, the best statuses of the message ids
/// it names, and the conversations all of these belong to.
struct ConversationBatchReader {
    let ledger: LedgerRef
    let sql: ConversationStatements

    /// What the entries name, to read.
    private struct Keys {
        var streams: Set<String> = []
        var identities: Set<IdentityKey> = []
        /// Message ids whose best status an entry reads.
        var statusIDs: Set<String> = []
        /// Message ids whose outbound messages a status may change.
        var outboundIDs: Set<String> = []
        var requestIDs: Set<String> = []

        init(_ entries: [ConversationEntry]) {
            for entry in entries {
                if let link = entry.link {
                    streams.insert(entry.stream)
                    for key in link.citizen?.keys ?? [] { identities.insert(IdentityKey(phoneNumberId: link.phoneNumberID, citizenKey: key)) }
                }
                switch entry.kind {
                case .message(let header):
                    if header.direction == "outbound" { statusIDs.insert(header.messageId) }
                case .status(let header):
                    statusIDs.insert(header.messageId)
                    outboundIDs.insert(header.messageId)
                case .request: break
                case .outcome(let header, let accepted):
                    requestIDs.insert(header.requestId)
                    if accepted, let messageID = header.messageId { statusIDs.insert(messageID) }
                }
            }
        }
    }

    func read(for entries: [ConversationEntry]) async throws -> ConversationBatch {
        let keys = Keys(entries)
        var batch = ConversationBatch()
        var conversationIDs: Set<String> = []
        if !keys.streams.isEmpty || !keys.identities.isEmpty {
            try await readLinks(keys, into: &batch)
            conversationIDs.formUnion(batch.streams.values)
            conversationIDs.formUnion(batch.identities.values)
        }
        if !keys.outboundIDs.isEmpty || !keys.requestIDs.isEmpty {
            try await readMessages(keys, into: &batch)
            conversationIDs.formUnion(batch.messages.values.map(\.conversationId))
        }
        if !keys.statusIDs.isEmpty { try await readStatuses(keys, into: &batch) }
        if !conversationIDs.isEmpty { try await readConversations(conversationIDs, into: &batch) }
        return batch
    }

    private func readLinks(_ keys: Keys, into batch: inout ConversationBatch) async throws {
        let identities = Array(keys.identities)
        let rows = try await sql.query(
            """
            SELECT 's', '', stream, conversation_id FROM conversation_streams
            WHERE ledger_id = \(ledger.id) AND stream = ANY(\(Array(keys.streams))::text[])
            UNION ALL
            SELECT 'i', i.phone_number_id, i.citizen_key, i.conversation_id
            FROM conversation_identities i
            JOIN unnest(\(identities.map(\.phoneNumberId))::text[], \(identities.map(\.citizenKey))::text[]) AS u(p, k)
                ON i.phone_number_id = u.p AND i.citizen_key = u.k
            WHERE i.ledger_id = \(ledger.id)
            """)
        for try await (kind, phoneNumberID, key, conversation) in rows.decode((String, String, String, String).self) {
            if kind == "s" {
                batch.streams[key] = conversation
            } else {
                batch.identities[IdentityKey(phoneNumberId: phoneNumberID, citizenKey: key)] = conversation
            }
        }
    }

    private func readMessages(_ keys: Keys, into batch: inout ConversationBatch) async throws {
        let columns = "position, conversation_id, stream, message_id, direction, message_type, occurred_at_us, status, status_at_us, request_id, error_code"
        let query: PostgresQuery = """
            SELECT \(unescaped: columns) FROM conversation_messages
            WHERE ledger_id = \(ledger.id) AND message_id = ANY(\(Array(keys.outboundIDs))::text[]) AND direction = 'outbound'
            UNION
            SELECT \(unescaped: columns) FROM conversation_messages WHERE ledger_id = \(ledger.id) AND request_id = ANY(\(Array(keys.requestIDs))::text[])
            """
        let rows = try await sql.query(query)
        for try await (position, conversation, stream, messageID, direction, type, occurred, status, statusAt, request, error) in rows.decode(
            (Int64, String, String, String, String, String?, Int64, String?, Int64?, String?, Int32?).self)
        {
            batch.read(
                message: MessageRow(
                    position: position, conversationId: conversation, stream: stream, messageId: messageID, direction: direction, messageType: type,
                    occurredAtUs: occurred, status: status, statusAtUs: statusAt, requestId: request, errorCode: error.map(Int.init)))
        }
    }

    private func readStatuses(_ keys: Keys, into batch: inout ConversationBatch) async throws {
        let rows = try await sql.query(
            """
            SELECT message_id, status, status_rank, status_at_us, position FROM conversation_statuses
            WHERE ledger_id = \(ledger.id) AND message_id = ANY(\(Array(keys.statusIDs))::text[])
            """)
        for try await (messageID, status, rank, at, position) in rows.decode((String, String, Int16, Int64, Int64).self) {
            batch.statuses[messageID] = StatusRow(status: status, rank: rank, atUs: at, position: position)
        }
    }

    private func readConversations(_ ids: Set<String>, into batch: inout ConversationBatch) async throws {
        let rows = try await sql.query(
            """
            SELECT id, phone_number_id, display_phone_number, user_id, wa_id, profile_name, first_position, last_position,
                   first_message_at_us, last_message_at_us, last_inbound_at_us, last_activity_at_us, message_count
            FROM conversations WHERE ledger_id = \(ledger.id) AND id = ANY(\(Array(ids))::text[])
            """)
        for try await (id, number, display, user, wa, name, first, last, firstMessage, lastMessage, lastInbound, activity, count) in rows.decode(
            (String, String, String?, String?, String?, String?, Int64, Int64, Int64?, Int64?, Int64?, Int64, Int64).self)
        {
            batch.read(
                conversation: ConversationRow(
                    id: id, phoneNumberId: number, displayPhoneNumber: display, userId: user, waId: wa, profileName: name, firstPosition: first,
                    lastPosition: last, firstMessageAtUs: firstMessage, lastMessageAtUs: lastMessage, lastInboundAtUs: lastInbound,
                    lastActivityAtUs: activity, messageCount: count))
        }
    }
}
