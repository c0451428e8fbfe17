import Classification
import Events
public import Foundation
import KeyLookups
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import WhatsApp

/// Reads the `conversations` projection for the read API; message content comes from the
/// ledger, decrypted on read (the projection never holds it).
public struct ConversationQueries: Sendable {
    public let store: LedgerStore
    /// The most items one page holds.
    public static let maxLimit = 200

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Conversations of a ledger, newest activity (message or status) first.
    /// - Parameters:
    ///   - phoneNumberID: only this business number's.
    ///   - since: only those whose last message is at or after this time.
    ///   - until: only those whose last message is before this time.
    ///   - cursor: the `nextCursor` of the previous page.
    /// - Throws: ``ConversationQueryError/invalidCursor``, ``LedgerStoreError/ledgerNotFound(_:)``.
    /// - Parameter teams: only conversations routed to one of these teams (an agent's scope,
    ///   ``ConversationScope/teamFilter``); nil: every conversation.
    public func conversations(
        ledger name: String, phoneNumberID: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 50, cursor: String? = nil,
        teams: [String]? = nil
    ) async throws -> ConversationPage {
        let ledger = try await store.ledger(named: name, create: false)
        let limit = Self.clamp(limit)
        var afterActivity: Int64?
        var afterID: String?
        if let cursor {
            let fields = try OpaqueToken.fields(of: cursor, kind: "conversations", count: 2)
            guard let activity = Int64(fields[0]) else { throw ConversationQueryError.invalidCursor }
            afterActivity = activity
            afterID = fields[1]
        }
        let sinceUs = since.map { LedgerTimestamp($0).microseconds }
        let untilUs = until.map { LedgerTimestamp($0).microseconds }
        let rows = try await store.client.query(
            """
            SELECT \(unescaped: Self.summaryColumns) FROM conversations
            WHERE ledger_id = \(ledger.id)
              AND (\(phoneNumberID)::text IS NULL OR phone_number_id = \(phoneNumberID))
              AND (\(sinceUs)::int8 IS NULL OR last_message_at_us >= \(sinceUs))
              AND (\(untilUs)::int8 IS NULL OR last_message_at_us < \(untilUs))
              AND (\(afterActivity)::int8 IS NULL OR (last_activity_at_us, id) < (\(afterActivity), \(afterID)::text))
              AND (\(teams)::text[] IS NULL OR id IN (
                    SELECT conversation_id FROM inbox_conversations WHERE ledger_id = \(ledger.id) AND team = ANY(\(teams)::text[])))
            ORDER BY last_activity_at_us DESC, id DESC
            LIMIT \(limit + 1)
            """, logger: store.logger)
        var items: [(summary: ConversationSummary, activityUs: Int64)] = []
        for try await row in rows { items.append(try Self.summary(row)) }
        var next: String?
        if items.count > limit {
            items.removeLast()
            if let last = items.last {
                next = OpaqueToken.cursor(kind: "conversations", [String(last.activityUs), last.summary.id])
            }
        }
        return ConversationPage(items: items.map(\.summary), nextCursor: next)
    }

    /// One conversation, by its id or by any stream merged into it, with its streams and citizen
    /// keys, in one statement; nil if there is none.
    ///
    /// A key lookup whose plan is kept (``LedgerStore/LedgerStore/lookUp(_:)``). Prepared on a
    /// session of PostgreSQL's defaults, its generic plan, made while the tables were small, had
    /// matched each message against every classification of the ledger (20 ms a call by the end
    /// of a `bench send` run, docs/benchmarks.md, "Prepared reads"); the key-lookup pool's
    /// sessions allow no such join.
    public func conversation(ledger name: String, id: String) async throws -> ConversationDetail? {
        let ledger = try await store.ledger(named: name, create: false)
        return try await store.lookUp(ConversationDetailStatement(ledgerID: ledger.id, stream: id)).first
    }

    /// One conversation's summary by its id or any stream merged into it, in one query (the send
    /// API's lookup, a key lookup like ``conversation(ledger:id:)``); nil if there is none.
    public func summary(ledger name: String, id: String) async throws -> ConversationSummary? {
        let ledger = try await store.ledger(named: name, create: false)
        return try await store.lookUp(ConversationSummaryStatement(ledgerID: ledger.id, stream: id)).first
    }

    /// `limit` within 1 and ``maxLimit``.
    static func clamp(_ limit: Int) -> Int { min(max(1, limit), maxLimit) }

