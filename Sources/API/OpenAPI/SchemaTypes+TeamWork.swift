import Classification
import Foundation
import Inbox
import Messaging
import RecordkeeperCore

// The team work schemas of `openapi.yaml` that `openapi-generator-config.yaml` replaces
// (`typeOverrides`): responses whose required members are written as `null` when absent, and
// request bodies read as JSON, so that the inbox, routing and automation commands check their
// shape and answer each fault as they always have (422 `invalid_field` naming it).

/// `AutomationRules` (`PUT /v1/automation-rules`): checked by ``AutomationRuleSet/init(json:)``.
typealias AutomationRulesBody = JSONValue
/// `AutomationRulesRecorded`: the rule set with `position`, `set_at` and `set_by` (null when
/// none was ever set), as ``APIHandler/automationDocument(_:)`` writes it.
typealias AutomationRulesDocument = JSONValue
/// `Assignment`: read by ``InboxRequestBodies/assignment(_:)``.
typealias AssignmentBody = JSONValue
/// `StateChange`: read by ``InboxRequestBodies/state(_:)``.
typealias StateChangeBody = JSONValue
/// `NewNote`: read by ``InboxRequestBodies/noteText(_:)``.
typealias NewNoteBody = JSONValue
/// `ReadRequest`: read by ``InboxRequestBodies/readPosition(_:latest:)``.
typealias ReadRequestBody = JSONValue
/// `RoutingRules`: checked by ``RoutingRuleSet/parse(_:)``; also the rules of a
/// `RoutingRulesState`.
typealias RoutingRulesBody = JSONValue

