import Classification
import Foundation
import Messaging
import OpenAPIRuntime
import RecordkeeperCore

// The records area's `typeOverrides` (openapi-generator-config.yaml) and the conversions from
// the domain's conversation models to the generated schema types.

/// The domain's models, named apart from the generated schemas of the same names.
typealias ConversationDetailModel = ConversationDetail
typealias TimelineItemModel = TimelineItem
typealias SendStatusModel = SendStatus
typealias MessageContentModel = MessageContent

/// `SendRequest` of `openapi.yaml`: any JSON, kept whole. The send API checks the request itself
/// (``SendRequests``: 422 `invalid_field` naming the member), so the generated decoder must not
/// refuse it first; the handler reads the exact bytes (``RequestBodyMiddleware/bytes``).
struct SendRequestBody: Codable, Hashable, Sendable {
    var json: JSONValue

    init(from decoder: any Decoder) throws {
        json = try JSONValue(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// `MessageContent` of `openapi.yaml`: `{"state":"available","message":{…},"profile":{…}}`,
/// `{"state":"destroyed","destroyed_by":N}`, `{"state":"sealed"}`,
/// `{"state":"unavailable","reason":"…"}` or `{"state":"withheld"}` (not for this reader's
/// clearance: docs/access.md). The message is written exactly as recorded (``JSONValue``), which
/// a generic object container cannot promise for every number.
struct MessageContentBody: Codable, Hashable, Sendable {
    var state: String
    var message: JSONValue?
    var profile: JSONValue?
    var destroyedBy: Int64?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case state, message, profile, reason
        case destroyedBy = "destroyed_by"
    }

    init(_ content: MessageContentModel) {
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

extension Components.Schemas.Conversation {
    /// A conversation as the API shows it; `detail` adds its streams and citizen keys.
    init(_ summary: ConversationSummary, ids: ConversationIDCodec) {
        self.init(
            id: ids.apiID(summary.id), stream: summary.id, phoneNumberId: summary.phoneNumberID, displayPhoneNumber: summary.displayPhoneNumber,
            waId: summary.waID, userId: summary.userID, profileName: summary.profileName, firstMessageAt: summary.firstMessageAt,
            lastMessageAt: summary.lastMessageAt, lastInboundAt: summary.lastInboundAt, lastActivityAt: summary.lastActivityAt,
            messageCount: Int(summary.messageCount), category: summary.category?.rawValue)
    }
}

extension Components.Schemas.ConversationDetail {
    /// A conversation with its streams and citizen keys (`GET /v1/conversations/{id}`).
    init(_ detail: ConversationDetailModel, ids: ConversationIDCodec) {
        self.init(value1: .init(detail.summary, ids: ids), value2: .init(streams: detail.streams, citizenKeys: detail.citizenKeys))
    }
}

extension Components.Schemas.TimelineItem {
    /// A message of a timeline, as masked for the reader.
    init(_ item: TimelineItemModel) throws {
        self.init(
            position: Int(item.position), stream: item.stream, messageId: item.messageID, direction: try .init(unvalidatedValue: item.direction),
            _type: item.messageType, occurredAt: item.occurredAt, status: item.status, statusAt: item.statusAt, requestId: item.requestID,
            errorCode: item.errorCode, content: MessageContentBody(item.content), category: item.classification?.category.rawValue,
            classificationReasons: item.classification?.reasons, masked: item.masked)
    }
}

extension Components.Schemas.SendStatus {
    /// Where a send request stands.
    init(_ status: SendStatusModel, ids: ConversationIDCodec) {
        self.init(
            requestId: status.requestID, position: Int(status.position), conversation: status.conversationID.map(ids.apiID), kind: status.kind,
            status: status.status, statusAt: status.statusAt, messageId: status.messageID, errorCode: status.errorCode, attempts: status.attempts,
            nextAttemptAt: status.nextAttemptAt, lastError: status.lastError)
    }
}

/// The largest send request body (``RequestBodyMiddleware/limits``): messages are small (a text
/// is at most 4096 characters).
enum SendRoutesLimits {
    static let maxBodyBytes = 256 * 1024
}
