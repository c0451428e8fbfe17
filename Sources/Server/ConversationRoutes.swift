import Access
import Foundation
import Hummingbird
import LedgerStore
import Messaging

extension Router where Context == RecordkeeperRequestContext {
    /// The conversations read API (docs/api.md), for staff within their scope (docs/access.md):
    /// `GET /v1/conversations`, `GET /v1/conversations/{id}`, `GET /v1/conversations/{id}/messages`.
    /// `{id}` is the conversation's opaque API id (``ConversationIDCodec``).
    func addConversationRoutes(store: LedgerStore, settings: ConversationSettings, scope: ConversationScopeCheck) {
        let queries = ConversationQueries(store: store)
        let ids = ConversationIDCodec(masterKey: store.masterKey)
        let ledger = settings.ledger
        let group = group("v1/conversations")
        group.get { request, context -> ConversationListResponse in
            let parameters = request.uri.queryParameters
            let since = try parameters.optionalTime("since")
            let until = try parameters.optionalTime("until")
            let limit = try parameters.limit()
            // No WhatsApp event recorded yet (no ledger): no conversations.
            let page = try await mapConversationErrors(ifNoLedger: ConversationPage(items: [], nextCursor: nil)) {
                try await queries.conversations(
                    ledger: ledger, phoneNumberID: parameters["phone_number_id"].map(String.init), since: since, until: until,
                    limit: limit, cursor: parameters["cursor"].map(String.init), teams: try context.scope().teamFilter)
            }
            return ConversationListResponse(items: page.items.map { ConversationResponse($0, ids: ids) }, nextCursor: page.nextCursor)
        }
        group.get(":id") { _, context -> ConversationResponse in
            let id = try context.conversationID(ids)
            try await scope.require(id, in: context)
            guard let detail = try await mapConversationErrors({ try await queries.conversation(ledger: ledger, id: id) }) else {
                throw ProblemDetails.noConversation
            }
            return ConversationResponse(detail.summary, detail: detail, ids: ids)
        }
        group.get(":id/messages") { request, context -> TimelineResponse in
            let id = try context.conversationID(ids)
            try await scope.require(id, in: context)
            let clearance = context.clearance
            let parameters = request.uri.queryParameters
            let limit = try parameters.limit()
            let cursor = parameters["cursor"].map(String.init)
            guard
                let page = try await mapConversationErrors({
                    try await queries.messages(ledger: ledger, conversation: id, limit: limit, cursor: cursor)
                })
            else {
                throw ProblemDetails.noConversation
            }
            let shown = page.items.map { ContentMasking.apply($0, clearance: clearance) }
            context.accessNote.viewed("conversation:\(id)")
            for item in shown where item.masked { context.accessNote.masked(item.position) }
            return TimelineResponse(
                conversation: ids.apiID(id), items: shown.map(TimelineItemResponse.init), nextCursor: page.nextCursor)
        }
    }
}

extension ProblemDetails {
    static let noConversation = ProblemDetails(
        status: .notFound, code: "no_conversation", title: "No such conversation",
        detail: "there is no conversation with this id: use an id from GET /v1/conversations")
}

extension RequestContext {
    /// The internal conversation id of the `{id}` path segment (an API id, ``ConversationIDCodec``).
    /// Not base64url (the `^[A-Za-z0-9_-]+$` of /openapi.json), or one that holds no possible
    /// id: 400 `invalid_conversation_id`; base64url but not an id this service made: 404
    /// `no_conversation`, like an unknown one.
    func conversationID(_ ids: ConversationIDCodec) throws -> String {
        guard let text = parameters.get("id"), let id = ids.conversationID(fromAPIID: text) else {
            if let text = parameters.get("id"), ids.isUnknown(text) { throw ProblemDetails.noConversation }
            throw ProblemDetails(
                status: .badRequest, code: "invalid_conversation_id", title: "Invalid conversation id",
                detail: "the conversation id must be an `id` returned by GET /v1/conversations")
        }
        return id
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

extension Parameters {
    /// `limit`, 1…200 (default 50).
    func limit() throws -> Int {
        guard let value = try optionalInteger("limit") else { return 50 }
        guard (1...Int64(ConversationQueries.maxLimit)).contains(value) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"limit\" must be between 1 and \(ConversationQueries.maxLimit)")
        }
        return Int(value)
    }

    /// An RFC 3339 time, e.g. `2026-11-25T17:02:11Z`.
    func optionalTime(_ name: String) throws -> Date? {
        guard let text = self[name[...]] else { return nil }
        guard let date = RFC3339.parse(String(text)) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"\(name)\" must be an RFC 3339 time such as 2026-11-25T17:02:11Z, got \"\(text)\"")
        }
        return date
    }
}

/// Turns a bad cursor into 400 problem details, and a missing ledger into `ifNoLedger` (or 404
/// `no_conversation`: a conversation cannot be in a ledger that does not exist).
func mapConversationErrors<T>(ifNoLedger fallback: T? = nil, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConversationQueryError {
        throw ProblemDetails(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: error.description)
    } catch LedgerStoreError.ledgerNotFound {
        guard let fallback else { throw ProblemDetails.noConversation }
        return fallback
    }
}
