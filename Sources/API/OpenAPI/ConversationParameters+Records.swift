import Foundation
import HTTPTypes
import LedgerStore
import Messaging

// The conversation parameters every conversation route reads: the generated operations
// (``APIHandler``) and the hand-written routes alike.

extension ProblemDetails {
    static let noConversation = ProblemDetails(
        status: .notFound, code: "no_conversation", title: "No such conversation",
        detail: "there is no conversation with this id: use an id from GET /v1/conversations")
}

extension APIHandler {
    /// The internal conversation id of an `{id}` path parameter (an API id, ``ConversationIDCodec``).
    /// Not base64url (the `^[A-Za-z0-9_-]+$` of /openapi.json), or one that holds no possible
    /// id: 400 `invalid_conversation_id`; base64url but not an id this service made: 404
    /// `no_conversation`, like an unknown one.
    static func conversationID(_ text: String, ids: ConversationIDCodec) throws -> String {
        guard let id = ids.conversationID(fromAPIID: text) else {
            if ids.isUnknown(text) { throw ProblemDetails.noConversation }
            throw ProblemDetails(
                status: .badRequest, code: "invalid_conversation_id", title: "Invalid conversation id",
                detail: "the conversation id must be an `id` returned by GET /v1/conversations")
        }
        return id
    }

    /// The `limit` query parameter, 1…200 (default 50). - Throws: 400 `invalid_parameter`.
    static func pageLimit(_ value: Int?) throws -> Int {
        guard let value else { return 50 }
        guard (1...ConversationQueries.maxLimit).contains(value) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"limit\" must be between 1 and \(ConversationQueries.maxLimit)")
        }
        return value
    }
}

extension ConversationIDCodec {
    /// Whether `text` has the form of an API id (base64url: `^[A-Za-z0-9_-]+$`) but does not
    /// open as one this service made: the id of no conversation (404), not a malformed one (400).
    func isUnknown(_ text: String) -> Bool {
        let wellFormed =
            !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
            }
        return wellFormed && !opens(text)
    }
}
