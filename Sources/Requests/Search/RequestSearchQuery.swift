import Classification
import Events
public import Foundation
import Inbox
import Ledger
import LedgerStore
import Logging
import Messaging
import PostgresNIO

/// One message a request search selected: metadata only (the text stays in the payload).
public struct RequestSearchHit: Sendable, Hashable {
    /// The message entry's ledger position.
    public var position: Int64
    /// The conversation (its id, `wa/<phone_number_id>/<citizen key>`).
    public var conversationID: String
    /// `inbound` or `outbound`.
    public var direction: String
    public var messageType: String?
    public var occurredAt: Date

    public init(position: Int64, conversationID: String, direction: String, messageType: String?, occurredAt: Date) {
        self.position = position
        self.conversationID = conversationID
        self.direction = direction
        self.messageType = messageType
        self.occurredAt = occurredAt
    }
}

/// Runs a request search's filters over the read models, in one SQL statement built from the
/// filters given (docs/public-records.md, "Searches"): the timeline (`conversation_messages`),
/// the conversations' business numbers and identities, routing (`analytics_conversation_events`),
/// assignments (`conversation.assigned` entries), classifications, and the blind word index
/// (`search_tags`, the same tags as content search). Only messages up to ``through`` are
/// searched: the position every read model used has reached, so the search is as of one ledger
/// position and a message the read models have not seen yet is not silently half-searched. A
/// message whose payload was lawfully destroyed is not selected: it no longer exists to be provided.
struct RequestSearchQuery {
    let filters: RequestSearchFilters
    let timeZone: TimeZone
    /// The word tags (nil without words).
    let tags: [[UInt8]]?

    /// The most results one search commits to.
    static let maxResults = 200_000

    /// The ledger position every read model the filters use has reached (and the word index, when
    /// words are searched): the search covers messages up to it.
    func through(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        var projections = [ConversationsProjection().name]
        if !filters.teams.isEmpty { projections.append(AnalyticsProjection().name) }
        if !filters.categories.isEmpty { projections.append(ClassificationProjection().name) }
        let rows = try await connection.query(
            """
            SELECT count(*), coalesce(min(last_position), 0) FROM projection_state
            WHERE ledger_id = \(ledger.id) AND projection = ANY(\(projections))
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return 0 }
        let (count, reached) = try row.decode((Int64, Int64).self)
        // A read model never run has no row: searching it would silently find nothing.
        guard count == Int64(projections.count) else { throw RequestSearchError.notBuilt("a read model searched (\(projections.joined(separator: ", ")))") }
        guard tags != nil else { return reached }
        let index = try await connection.query(
            "SELECT last_position FROM search_index_state WHERE ledger_id = \(ledger.id)", logger: logger
        ).collect()
        guard let indexed = try index.first?.decode(Int64.self) else { throw RequestSearchError.notBuilt("the word index") }
        return min(reached, indexed)
    }

    /// The messages selected, in position order.
    /// - Throws: ``RequestSearchError/tooManyResults(limit:)`` beyond ``maxResults``.
    func run(ledger: LedgerRef, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [RequestSearchHit] {
        var builder = Builder()
        let ledgerParameter = try builder.bind(Int64(ledger.id))
        var sql = """
            SELECT m.position, m.conversation_id, m.direction, m.message_type, m.occurred_at_us
            FROM conversation_messages m
            WHERE m.ledger_id = \(ledgerParameter) AND m.position <= \(try builder.bind(through))
                AND NOT EXISTS (SELECT 1 FROM payload_destructions d WHERE d.ledger_id = m.ledger_id AND d.position = m.position)
            """
        if !filters.citizens.isEmpty {
            let keys = try builder.bind(filters.citizens)
            sql += """

                AND (split_part(m.conversation_id, '/', 3) = ANY(\(keys))
                     OR EXISTS (SELECT 1 FROM conversation_identities ci WHERE ci.ledger_id = m.ledger_id
                                AND ci.conversation_id = m.conversation_id AND ci.citizen_key = ANY(\(keys))))
                """
        }
        if !filters.businessNumbers.isEmpty {
            sql += """

                AND EXISTS (SELECT 1 FROM conversations c WHERE c.ledger_id = m.ledger_id AND c.id = m.conversation_id
                            AND c.phone_number_id = ANY(\(try builder.bind(filters.businessNumbers))))
                """
        }
        if !filters.teams.isEmpty {
            sql += """

                AND EXISTS (SELECT 1 FROM analytics_conversation_events e WHERE e.ledger_id = m.ledger_id
                            AND e.conversation_id = m.conversation_id AND e.kind = 'routed' AND e.team = ANY(\(try builder.bind(filters.teams))))
                """
        }
        if !filters.agents.isEmpty {
            let actors = try builder.bind(filters.agents.map { "staff:\($0)" })
            let names = try builder.bind(filters.agents)
            sql += """

                AND ((m.direction = 'outbound' AND EXISTS (SELECT 1 FROM ledger_entries s WHERE s.ledger_id = m.ledger_id
                                                           AND s.position = m.position AND s.actor = ANY(\(actors))))
                     OR EXISTS (SELECT 1 FROM ledger_entries a WHERE a.ledger_id = m.ledger_id
                                AND a.stream = 'inbox/' || m.conversation_id AND a.event_type = \(try builder.bind(EventType.Inbox.assigned))
                                AND (a.header::jsonb ->> 'assignee') = ANY(\(names))))
                """
        }
        let (from, to) = filters.interval(in: timeZone)
        if let from { sql += "\n    AND m.occurred_at_us >= \(try builder.bind(from))" }
        if let to { sql += "\n    AND m.occurred_at_us < \(try builder.bind(to))" }
        if !filters.directions.isEmpty { sql += "\n    AND m.direction = ANY(\(try builder.bind(filters.directions)))" }
        if !filters.types.isEmpty { sql += "\n    AND m.message_type = ANY(\(try builder.bind(filters.types)))" }
        if !filters.categories.isEmpty {
            let categories = filters.categories.map { Int16($0.rawValue) }
            sql += """

                AND coalesce((SELECT mc.category FROM message_classifications mc WHERE mc.ledger_id = m.ledger_id
                              AND mc.message_position = m.position AND mc.state = 'classified'),
                             \(try builder.bind(Int16(ContentMasking.unclassifiedCategory.rawValue)))) = ANY(\(try builder.bind(categories)))
                """
        }
        if let tags {
            // The message's row of the word index holds every word's tag.
            sql += """

                AND EXISTS (SELECT 1 FROM search_tags t WHERE t.ledger_id = m.ledger_id AND t.message_position = m.position
                            AND t.tags @> \(try builder.bind(SearchTags.stored(tags)))::int8[])
                """
        }
        sql += "\nORDER BY m.position LIMIT \(try builder.bind(Int64(Self.maxResults + 1)))"
        var hits: [RequestSearchHit] = []
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: builder.binds), logger: logger)
        for try await (position, conversation, direction, type, occurred) in rows.decode((Int64, String, String, String?, Int64).self) {
            guard hits.count < Self.maxResults else { throw RequestSearchError.tooManyResults(limit: Self.maxResults) }
            hits.append(
                RequestSearchHit(
                    position: position, conversationID: conversation, direction: direction, messageType: type,
                    occurredAt: LedgerTimestamp(microseconds: occurred).date))
        }
        return hits
    }

    /// Numbered parameters for a statement built piece by piece.
    struct Builder {
        var binds = PostgresBindings()

        /// Binds `value` and returns its placeholder (`$1`, `$2`, …).
        mutating func bind<T: PostgresThrowingDynamicTypeEncodable>(_ value: T) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
    }
}
