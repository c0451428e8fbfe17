import Inbox
import RecordkeeperCore

/// The inbox routes' request bodies, read into the inbox commands' typed requests: the JSON shape
/// is HTTP's to check (an object with known fields of the right JSON types), the values are the
/// commands' (``InboxCommands``).
enum InboxRequestBodies {
    /// `{"assignee": "name" | null, "team": "t"?}`.
    static func assignment(_ body: [UInt8]) throws -> InboxCommands.Assignment {
        let members = try object(body, shape: #"{"assignee": "name" or null, "team": "team"}"#, fields: ["assignee", "team"], what: "an assignment")
        guard let assignee = members["assignee"] else {
            throw InboxCommandError.invalid(field: "assignee", "is required: a user name, or null to unassign")
        }
        return InboxCommands.Assignment(
            assignee: try text(assignee, field: "assignee", "must be a user name ([a-z0-9][a-z0-9._-]*, at most 64 characters) or null"),
            team: try members["team"].flatMap { try text($0, field: "team", "must be a team name: 1 to 64 letters, digits, '.', '_' or '-'") })
    }

    /// `{"state": "pending" | "closed" | "open"}`.
    static func state(_ body: [UInt8]) throws -> String {
        let members = try object(body, shape: #"{"state": "pending" | "closed" | "open"}"#, fields: ["state"], what: "a state change")
        guard let state = members["state"]?.string else { throw InboxCommandError.invalid(field: "state", "must be \"pending\", \"closed\" or \"open\"") }
        return state
    }

    /// `{"text": "…"}`.
    static func noteText(_ body: [UInt8]) throws -> String {
        let members = try object(body, shape: #"{"text": "the note"}"#, fields: ["text"], what: "a note")
        guard let text = members["text"]?.string else {
            throw InboxCommandError.invalid(field: "text", "must be the note's text: 1 to \(InboxEvents.maxNoteLength) characters, not only spaces")
        }
        return text
    }

    /// `{"position": n}`, or no body (nil: up to the latest message).
    static func readPosition(_ body: [UInt8], latest: Int64) throws -> Int64? {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return nil }
        let members = try object(body, shape: #"{"position": n} (or no body: up to the latest message)"#, fields: ["position"], what: "a read mark")
        guard let value = members["position"], value != .null else { return nil }
        guard let position = value.integer else {
            throw InboxCommandError.invalid(field: "position", "must be a message position of this conversation, 0 to \(latest)")
        }
        return position
    }

    /// The body's members, when it is a JSON object with no field but `fields`.
    private static func object(_ body: [UInt8], shape: String, fields: Set<String>, what: String) throws -> [String: JSONValue] {
        guard let json = try? JSONValue.parse(body), case .object(let members) = json else { throw InboxCommandError.notJSON(shape) }
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
