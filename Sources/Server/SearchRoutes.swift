import Classification
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Messaging

extension Router where Context == RecordkeeperRequestContext {
    /// Content search (docs/api.md, "Search"): `GET /v1/search?q=…&conversation=…&limit=…&cursor=…`
    /// finds messages holding every word of `q`, within the caller's conversations, newest first,
    /// masked above the caller's clearance. Every search is recorded (`access.viewed` with the
    /// query and each message shown).
    func addSearchRoutes(search: ContentSearch) {
        let ids = ConversationIDCodec(masterKey: search.store.masterKey)
        get("v1/search") { request, context -> SearchResponse in
            let parameters = request.uri.queryParameters
            guard let query = parameters["q"].map(String.init), !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                    detail: "the query parameter \"q\" must hold the words to search for", extensions: ["field": "q"])
            }
            var conversation: String?
            if let text = parameters["conversation"] {
                guard let id = ids.conversationID(fromAPIID: String(text)) else {
                    // Well formed but not one of ours: no such conversation (as for the `{id}` routes).
                    if ids.isUnknown(String(text)) { throw ProblemDetails.noConversation }
                    throw ProblemDetails(
                        status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                        detail: "the query parameter \"conversation\" must be an `id` returned by GET /v1/conversations",
                        extensions: ["field": "conversation"])
                }
                conversation = id
            }
            let limit = try parameters.searchLimit()
            context.accessNote.query(query)
            let page: SearchPage
            do {
                page = try await search.search(
                    query, conversation: conversation, scope: try context.scope(), clearance: context.clearance, limit: limit,
                    cursor: parameters["cursor"].map(String.init))
            } catch let error as ContentSearchError {
                throw ProblemDetails(error)
            }
            for hit in page.hits {
                context.accessNote.viewed("message:\(hit.position)")
                if hit.masked { context.accessNote.masked(hit.position) }
            }
            return SearchResponse(items: page.hits.map { SearchItemResponse($0, ids: ids) }, nextCursor: page.nextCursor)
        }
    }
}

extension Parameters {
    /// `limit` of a search, 1…100 (default 20).
    func searchLimit() throws -> Int {
        guard let value = try optionalInteger("limit") else { return 20 }
        guard (1...Int64(ContentSearch.maxLimit)).contains(value) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"limit\" must be between 1 and \(ContentSearch.maxLimit)", extensions: ["field": "limit"])
        }
        return Int(value)
    }
}

extension ProblemDetails {
    init(_ error: ContentSearchError) {
        switch error {
        case .noTerms, .queryTooLong:
            self.init(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: error.description, extensions: ["field": "q"])
        case .invalidCursor:
            self.init(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: error.description)
        case .unavailable:
            self.init(status: .serviceUnavailable, code: "search_unavailable", title: "Search unavailable", detail: error.description)
        }
    }
}

struct SearchResponse: ResponseEncodable {
    var items: [SearchItemResponse]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

struct SearchItemResponse: Encodable {
    var position: Int64
    var conversation: String
    var direction: String
    var occurredAt: String
    var text: String?
    var masked: Bool
    var category: Int

    enum CodingKeys: String, CodingKey {
        case position, conversation, direction, text, masked, category
        case occurredAt = "occurred_at"
    }

    init(_ hit: SearchHit, ids: ConversationIDCodec) {
        position = hit.position
        conversation = ids.apiID(hit.conversationID)
        direction = hit.direction
        occurredAt = RFC3339.format(hit.occurredAt)
        text = hit.text
        masked = hit.masked
        category = hit.category.rawValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(direction, forKey: .direction)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(text, forKey: .text)  // null when withheld
        try container.encode(masked, forKey: .masked)
        try container.encode(category, forKey: .category)
    }
}
