import Access
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Messaging

extension Router where Context == RecordkeeperRequestContext {
    /// The team inbox (docs/api.md, "Team inbox"): `GET /v1/inbox`, a conversation's
    /// assignment, state, notes and read mark, and the routing rules. Every conversation route
    /// answers 404 `no_conversation` for a conversation outside the caller's scope.
    func addInboxRoutes(store: LedgerStore, settings: ConversationSettings) {
        let queries = InboxQueries(store: store)
        let ids = ConversationIDCodec(masterKey: store.masterKey)
        let commands = InboxCommands(store: store, ledger: settings.ledger)
        let ledger = settings.ledger

        /// The conversation of `{id}` as the caller sees it; 404 outside their scope.
        @Sendable func scoped(_ context: Context) async throws -> (InboxItem, StaffPrincipal) {
            let id = try context.conversationID(ids)
            let principal = try context.staff()
            guard let item = try await queries.item(ledger: ledger, conversation: id, user: principal.name) else {
                throw ProblemDetails.noConversation
            }
            guard try context.scope().includes(team: item.team) else {
                context.accessNote.refused("conversation:\(id)")
                throw ProblemDetails.noConversation
            }
            return (item, principal)
        }

        @Sendable func body(_ request: Request) async throws -> [UInt8] {
            try await request.collectBody(upTo: 64 * 1024) {
                ProblemDetails(status: .contentTooLarge, code: "body_too_large", title: "Request too large", detail: "the body may be at most 64 KiB")
            }
        }

        group("v1").get("inbox") { request, context -> InboxListResponse in
            let principal = try context.staff()
            let parameters = request.uri.queryParameters
            var filter = InboxFilter()
            if let team = parameters["team"].map(String.init) { filter.team = team }
            if let state = parameters["state"].map(String.init) {
                guard InboxFilter.states.contains(state) else {
                    throw ProblemDetails.invalidParameter("state", "must be open, pending, closed or reopened")
                }
                filter.state = state
            }
            switch parameters["assignee"].map(String.init) {
            case nil: break
            case "me"?: filter.assignee = .user(principal.name)
            case "none"?: filter.assignee = .nobody
            case let name?: filter.assignee = .user(name)
            }
            switch parameters["unread"].map(String.init) {
            case nil, "false"?: break
            case "true"?: filter.unreadOnly = true
            default: throw ProblemDetails.invalidParameter("unread", "must be true or false")
            }
            let limit = try parameters.limit()
            let page = try await mapConversationErrors {
                try await queries.list(
                    ledger: ledger, scope: try context.scope(), user: principal.name, filter: filter, limit: limit,
                    cursor: parameters["cursor"].map(String.init))
            }
            let now = Date()
            return InboxListResponse(items: page.items.map { InboxItemResponse($0, now: now, ids: ids) }, nextCursor: page.nextCursor)
        }

        let conversations = group("v1/conversations")
        conversations.post(":id/assignment") { request, context -> InboxStateResponse in
            let (item, principal) = try await scoped(context)
            let outcome = try await mapInboxErrors {
                try await commands.assign(item, try InboxRequestBodies.assignment(try await body(request)), by: principal)
            }
            return InboxStateResponse(item, outcome, ids: ids)
        }
        conversations.post(":id/state") { request, context -> InboxStateResponse in
            let (item, principal) = try await scoped(context)
            let outcome = try await mapInboxErrors {
                try await commands.changeState(item, to: try InboxRequestBodies.state(try await body(request)), by: principal)
            }
            return InboxStateResponse(item, outcome, ids: ids)
        }
        conversations.get(":id/notes") { _, context -> NoteListResponse in
            let (item, _) = try await scoped(context)
            let notes = try await queries.notes(ledger: ledger, conversation: item.conversationID)
            context.accessNote.viewed("conversation:\(item.conversationID)")
            return NoteListResponse(
                conversation: ids.apiID(item.conversationID),
                items: notes.map {
                    NoteResponse(noteID: $0.noteID, position: $0.position, author: $0.author, createdAt: RFC3339.format($0.createdAt), text: $0.text)
                })
        }
        conversations.post(":id/notes") { request, context -> EditedResponse<NoteResponse> in
            let (item, principal) = try await scoped(context)
            let note = try await mapInboxErrors {
                try await commands.addNote(item, text: try InboxRequestBodies.noteText(try await body(request)), by: principal)
            }
            return EditedResponse(
                status: .created,
                response: NoteResponse(
                    noteID: note.noteID, position: note.position, author: note.author, createdAt: RFC3339.format(note.createdAt), text: note.text))
        }
        conversations.post(":id/read") { request, context -> ReadMarkResponse in
            let (item, principal) = try await scoped(context)
            let latest = try await queries.latestMessagePosition(ledger: ledger, conversation: item.conversationID)
            let mark = try await mapInboxErrors {
                try await commands.markRead(
                    item, upTo: try InboxRequestBodies.readPosition(try await body(request), latest: latest), latest: latest, by: principal)
            }
            return ReadMarkResponse(conversation: ids.apiID(item.conversationID), readPosition: mark.read, position: mark.position)
        }

        let routing = group("v1/routing")
        routing.get("rules") { _, _ -> RoutingRulesResponse in
            RoutingRulesResponse(try await queries.routingRules(ledger: ledger))
        }
        routing.put("rules") { request, context -> RoutingRulesResponse in
            let principal = try context.staff()
            let payload = try await body(request)
            do {
                let (rules, position) = try await commands.setRoutingRules(try RoutingRuleSet.parse(payload), by: principal)
                return RoutingRulesResponse(CurrentRoutingRules(rules: rules, position: position, actor: principal.actor, setAt: Date()))
            } catch let error as RoutingRulesError {
                switch error {
                case .notJSON: throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
                case .invalid(let field, _):
                    throw ProblemDetails(
                        status: .unprocessableContent, code: "invalid_field", title: "Invalid routing rules", detail: error.description,
                        extensions: ["field": field])
                }
            }
        }
    }
}

