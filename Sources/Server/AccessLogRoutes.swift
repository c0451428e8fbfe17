import Access
import Foundation
import Hummingbird
import LedgerStore
import Messaging

struct AccessLogResponse: ResponseEncodable {
    var items: [AccessLogEntry]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

extension Router where Context == RecordkeeperRequestContext {
    /// `GET /v1/access` (auditors, records officers; docs/access.md "Read audit"): who was shown
    /// or refused what, newest first, by `user` and/or `record` (`conversation:<id>` with the id
    /// from `GET /v1/conversations`, `media:<media id>`, `message:<position>`), `since`/`until`.
    func addAccessLogRoutes(store: LedgerStore, settings: ConversationSettings) {
        let queries = AccessLogQueries(store: store)
        let ids = ConversationIDCodec(masterKey: store.masterKey)
        let ledger = settings.ledger
        group("v1").get("access") { request, _ -> AccessLogResponse in
            let parameters = request.uri.queryParameters
            let limit = try parameters.limit()
            var before: Int64?
            if let cursor = parameters["cursor"] {
                guard let fields = try? OpaqueToken.fields(of: String(cursor), kind: "access", count: 1), let position = Int64(fields[0]) else {
                    throw ProblemDetails(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: "use the next_cursor of a previous page")
                }
                before = position
            }
            var record = parameters["record"].map(String.init)
            if let text = record, text.hasPrefix("conversation:") {
                // The path form of a conversation id names the same record as its stream form.
                let id = String(text.dropFirst("conversation:".count))
                record = "conversation:" + (ids.conversationID(fromAPIID: id) ?? id)
            }
            let entries = try await mapConversationErrors(ifNoLedger: [AccessLogEntry]()) {
                try await queries.entries(
                    ledger: ledger, user: parameters["user"].map(String.init), record: record, since: try parameters.optionalTime("since"),
                    until: try parameters.optionalTime("until"), before: before, limit: limit + 1)
            }
            let page = Array(entries.prefix(limit))
            let next = entries.count > limit ? page.last.map { OpaqueToken.cursor(kind: "access", [String($0.position)]) } : nil
            return AccessLogResponse(items: page, nextCursor: next)
        }
    }
}
