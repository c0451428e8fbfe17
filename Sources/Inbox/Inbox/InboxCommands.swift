public import Access
public import Foundation
public import Ledger
public import LedgerStore

/// Why an inbox command was refused.
public enum InboxCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request body is not a JSON object of the named shape.
    case notJSON(String)
    /// A field (`assignee`, `team`, `state`, `text`, `position`) and what it must be.
    case invalid(field: String, String)
    /// The caller's roles do not allow this change (an agent assigning someone else).
    case notAllowed(String)

    public var description: String {
        switch self {
        case .notJSON(let shape): "the body must be a JSON object: \(shape)"
        case let .invalid(field, requirement): "\(field) \(requirement)"
        case .notAllowed(let why): why
        }
    }
}

/// The inbox's commands (docs/api.md, "Team inbox"): each validates a staff member's change
/// against the conversation as the inbox shows it and appends its events in one commit.
/// The caller has checked that the conversation is within the principal's scope.
public struct InboxCommands: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// The outcome of a change: the conversation's team, assignee and state after it, and the
    /// positions of the events recorded (none when nothing changed).
    public struct Outcome: Sendable, Equatable {
        public var team: String?
        public var assignee: String?
        public var state: String
        public var positions: [Int64]
    }

    /// An assignment: who (nil unassigns) and, for a transfer, the new team (nil keeps it).
    public struct Assignment: Sendable, Equatable {
        public var assignee: String?
        public var team: String?

        public init(assignee: String?, team: String? = nil) {
            self.assignee = assignee
            self.team = team
        }
    }

    /// Assigns, unassigns or transfers a conversation.
    ///
    /// A supervisor may assign anyone and move the conversation to any team; an agent may only
    /// assign or unassign themselves, and move it only to one of their own teams. A new team is a
    /// transfer (`conversation.routed`, rule `transfer`, with `previous_team`); a transfer without
    /// an assignee leaves it unassigned.
    public func assign(_ item: InboxItem, _ assignment: Assignment, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()) async throws -> Outcome {
        let assignee = assignment.assignee
        if let assignee, !Self.isUserName(assignee) {
            throw InboxCommandError.invalid(field: "assignee", "must be a user name ([a-z0-9][a-z0-9._-]*, at most 64 characters) or null")
        }
        if let team = assignment.team, !RoutingRuleSet.isTeamName(team) {
            throw InboxCommandError.invalid(field: "team", "must be a team name: 1 to 64 letters, digits, '.', '_' or '-'")
        }
        let team = assignment.team ?? item.team
        let transfer = team != item.team
        if !principal.roles.contains(.supervisor) {
            if let assignee, assignee != principal.name {
                throw InboxCommandError.notAllowed("an agent may assign a conversation only to themselves; ask a supervisor to assign \(assignee)")
            }
            if assignee == nil, let current = item.assignee, current != principal.name {
                throw InboxCommandError.notAllowed("an agent may unassign only themselves; this conversation is assigned to \(current)")
            }
            if transfer, let team, !principal.teams.contains(team) {
                throw InboxCommandError.notAllowed(
                    "an agent may move a conversation only to one of their own teams; ask a supervisor to transfer it to \(team)")
            }
        }
        var events: [NewEvent] = []
        if transfer, let team {
            events.append(
                try InboxEvents.routed(
                    conversation: item.conversationID, team: team, rule: "transfer", previousTeam: item.team, actor: principal.actor, at: time))
        }
        if assignee != item.assignee || (transfer && assignee != nil) {
            events.append(try InboxEvents.assigned(conversation: item.conversationID, team: team, assignee: assignee, actor: principal.actor, at: time))
        }
        let receipts = try await store.append(events, to: ledger)
        return Outcome(team: team, assignee: assignee, state: item.state, positions: receipts.map(\.position))
    }

    /// Changes a conversation's state to `pending`, `closed` or `open`; `open` on a pending or
    /// closed conversation records `conversation.reopened` (`automatic: false`). Asking for the
    /// state it is in records nothing.
    public func changeState(_ item: InboxItem, to state: String, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()) async throws -> Outcome {
        guard ["pending", "closed", "open"].contains(state) else {
            throw InboxCommandError.invalid(field: "state", "must be \"pending\", \"closed\" or \"open\"")
        }
        let isOpen = item.state == "open" || item.state == "reopened"
        let event: NewEvent?
        let after: String
        switch state {
        case "open":
            event = isOpen ? nil : try InboxEvents.reopened(conversation: item.conversationID, automatic: false, actor: principal.actor, at: time)
            after = isOpen ? item.state : "reopened"
        case "pending":
            event =
                item.state == "pending"
                ? nil : try InboxEvents.stateChanged(InboxEventType.pending, conversation: item.conversationID, actor: principal.actor, at: time)
            after = "pending"
        default:
            event =
                item.state == "closed"
                ? nil : try InboxEvents.stateChanged(InboxEventType.closed, conversation: item.conversationID, actor: principal.actor, at: time)
            after = "closed"
        }
        let receipts = try await store.append(event.map { [$0] } ?? [], to: ledger)
        return Outcome(team: item.team, assignee: item.assignee, state: after, positions: receipts.map(\.position))
    }

    /// A recorded note.
    public struct RecordedNote: Sendable, Equatable {
        public var noteID: String
        public var position: Int64
        public var author: String
        public var createdAt: Date
        public var text: String
    }

    /// Adds an internal note (1 to 4096 characters): a record of the conversation, never sent to
    /// the citizen.
    public func addNote(_ item: InboxItem, text: String, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()) async throws -> RecordedNote {
        guard !text.allSatisfy(\.isWhitespace), text.count <= InboxEvents.maxNoteLength else {
            throw InboxCommandError.invalid(field: "text", "must be the note's text: 1 to \(InboxEvents.maxNoteLength) characters, not only spaces")
        }
        let noteID = UUID().uuidString.lowercased()
        let receipt = try await store.append(
            try InboxEvents.noteAdded(conversation: item.conversationID, noteID: noteID, text: text, actor: principal.actor, at: time), to: ledger)
        return RecordedNote(noteID: noteID, position: receipt.position, author: principal.actor, createdAt: time.date, text: text)
    }

    /// Marks a conversation read for the caller up to `position` (nil: its latest message,
    /// `latest`).
    /// - Returns: the read position and the recorded event's position.
    public func markRead(
        _ item: InboxItem, upTo requested: Int64?, latest: Int64, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()
    ) async throws -> (read: Int64, position: Int64) {
        let position = requested ?? latest
        guard position >= 0, position <= latest else {
            throw InboxCommandError.invalid(field: "position", "must be a message position of this conversation, 0 to \(latest)")
        }
        let receipt = try await store.append(
            try InboxEvents.readMarked(conversation: item.conversationID, user: principal.name, position: position, actor: principal.actor, at: time),
            to: ledger)
        return (position, receipt.position)
    }

    /// Records a new routing rule set (validated by ``RoutingRuleSet/parse(_:)``).
    public func setRoutingRules(
        _ rules: RoutingRuleSet, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()
    ) async throws -> (rules: RoutingRuleSet, position: Int64) {
        let receipt = try await store.append(try InboxEvents.rulesSet(rules, actor: principal.actor, at: time), to: ledger)
        return (rules, receipt.position)
    }

    /// A staff user name: `[a-z0-9][a-z0-9._-]*`, at most 64 characters.
    static func isUserName(_ text: String) -> Bool {
        guard let first = text.first, (1...64).contains(text.count), first.isASCII, first.isLowercase || first.isNumber else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
