public import Access
public import Foundation
import Ledger
public import LedgerStore
import Logging
import Messaging
import PostgresNIO
import RecordkeeperCore

/// A conversation as the team inbox shows it to one staff member.
public struct InboxItem: Sendable, Equatable {
    /// The conversation id (its first stream).
    public var conversationID: String
    public var phoneNumberID: String
    /// Nil until routed.
    public var team: String?
    public var assignee: String?
    /// `open`, `pending`, `closed` or `reopened` (reopened counts as open).
    public var state: String
    /// Inbound messages after the caller's read position.
    public var unread: Int64
    /// The caller's read position (0: never marked read).
    public var readPosition: Int64
    public var lastInboundAt: Date?
    public var lastActivityAt: Date

    /// When the 24-hour customer-service window closes (closed) — nil when the citizen never wrote.
    public var windowClosesAt: Date? { lastInboundAt.map { $0.addingTimeInterval(24 * 3600) } }

    /// Whether free-form messages may be sent at `now`.
    public func windowOpen(at now: Date = Date()) -> Bool { windowClosesAt.map { now < $0 } ?? false }
}

/// One page of the inbox, newest activity first.
public struct InboxPage: Sendable {
    public var items: [InboxItem]
    public var nextCursor: String?
}

/// Which conversations of the inbox to list.
public struct InboxFilter: Sendable, Hashable {
    /// Whom a conversation is assigned to.
    public enum Assignee: Sendable, Hashable {
        case anyone
        /// Unassigned.
        case nobody
        case user(String)
    }

    public var team: String?
    /// `open` (with `reopened`), `pending`, `closed` or `reopened`; nil: any.
    public var state: String?
    public var assignee: Assignee
    /// Only conversations with unread inbound messages for the caller.
    public var unreadOnly: Bool

    public init(team: String? = nil, state: String? = nil, assignee: Assignee = .anyone, unreadOnly: Bool = false) {
        self.team = team
        self.state = state
        self.assignee = assignee
        self.unreadOnly = unreadOnly
    }

    /// The states a filter value names.
    public static let states = ["open", "pending", "closed", "reopened"]
}

/// An internal note, its text read from the ledger.
public struct InboxNote: Sendable, Equatable {
    public var position: Int64
    public var noteID: String
    /// The actor who wrote it (`staff:<name>`).
    public var author: String
    public var createdAt: Date
    /// Nil when the payload is destroyed, sealed or unreadable.
    public var text: String?
}

/// The routing rule set in force and who set it.
public struct CurrentRoutingRules: Sendable, Equatable {
    public var rules: RoutingRuleSet
    /// The `routing.rules.set` entry; nil: none yet (``RoutingRuleSet/initial``).
    public var position: Int64?
    public var actor: String?
    public var setAt: Date?

    public init(rules: RoutingRuleSet, position: Int64? = nil, actor: String? = nil, setAt: Date? = nil) {
        self.rules = rules
        self.position = position
        self.actor = actor
        self.setAt = setAt
    }
}