/// The inbox routes' request bodies, read into the inbox commands' typed requests: the JSON shape
/// is HTTP's to check (an object with known fields of the right JSON types), the values are the
/// commands' (``InboxCommands``). Every fault is an ``InboxCommandError``.
enum InboxRequestBodies {
    /// `{"assignee": "name" | null, "team": "t"?}`.
    static func assignment(_ body: JSONValue) throws -> InboxCommands.Assignment {
        let members = try object(body, shape: #"{"assignee": "name" or null, "team": "team"}"#, fields: ["assignee", "team"], what: "an assignment")
        guard let assignee = members["assignee"] else {
            throw InboxCommandError.invalid(field: "assignee", "is required: a user name, or null to unassign")
        }
        return InboxCommands.Assignment(
            assignee: try text(assignee, field: "assignee", "must be a user name ([a-z0-9][a-z0-9._-]*, at most 64 characters) or null"),
            team: try members["team"].flatMap { try text($0, field: "team", "must be a team name: 1 to 64 letters, digits, '.', '_' or '-'") })
    }

    /// `{"state": "pending" | "closed" | "open"}`.
    static func state(_ body: JSONValue) throws -> String {
        let members = try object(body, shape: #"{"state": "pending" | "closed" | "open"}"#, fields: ["state"], what: "a state change")
        guard let state = members["state"]?.string else { throw InboxCommandError.invalid(field: "state", "must be \"pending\", \"closed\" or \"open\"") }
        return state
    }

    /// `{"text": "…"}`.
    static func noteText(_ body: JSONValue) throws -> String {
        let members = try object(body, shape: #"{"text": "the note"}"#, fields: ["text"], what: "a note")
        guard let text = members["text"]?.string else {
            throw InboxCommandError.invalid(field: "text", "must be the note's text: 1 to \(InboxEvents.maxNoteLength) characters, not only spaces")
        }
        return text
    }

    /// `{"position": n}`, or no body (nil: up to the latest message).
    static func readPosition(_ body: JSONValue?, latest: Int64) throws -> Int64? {
        guard let body else { return nil }
        let members = try object(body, shape: #"{"position": n} (or no body: up to the latest message)"#, fields: ["position"], what: "a read mark")
        guard let value = members["position"], value != .null else { return nil }
        guard let position = value.integer else {
            throw InboxCommandError.invalid(field: "position", "must be a message position of this conversation, 0 to \(latest)")
        }
        return position
    }

    /// The body's members, when it is a JSON object with no field but `fields`.
    private static func object(_ body: JSONValue, shape: String, fields: Set<String>, what: String) throws -> [String: JSONValue] {
        guard case .object(let members) = body else { throw InboxCommandError.notJSON(shape) }
        if let unknown = members.keys.sorted().first(where: { !fields.contains($0) }) {
            throw InboxCommandError.invalid(field: unknown, "is not a field of \(what): \(shape)")
        }
        return members
    }

    /// A string, or nil for JSON null; anything else is refused with `requirement`.
    private static func text(_ value: JSONValue, field: String, _ requirement: String) throws -> String? {
        if value == .null { return nil }
        guard let text = value.string else { throw InboxCommandError.invalid(field: field, requirement) }
        return text
    }
}

/// `InboxItem` of `openapi.yaml`: one conversation of the inbox (absent values written as null).
struct InboxItemEntry: Codable, Hashable, Sendable {
    var id: String
    var phoneNumberID: String
    @Nullable var team: String?
    @Nullable var assignee: String?
    var state: String
    var unread: Int64
    var readPosition: Int64
    @Nullable var lastInboundAt: String?
    var lastActivityAt: String
    var windowOpen: Bool
    @Nullable var windowClosesAt: String?

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

}

/// `InboxPage` of `openapi.yaml` (`next_cursor` null on the last page).
struct InboxPageDocument: Codable, Hashable, Sendable {
    var items: [InboxItemEntry]
    @Nullable var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

}

/// `InboxState` of `openapi.yaml`: a conversation's team, assignee and state after a change, and
/// the events it recorded.
struct InboxStateDocument: Codable, Hashable, Sendable {
    var conversation: String
    @Nullable var team: String?
    @Nullable var assignee: String?
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

}

/// `Note` of `openapi.yaml` (`text` null when the payload is destroyed or sealed).
struct NoteItem: Codable, Hashable, Sendable {
    var noteID: String
    var position: Int64
    var author: String
    var createdAt: String
    @Nullable var text: String?

    init(noteID: String, position: Int64, author: String, createdAt: Date, text: String?) {
        self.noteID = noteID
        self.position = position
        self.author = author
        self.createdAt = RFC3339.format(createdAt)
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case position, author, text
        case noteID = "note_id"
        case createdAt = "created_at"
    }

}

/// `RoutingRulesState` of `openapi.yaml`: the rule set in force and the entry that set it
/// (`position`, `set_by`, `set_at` null when none was ever set).
struct RoutingRulesStateDocument: Codable, Hashable, Sendable {
    var rules: JSONValue
    @Nullable var position: Int64?
    @Nullable var setBy: String?
    @Nullable var setAt: String?

    init(_ current: CurrentRoutingRules) {
        rules = current.rules.json
        position = current.position
        setBy = current.actor
        setAt = current.setAt.map(RFC3339.format)
    }

    enum CodingKeys: String, CodingKey {
        case position, rules
        case setBy = "set_by"
        case setAt = "set_at"
    }

}

/// `SearchHit` of `openapi.yaml`: one message a search found (`text` null when withheld).
struct SearchHitItem: Codable, Hashable, Sendable {
    var position: Int64
    var conversation: String
    var direction: String
    var occurredAt: String
    @Nullable var text: String?
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

}

/// `AnalyticsDay` of `openapi.yaml`: one team's figures for one day, encoded as
/// ``AnalyticsDay`` encodes itself (absent percentiles and ages written as null).
struct AnalyticsDayRow: Codable, Hashable, Sendable {
    var day: AnalyticsDay

    init(_ day: AnalyticsDay) {
        self.day = day
    }

    init(from decoder: any Decoder) throws {
        day = try AnalyticsDay(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try day.encode(to: encoder)
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.day == rhs.day }

    func hash(into hasher: inout Hasher) {
        hasher.combine(day.date)
        hasher.combine(day.team)
    }
}
