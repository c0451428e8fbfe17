import RecordkeeperCore

/// A `conversations` row as one batch of the conversations projection holds it in memory
/// (every column but `ledger_id`). Encoded as JSON (snake_case keys, absent for NULL) for the
/// batch's one multi-row write.
struct ConversationRow: Equatable {
    var id: String
    var phoneNumberId: String
    var displayPhoneNumber: String?
    var userId: String?
    var waId: String?
    var profileName: String?
    var firstPosition: Int64
    var lastPosition: Int64
    var firstMessageAtUs: Int64?
    var lastMessageAtUs: Int64?
    var lastInboundAtUs: Int64?
    var lastActivityAtUs: Int64
    var messageCount: Int64
}

/// A `conversation_messages` row (every column but `ledger_id`). `conversationId` is the
/// conversation the row was written or read with: the batch resolves it through the merges it
/// made before it writes.
struct MessageRow: Equatable {
    var position: Int64
    var conversationId: String
    var stream: String
    var messageId: String
    var direction: String
    var messageType: String?
    var occurredAtUs: Int64
    var status: String?
    var statusAtUs: Int64?
    var requestId: String?
    var errorCode: Int?
}

/// A `conversation_statuses` row: the best delivery status of one message id.
struct StatusRow: Equatable {
    var status: String
    var rank: Int16
    var atUs: Int64
    var position: Int64
}

/// A `conversation_identities` key: a citizen key (`u:…`, `p:…`) of one business number.
struct IdentityKey: Hashable {
    var phoneNumberId: String
    var citizenKey: String
}

/// A link row the batch adds (`conversation_streams` or `conversation_identities`): the
/// conversation it was made for (resolved through later merges before it is written) and the
/// entry that made it.
struct NewLink<Key: Hashable>: Equatable {
    var key: Key
    var conversationId: String
    var firstPosition: Int64
}

/// A row as a member of the JSON array that `jsonb_to_recordset` reads: each column under its
/// own name, NULL as an absent key.
protocol RecordsetRow {
    var columns: [String: JSONValue?] { get }
}

extension RecordsetRow {
    var json: JSONValue { .object(columns.compactMapValues { $0 }) }
}

extension ConversationRow: RecordsetRow {
    var columns: [String: JSONValue?] {
        [
            "id": .string(id), "phone_number_id": .string(phoneNumberId), "display_phone_number": displayPhoneNumber.map(JSONValue.string),
            "user_id": userId.map(JSONValue.string), "wa_id": waId.map(JSONValue.string), "profile_name": profileName.map(JSONValue.string),
            "first_position": .integer(firstPosition), "last_position": .integer(lastPosition),
            "first_message_at_us": firstMessageAtUs.map(JSONValue.integer), "last_message_at_us": lastMessageAtUs.map(JSONValue.integer),
            "last_inbound_at_us": lastInboundAtUs.map(JSONValue.integer), "last_activity_at_us": .integer(lastActivityAtUs),
            "message_count": .integer(messageCount),
        ]
    }
}

extension MessageRow: RecordsetRow {
    var columns: [String: JSONValue?] {
        [
            "position": .integer(position), "conversation_id": .string(conversationId), "stream": .string(stream), "message_id": .string(messageId),
            "direction": .string(direction), "message_type": messageType.map(JSONValue.string), "occurred_at_us": .integer(occurredAtUs),
            "status": status.map(JSONValue.string), "status_at_us": statusAtUs.map(JSONValue.integer), "request_id": requestId.map(JSONValue.string),
            "error_code": errorCode.map { .integer(Int64($0)) },
        ]
    }
}
