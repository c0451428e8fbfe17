import Classification
import Foundation
import Hummingbird
import Messaging
import RecordkeeperCore
import WhatsApp

/// Wire formats of the conversations read API (docs/api.md). Times are RFC 3339 UTC strings;
/// absent values are omitted.
struct ConversationResponse: Encodable {
    var id: String
    var stream: String
    var phoneNumberID: String
    var displayPhoneNumber: String?
    var userID: String?
    var waID: String?
    var profileName: String?
    var firstMessageAt: String?
    var lastMessageAt: String?
    var lastInboundAt: String?
    var lastActivityAt: String
    var messageCount: Int64
    var streams: [String]?
    var citizenKeys: [String]?
    var category: Int?

    enum CodingKeys: String, CodingKey {
        case id, stream, streams, category
        case phoneNumberID = "phone_number_id"
        case displayPhoneNumber = "display_phone_number"
        case userID = "user_id"
        case waID = "wa_id"
        case profileName = "profile_name"
        case firstMessageAt = "first_message_at"
        case lastMessageAt = "last_message_at"
        case lastInboundAt = "last_inbound_at"
        case lastActivityAt = "last_activity_at"
        case messageCount = "message_count"
        case citizenKeys = "citizen_keys"
    }

    init(_ summary: ConversationSummary, detail: ConversationDetail? = nil, ids: ConversationIDCodec) {
        id = ids.apiID(summary.id)
        stream = summary.id
        phoneNumberID = summary.phoneNumberID
        displayPhoneNumber = summary.displayPhoneNumber
        userID = summary.userID
        waID = summary.waID
        profileName = summary.profileName
        category = summary.category?.rawValue
        firstMessageAt = summary.firstMessageAt.map(RFC3339.format)
        lastMessageAt = summary.lastMessageAt.map(RFC3339.format)
        lastInboundAt = summary.lastInboundAt.map(RFC3339.format)
        lastActivityAt = RFC3339.format(summary.lastActivityAt)
        messageCount = summary.messageCount
        streams = detail?.streams
        citizenKeys = detail?.citizenKeys
    }
}

extension ConversationResponse: ResponseEncodable {}

struct ConversationListResponse: ResponseEncodable {
    var items: [ConversationResponse]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

struct TimelineItemResponse: Encodable {
    var position: Int64
    var stream: String
    var messageID: String
    var direction: String
    var type: String?
    var occurredAt: String
    var status: String?
    var statusAt: String?
    var requestID: String?
    var errorCode: Int?
    var category: Int?
    var classificationReasons: [String]?
    var masked: Bool
    var content: ContentResponse

    enum CodingKeys: String, CodingKey {
        case position, stream, direction, type, status, content, category, masked
        case classificationReasons = "classification_reasons"
        case messageID = "message_id"
        case occurredAt = "occurred_at"
        case statusAt = "status_at"
        case requestID = "request_id"
        case errorCode = "error_code"
    }

    init(_ item: TimelineItem) {
        position = item.position
        stream = item.stream
        messageID = item.messageID
        direction = item.direction
        type = item.messageType
        occurredAt = RFC3339.format(item.occurredAt)
        status = item.status
        statusAt = item.statusAt.map(RFC3339.format)
        requestID = item.requestID
        errorCode = item.errorCode
        category = item.classification?.category.rawValue
        classificationReasons = item.classification?.reasons
        masked = item.masked
        content = ContentResponse(item.content)
    }
}

/// `{"state":"available","message":{…},"profile":{…}}`, `{"state":"destroyed","destroyed_by":N}`,
/// `{"state":"sealed"}`, `{"state":"unavailable","reason":"…"}` or `{"state":"withheld"}` (not
/// for this reader's clearance: docs/access.md).
struct ContentResponse: Encodable {
    var state: String
    var message: JSONValue?
    var profile: JSONValue?
    var destroyedBy: Int64?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case state, message, profile, reason
        case destroyedBy = "destroyed_by"
    }

    init(_ content: MessageContent) {
        switch content {
        case .available(let message, let profile):
            state = "available"
            self.message = message
            self.profile = profile
        case .destroyed(let by):
            state = "destroyed"
            destroyedBy = by
        case .sealed:
            state = "sealed"
        case .unavailable(let why):
            state = "unavailable"
            reason = why
        case .withheld(let category):
            state = "withheld"
            reason =
                category == nil
                ? "not classified yet: until the classifier decides, it counts as category 4 (see docs/access.md)"
                : "not shown at your clearance: see docs/access.md"
        }
    }
}

struct TimelineResponse: ResponseEncodable {
    var conversation: String
    var items: [TimelineItemResponse]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case conversation, items
        case nextCursor = "next_cursor"
    }
}

/// RFC 3339 timestamps in UTC, with fractional seconds only when there are some.
enum RFC3339 {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        formatter.formatOptions = whole ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Parses `2026-11-25T17:02:11Z`, with or without fractional seconds, in any offset.
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