/// Turns an ``InboxCommandError`` into problem details: 400 not JSON, 422 a bad field (named
/// in `field`), 403 a change the caller's roles do not allow.
func mapInboxErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as InboxCommandError {
        switch error {
        case .notJSON: throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
        case .invalid(let field, _):
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description, extensions: ["field": field])
        case .notAllowed:
            throw ProblemDetails(status: .forbidden, code: "assignment_not_allowed", title: "Not allowed", detail: error.description)
        }
    }
}

extension ProblemDetails {
    static func invalidParameter(_ name: String, _ requirement: String) -> ProblemDetails {
        ProblemDetails(
            status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: "the query parameter \"\(name)\" \(requirement)")
    }
}

struct InboxItemResponse: Encodable {
    var id: String
    var phoneNumberID: String
    var team: String?
    var assignee: String?
    var state: String
    var unread: Int64
    var readPosition: Int64
    var lastInboundAt: String?
    var lastActivityAt: String
    var windowOpen: Bool
    var windowClosesAt: String?

    enum CodingKeys: String, CodingKey {
        case id, team, assignee, state, unread
        case phoneNumberID = "phone_number_id"
        case readPosition = "read_position"
        case lastInboundAt = "last_inbound_at"
        case lastActivityAt = "last_activity_at"
        case windowOpen = "window_open"
        case windowClosesAt = "window_closes_at"
    }

    init(_ item: InboxItem, now: Date, ids: ConversationIDCodec) {
        id = ids.apiID(item.conversationID)
        phoneNumberID = item.phoneNumberID
        team = item.team
        assignee = item.assignee
        state = item.state
        unread = item.unread
        readPosition = item.readPosition
        lastInboundAt = item.lastInboundAt.map(RFC3339.format)
        lastActivityAt = RFC3339.format(item.lastActivityAt)
        windowOpen = item.windowOpen(at: now)
        windowClosesAt = item.windowClosesAt.map(RFC3339.format)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(phoneNumberID, forKey: .phoneNumberID)
        try container.encode(team, forKey: .team)
        try container.encode(assignee, forKey: .assignee)
        try container.encode(state, forKey: .state)
        try container.encode(unread, forKey: .unread)
        try container.encode(readPosition, forKey: .readPosition)
        try container.encode(lastInboundAt, forKey: .lastInboundAt)
        try container.encode(lastActivityAt, forKey: .lastActivityAt)
        try container.encode(windowOpen, forKey: .windowOpen)
        try container.encode(windowClosesAt, forKey: .windowClosesAt)
    }
}

struct InboxListResponse: ResponseEncodable {
    var items: [InboxItemResponse]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// A conversation's team, assignee and state after a change, and the events it recorded.
struct InboxStateResponse: ResponseEncodable {
    var conversation: String
    var team: String?
    var assignee: String?
    var state: String
    var positions: [Int64]

    init(_ item: InboxItem, _ outcome: InboxCommands.Outcome, ids: ConversationIDCodec) {
        conversation = ids.apiID(item.conversationID)
        team = outcome.team
        assignee = outcome.assignee
        state = outcome.state
        positions = outcome.positions
    }

    enum CodingKeys: String, CodingKey { case conversation, team, assignee, state, positions }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(team, forKey: .team)
        try container.encode(assignee, forKey: .assignee)
        try container.encode(state, forKey: .state)
        try container.encode(positions, forKey: .positions)
    }
}

struct NoteResponse: ResponseEncodable {
    var noteID: String
    var position: Int64
    var author: String
    var createdAt: String
    var text: String?

    enum CodingKeys: String, CodingKey {
        case position, author, text
        case noteID = "note_id"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(noteID, forKey: .noteID)
        try container.encode(position, forKey: .position)
        try container.encode(author, forKey: .author)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(text, forKey: .text)
    }
}

struct NoteListResponse: ResponseEncodable {
    var conversation: String
    var items: [NoteResponse]
}

struct ReadMarkResponse: ResponseEncodable {
    var conversation: String
    var readPosition: Int64
    var position: Int64

    enum CodingKeys: String, CodingKey {
        case conversation, position
        case readPosition = "read_position"
    }
}

struct RoutingRulesResponse: ResponseEncodable {
    var rules: RoutingRuleSet
    var position: Int64?
    var setBy: String?
    var setAt: String?

    init(_ current: CurrentRoutingRules) {
        rules = current.rules
        position = current.position
        setBy = current.actor
        setAt = current.setAt.map(RFC3339.format)
    }

    enum CodingKeys: String, CodingKey {
        case position, rules
        case setBy = "set_by"
        case setAt = "set_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rules.json, forKey: .rules)
        try container.encode(position, forKey: .position)
        try container.encode(setBy, forKey: .setBy)
        try container.encode(setAt, forKey: .setAt)
    }
}