/// Reads the `inbox` projection (with the `conversations` projection) for the inbox API.
public struct InboxQueries: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// The team a conversation (by id or any stream merged into it) is routed to; nil when it is
    /// not routed yet, unknown, or its ledger does not exist.
    public func team(ledger name: String, conversation: String) async throws -> String? {
        guard let ledger = try await store.existingLedger(named: name) else { return nil }
        let rows = try await store.client.query(
            """
            SELECT i.team FROM inbox_conversations i
            WHERE i.ledger_id = \(ledger.id)
              AND i.conversation_id = (SELECT conversation_id FROM conversation_streams WHERE ledger_id = \(ledger.id) AND stream = \(conversation))
            """, logger: store.logger)
        for try await team in rows.decode(String?.self) { return team }
        return nil
    }

    /// One conversation of the inbox as `user` sees it; nil when there is no such conversation.
    /// The caller checks its scope against ``InboxItem/team``.
    public func item(ledger name: String, conversation: String, user: String) async throws -> InboxItem? {
        guard let ledger = try await store.existingLedger(named: name) else { return nil }
        let rows = try await store.client.query(
            """
            \(unescaped: Self.select)\(user)
            WHERE c.ledger_id = \(ledger.id) AND c.id = (SELECT conversation_id FROM conversation_streams WHERE ledger_id = \(ledger.id) AND stream = \(conversation))
            """, logger: store.logger)
        for try await row in rows { return try Self.item(row).item }
        return nil
    }

    /// The inbox within `scope`, as `user` sees it (unread counts are theirs).
    /// - Throws: ``ConversationQueryError/invalidCursor``.
    public func list(
        ledger name: String, scope: ConversationScope, user: String, filter: InboxFilter = InboxFilter(), limit: Int = 50, cursor: String? = nil
    ) async throws -> InboxPage {
        guard let ledger = try await store.existingLedger(named: name) else { return InboxPage(items: [], nextCursor: nil) }
        let limit = min(max(1, limit), ConversationQueries.maxLimit)
        var afterActivity: Int64?
        var afterID: String?
        if let cursor {
            let fields = try OpaqueToken.fields(of: cursor, kind: "inbox", count: 2)
            guard let activity = Int64(fields[0]) else { throw ConversationQueryError.invalidCursor }
            afterActivity = activity
            afterID = fields[1]
        }
        let allTeams = scope.teamFilter == nil
        let teams = scope.teamFilter ?? []
        let anyState = filter.state == nil
        let states = filter.state.map { $0 == "open" ? ["open", "reopened"] : [$0] } ?? []
        let assigneeMode: Int
        var assigneeName = ""
        switch filter.assignee {
        case .anyone: assigneeMode = 0
        case .nobody: assigneeMode = 1
        case .user(let name):
            assigneeMode = 2
            assigneeName = name
        }
        // The state test is `COALESCE(i.state, 'open') = ANY(states)` spelled so that the planner
        // can use the column's statistics: on the COALESCE it guessed 1% of the rows, hashed the
        // whole team and sorted it (15 ms at 10,000 conversations) instead of walking the
        // activity index to the first page (0.4 ms; `recordkeeper-bench web`).
        let rows = try await store.client.query(
            """
            \(unescaped: Self.select)\(user)
            WHERE c.ledger_id = \(ledger.id)
              AND (\(allTeams) OR i.team = ANY(\(teams)::text[]))
              AND (\(filter.team)::text IS NULL OR i.team = \(filter.team))
              AND (\(anyState) OR i.state = ANY(\(states)::text[]) OR (i.state IS NULL AND 'open' = ANY(\(states)::text[])))
              AND (\(assigneeMode)::int8 = 0 OR (\(assigneeMode)::int8 = 1 AND i.assignee IS NULL) OR (\(assigneeMode)::int8 = 2 AND i.assignee = \(assigneeName)))
              AND (NOT \(filter.unreadOnly) OR EXISTS (
                    SELECT 1 FROM conversation_messages m WHERE m.ledger_id = c.ledger_id AND m.conversation_id = c.id
                    AND m.direction = 'inbound' AND m.position > COALESCE(r.read_position, 0)))
              AND (\(afterActivity)::int8 IS NULL OR (c.last_activity_at_us, c.id) < (\(afterActivity), \(afterID)::text))
            ORDER BY c.last_activity_at_us DESC, c.id DESC
            LIMIT \(limit + 1)
            """, logger: store.logger)
        var items: [(item: InboxItem, activityUs: Int64)] = []
        for try await row in rows { items.append(try Self.item(row)) }
        var next: String?
        if items.count > limit {
            items.removeLast()
            if let last = items.last { next = OpaqueToken.cursor(kind: "inbox", [String(last.activityUs), last.item.conversationID]) }
        }
        return InboxPage(items: items.map(\.item), nextCursor: next)
    }

    /// A conversation's notes, oldest first, their text read from the ledger.
    public func notes(ledger name: String, conversation: String) async throws -> [InboxNote] {
        guard let ledger = try await store.existingLedger(named: name) else { return [] }
        let rows = try await store.client.query(
            """
            SELECT position, note_id, author, created_at_us FROM inbox_notes
            WHERE ledger_id = \(ledger.id) AND conversation_id = \(conversation) ORDER BY position
            """, logger: store.logger)
        var notes: [InboxNote] = []
        for try await (position, noteID, author, created) in rows.decode((Int64, String, String, Int64).self) {
            notes.append(InboxNote(position: position, noteID: noteID, author: author, createdAt: LedgerTimestamp(microseconds: created).date, text: nil))
        }
        for index in notes.indices {
            if case .bytes(let bytes)? = try await store.record(ledger: name, position: notes[index].position)?.payload {
                notes[index].text = (try? JSONValue.parse(bytes))?.text("text")
            }
        }
        return notes
    }

    /// The position of a conversation's latest message (0: none).
    public func latestMessagePosition(ledger name: String, conversation: String) async throws -> Int64 {
        guard let ledger = try await store.existingLedger(named: name) else { return 0 }
        let rows = try await store.client.query(
            "SELECT COALESCE(max(position), 0) FROM conversation_messages WHERE ledger_id = \(ledger.id) AND conversation_id = \(conversation)",
            logger: store.logger)
        for try await position in rows.decode(Int64.self) { return position }
        return 0
    }

    /// The routing rule set in force.
    public func routingRules(ledger name: String) async throws -> CurrentRoutingRules {
        guard let ledger = try await store.existingLedger(named: name) else { return CurrentRoutingRules(rules: .initial) }
        let rows = try await store.client.query(
            "SELECT position, set_at_us, actor, rules FROM inbox_routing WHERE ledger_id = \(ledger.id)", logger: store.logger)
        for try await (position, setAt, actor, json) in rows.decode((Int64, Int64, String, String).self) {
            guard let rules = try? RoutingRuleSet.parse(Array(json.utf8)) else { break }
            return CurrentRoutingRules(rules: rules, position: position, actor: actor, setAt: LedgerTimestamp(microseconds: setAt).date)
        }
        return CurrentRoutingRules(rules: .initial)
    }

    /// The inbox columns and joins, to be followed by the caller's user name (a bind).
    private static let select = """
        SELECT c.id, c.phone_number_id, i.team, i.assignee, COALESCE(i.state, 'open'), c.last_inbound_at_us, c.last_activity_at_us,
            COALESCE(r.read_position, 0),
            (SELECT count(*) FROM conversation_messages m WHERE m.ledger_id = c.ledger_id AND m.conversation_id = c.id
                AND m.direction = 'inbound' AND m.position > COALESCE(r.read_position, 0))
        FROM conversations c
        LEFT JOIN inbox_conversations i ON i.ledger_id = c.ledger_id AND i.conversation_id = c.id
        LEFT JOIN inbox_reads r ON r.ledger_id = c.ledger_id AND r.conversation_id = c.id AND r.user_name =\u{20}
        """

    private static func item(_ row: PostgresRow) throws -> (item: InboxItem, activityUs: Int64) {
        let (id, number, team, assignee, state, inbound, activity, read, unread) =
            try row.decode((String, String, String?, String?, String, Int64?, Int64, Int64, Int64).self)
        let item = InboxItem(
            conversationID: id, phoneNumberID: number, team: team, assignee: assignee, state: state, unread: unread, readPosition: read,
            lastInboundAt: inbound.map { LedgerTimestamp(microseconds: $0).date }, lastActivityAt: LedgerTimestamp(microseconds: activity).date)
        return (item, activity)
    }
}
