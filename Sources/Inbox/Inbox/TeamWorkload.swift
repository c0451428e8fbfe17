public import Access
public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO

/// The work in hand of one assignee of one team (or of nobody): the conversations still to be
/// dealt with (open, reopened or pending), counted in SQL.
public struct TeamWorkloadRow: Sendable, Equatable {
    /// Nil: the conversations not routed to a team yet.
    public var team: String?
    /// Nil: unassigned.
    public var assignee: String?
    /// Open or reopened.
    public var open: Int64
    public var pending: Int64
    /// Inbound messages not read yet: after the assignee's read mark; for unassigned
    /// conversations, after the furthest read mark anyone set.
    public var unread: Int64
    /// Open or pending conversations whose 24-hour reply window closes within
    /// ``TeamWorkload/closingWithin`` (and has not closed yet).
    public var windowsClosing: Int64
    /// The open conversation whose citizen has waited longest for an answer: the conversation
    /// id and when the first message after the agency's last reply arrived.
    public var oldestWaiting: WaitingConversation?

    public init(
        team: String?, assignee: String?, open: Int64 = 0, pending: Int64 = 0, unread: Int64 = 0, windowsClosing: Int64 = 0,
        oldestWaiting: WaitingConversation? = nil
    ) {
        self.team = team
        self.assignee = assignee
        self.open = open
        self.pending = pending
        self.unread = unread
        self.windowsClosing = windowsClosing
        self.oldestWaiting = oldestWaiting
    }
}

/// A conversation waiting for the agency's answer, and since when.
public struct WaitingConversation: Sendable, Equatable {
    /// The conversation id (its first stream).
    public var conversationID: String
    /// The first citizen message after the agency's last reply.
    public var since: Date

    public init(conversationID: String, since: Date) {
        self.conversationID = conversationID
        self.since = since
    }
}

/// Assignments across the team: per team and assignee, the open and pending conversations, the
/// unread messages, the reply windows about to close and the oldest waiting conversation. One
/// aggregate query over the `inbox` and `conversations` projections, scoped exactly as
/// ``InboxQueries/list(ledger:scope:user:filter:limit:cursor:)`` scopes the inbox (a caller
/// limited to some teams sees only theirs; a whole-ledger scope also sees conversations not
/// routed yet).
public struct TeamWorkload: Sendable {
    public let store: LedgerStore

    /// How soon a reply window must close to be counted as closing: 2 hours.
    public static let closingWithin: TimeInterval = 2 * 3600

    public init(store: LedgerStore) {
        self.store = store
    }

    /// The rows within `scope` at `now`, by team (not routed last) then assignee (unassigned first).
    public func rows(ledger name: String, scope: ConversationScope, now: Date = Date()) async throws -> [TeamWorkloadRow] {
        guard let ledger = try await store.existingLedger(named: name) else { return [] }
        let allTeams = scope.teamFilter == nil
        let teams = scope.teamFilter ?? []
        let nowUs = LedgerTimestamp(now).microseconds
        let windowUs: Int64 = 24 * 3600 * 1_000_000
        let closingUs = Int64(Self.closingWithin * 1_000_000)
        let rows = try await store.client.query(
            """
            WITH work AS (
                SELECT i.team, i.assignee, c.id, COALESCE(i.state, 'open') AS state, c.last_inbound_at_us,
                    COALESCE(CASE WHEN i.assignee IS NULL
                        THEN (SELECT max(r.read_position) FROM inbox_reads r WHERE r.ledger_id = c.ledger_id AND r.conversation_id = c.id)
                        ELSE (SELECT r.read_position FROM inbox_reads r
                              WHERE r.ledger_id = c.ledger_id AND r.conversation_id = c.id AND r.user_name = i.assignee)
                    END, 0) AS read_position,
                    (SELECT max(o.position) FROM conversation_messages o
                     WHERE o.ledger_id = c.ledger_id AND o.conversation_id = c.id AND o.direction = 'outbound') AS last_reply
                FROM conversations c
                LEFT JOIN inbox_conversations i ON i.ledger_id = c.ledger_id AND i.conversation_id = c.id
                WHERE c.ledger_id = \(ledger.id)
                  AND (\(allTeams) OR i.team = ANY(\(teams)::text[]))
                  AND COALESCE(i.state, 'open') IN ('open', 'reopened', 'pending')
            ), measured AS (
                SELECT w.*,
                    (SELECT count(*) FROM conversation_messages m
                     WHERE m.ledger_id = \(ledger.id) AND m.conversation_id = w.id AND m.direction = 'inbound'
                       AND m.position > w.read_position) AS unread,
                    CASE WHEN w.state IN ('open', 'reopened') THEN
                        (SELECT min(m.occurred_at_us) FROM conversation_messages m
                         WHERE m.ledger_id = \(ledger.id) AND m.conversation_id = w.id AND m.direction = 'inbound'
                           AND m.position > COALESCE(w.last_reply, 0))
                    END AS waiting_since
                FROM work w
            )
            SELECT team, assignee,
                count(*) FILTER (WHERE state IN ('open', 'reopened')),
                count(*) FILTER (WHERE state = 'pending'),
                COALESCE(sum(unread), 0)::int8,
                count(*) FILTER (WHERE last_inbound_at_us + \(windowUs) > \(nowUs) AND last_inbound_at_us + \(windowUs) <= \(nowUs) + \(closingUs)),
                (array_agg(id ORDER BY waiting_since, id) FILTER (WHERE waiting_since IS NOT NULL))[1],
                min(waiting_since)
            FROM measured
            GROUP BY team, assignee
            ORDER BY team NULLS LAST, assignee NULLS FIRST
            """, logger: store.logger)
        var result: [TeamWorkloadRow] = []
        for try await (team, assignee, open, pending, unread, closing, oldest, since) in rows.decode(
            (String?, String?, Int64, Int64, Int64, Int64, String?, Int64?).self)
        {
            var row = TeamWorkloadRow(team: team, assignee: assignee, open: open, pending: pending, unread: unread, windowsClosing: closing)
            if let oldest, let since { row.oldestWaiting = WaitingConversation(conversationID: oldest, since: LedgerTimestamp(microseconds: since).date) }
            result.append(row)
        }
        return result
    }

    /// The teams conversations are routed to within `scope`, by name (those with no
    /// conversation in hand included, unlike ``rows(ledger:scope:now:)``).
    public func teams(ledger name: String, scope: ConversationScope) async throws -> [String] {
        if let teams = scope.teamFilter { return teams }
        guard let ledger = try await store.existingLedger(named: name) else { return [] }
        let rows = try await store.client.query(
            "SELECT DISTINCT team FROM inbox_conversations WHERE ledger_id = \(ledger.id) AND team IS NOT NULL ORDER BY team", logger: store.logger)
        var teams: [String] = []
        for try await team in rows.decode(String.self) { teams.append(team) }
        return teams
    }
}