    /// The columns of a ``ConversationSummary``, in the order ``summary(_:)`` decodes them.
    fileprivate static let summaryColumns = """
        id, phone_number_id, display_phone_number, user_id, wa_id, profile_name, first_message_at_us, last_message_at_us,
        last_inbound_at_us, last_activity_at_us, message_count,
        (SELECT max(mc.category)::int4 FROM conversation_messages cm
         JOIN message_classifications mc ON mc.ledger_id = cm.ledger_id AND mc.message_position = cm.position
         WHERE cm.ledger_id = conversations.ledger_id AND cm.conversation_id = conversations.id)
        """

    /// The decoded ``summaryColumns``.
    fileprivate typealias SummaryColumns = (String, String, String?, String?, String?, String?, Int64?, Int64?, Int64?, Int64, Int64, Int32?)

    /// A summary, and its last activity time exactly as stored (for cursors).
    fileprivate static func summary(_ row: PostgresRow) throws -> (summary: ConversationSummary, activityUs: Int64) {
        let columns = try row.decode(SummaryColumns.self)
        return (summary(columns), columns.9)
    }

    /// The summary in decoded ``summaryColumns``.
    fileprivate static func summary(_ columns: SummaryColumns) -> ConversationSummary {
        let (id, number, display, userID, waID, name, first, last, inbound, activity, count, category) = columns
        let date = { (us: Int64?) in us.map { LedgerTimestamp(microseconds: $0).date } }
        return ConversationSummary(
            id: id, phoneNumberID: number, displayPhoneNumber: display, userID: userID, waID: waID, profileName: name,
            firstMessageAt: date(first), lastMessageAt: date(last), lastInboundAt: date(inbound),
            lastActivityAt: LedgerTimestamp(microseconds: activity).date, messageCount: count,
            category: category.flatMap { DataCategory(rawValue: Int($0)) })
    }
}

/// A read of the conversation of a stream (its id or any stream merged into it).
protocol ConversationOfStream: KeyLookup {
    var ledgerID: Int32 { get }
    var stream: String { get }
}

extension ConversationOfStream {
    /// The conversation's id, found through the streams' primary key from `$1` and `$2`.
    static var conversationOfStream: String {
        "(SELECT conversation_id FROM conversation_streams WHERE ledger_id = $1::int4 AND stream = $2::text)"
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(ledgerID)
        bindings.append(stream)
        return bindings
    }
}

/// A conversation's summary with its streams and citizen keys (``ConversationQueries/conversation(ledger:id:)``).
struct ConversationDetailStatement: ConversationOfStream {
    static let name = "recordkeeper_conversation_detail_v1"
    static let plannedOn = ["conversations", "conversation_streams", "conversation_messages", "conversation_identities", "message_classifications"]
    static let sql = """
        SELECT \(ConversationQueries.summaryColumns),
               ARRAY(SELECT s.stream FROM conversation_streams s
                     WHERE s.ledger_id = conversations.ledger_id AND s.conversation_id = conversations.id
                     ORDER BY s.first_position, s.stream),
               ARRAY(SELECT i.citizen_key FROM conversation_identities i
                     WHERE i.ledger_id = conversations.ledger_id AND i.conversation_id = conversations.id
                     ORDER BY i.first_position, i.citizen_key)
        FROM conversations
        WHERE ledger_id = $1::int4 AND id = \(conversationOfStream)
        """
    typealias Row = ConversationDetail

    var ledgerID: Int32
    var stream: String

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let c = try row.decode((String, String, String?, String?, String?, String?, Int64?, Int64?, Int64?, Int64, Int64, Int32?, [String], [String]).self)
        let summary = ConversationQueries.summary((c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8, c.9, c.10, c.11))
        return ConversationDetail(summary: summary, streams: c.12, citizenKeys: c.13)
    }
}

/// A conversation's summary (``ConversationQueries/summary(ledger:id:)``).
struct ConversationSummaryStatement: ConversationOfStream {
    static let name = "recordkeeper_conversation_summary_v1"
    static let plannedOn = ["conversations", "conversation_streams", "conversation_messages", "message_classifications"]
    static let sql = "SELECT \(ConversationQueries.summaryColumns) FROM conversations WHERE ledger_id = $1::int4 AND id = \(conversationOfStream)"
    typealias Row = ConversationSummary

    var ledgerID: Int32
    var stream: String

    func decodeRow(_ row: PostgresRow) throws -> Row { try ConversationQueries.summary(row).summary }
}
