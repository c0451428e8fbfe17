import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// The event types of the team inbox (docs/api.md, "Team inbox").
public enum InboxEventType {
    public static let routed = EventType.Inbox.routed
    public static let assigned = EventType.Inbox.assigned
    public static let pending = EventType.Inbox.pending
    public static let closed = EventType.Inbox.closed
    public static let reopened = EventType.Inbox.reopened
    public static let noteAdded = EventType.Inbox.noteAdded
    public static let readMarked = EventType.Inbox.readMarked
    public static let rulesSet = EventType.Inbox.routingRulesSet

    /// Every type of this catalog.
    public static let all: Set<String> = [routed, assigned, pending, closed, reopened, noteAdded, readMarked, rulesSet]
}

/// Builds the inbox's ledger events. Pure: the caller appends.
///
/// Conversation events are on stream `inbox/<conversation id>`; their header is JSON with
/// `"v":1` and `"conversation"`, and the payload is the header (a note's adds its `"text"`).
/// What a worker may repeat carries a dedupe key, so a restart records it once.
public enum InboxEvents {
    /// The actor of automatic routing and reopening.
    public static let routerActor = "system:router"
    /// The stream of the routing rules.
    public static let rulesStream = "routing/rules"
    /// The longest note.
    public static let maxNoteLength = 4096

    public static func stream(conversation: String) -> String { "inbox/\(conversation)" }

    /// `conversation.routed`: `rule` is a rule id, `default` or `transfer` (with `previousTeam`).
    public static func routed(
        conversation: String, team: String, rule: String, previousTeam: String? = nil, actor: String = routerActor,
        dedupeKey: String? = nil, at time: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header: [String: JSONValue] = ["team": .string(team), "rule": .string(rule)]
        if let previousTeam { header["previous_team"] = .string(previousTeam) }
        return try event(InboxEventType.routed, conversation: conversation, header, actor: actor, dedupeKey: dedupeKey, at: time)
    }

    /// The automatic routing of a new conversation: recorded once per conversation.
    public static func automaticRouting(conversation: String, team: String, rule: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        try routed(conversation: conversation, team: team, rule: rule, dedupeKey: "inbox:route:\(conversation)", at: time)
    }

    /// `conversation.assigned`; `assignee` nil: unassigned.
    public static func assigned(conversation: String, team: String?, assignee: String?, actor: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        try event(
            InboxEventType.assigned, conversation: conversation,
            ["team": team.map(JSONValue.string) ?? .null, "assignee": assignee.map(JSONValue.string) ?? .null], actor: actor, at: time)
    }

    /// `conversation.pending` or `conversation.closed`.
    public static func stateChanged(_ type: String, conversation: String, actor: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        precondition(type == InboxEventType.pending || type == InboxEventType.closed, "not a state event: \(type)")
        return try event(type, conversation: conversation, [:], actor: actor, at: time)
    }

    /// `conversation.reopened`. An automatic reopening (the citizen wrote again after it was
    /// closed) names the citizen's message (`messagePosition`) in its dedupe key.
    public static func reopened(
        conversation: String, automatic: Bool, messagePosition: Int64? = nil, actor: String, at time: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header: [String: JSONValue] = ["automatic": .bool(automatic)]
        if let messagePosition { header["message_position"] = .integer(messagePosition) }
        let dedupe = automatic ? messagePosition.map { "inbox:reopen:\(conversation):\($0)" } : nil
        return try event(InboxEventType.reopened, conversation: conversation, header, actor: actor, dedupeKey: dedupe, at: time)
    }

    /// `note.added`: the text goes to the payload only.
    public static func noteAdded(conversation: String, noteID: String, text: String, actor: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        try event(
            InboxEventType.noteAdded, conversation: conversation, ["note_id": .string(noteID)], payloadExtra: ["text": .string(text)], actor: actor, at: time)
    }

    /// `conversation.read_marked`: `user` has read the conversation up to ledger `position`.
    public static func readMarked(conversation: String, user: String, position: Int64, actor: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        try event(InboxEventType.readMarked, conversation: conversation, ["user": .string(user), "position": .integer(position)], actor: actor, at: time)
    }

    /// `routing.rules.set`: the whole rule set in the payload; the header counts its rules.
    public static func rulesSet(_ rules: RoutingRuleSet, actor: String, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "rules": .integer(Int64(rules.rules.count)), "default_team": .string(rules.defaultTeam),
            "timezone": .string(rules.timeZone),
        ])
        return NewEvent(
            stream: rulesStream, eventType: InboxEventType.rulesSet, occurredAt: time, actor: actor,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try rules.json.encoded())
    }

    private static func event(
        _ type: String, conversation: String, _ members: [String: JSONValue], payloadExtra: [String: JSONValue] = [:], actor: String,
        dedupeKey: String? = nil, at time: LedgerTimestamp
    ) throws -> NewEvent {
        var header = members
        header["v"] = .integer(1)
        header["conversation"] = .string(conversation)
        let payload = header.merging(payloadExtra) { _, extra in extra }
        return NewEvent(
            stream: stream(conversation: conversation), eventType: type, occurredAt: time, actor: actor, dedupeKey: dedupeKey,
            header: String(decoding: try JSONValue.object(header).encoded(), as: UTF8.self), payload: try JSONValue.object(payload).encoded())
    }
}
