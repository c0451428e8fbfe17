import PostgresNIO

// The read API's conversation statements, prepared once per connection. Under `bench read`,
// `pg_stat_statements` with `track_planning` showed PostgreSQL planning each of them for three to
// six times longer than it ran them (docs/benchmarks.md, "Prepared reads"). Each plan is the same
// whatever the values: primary-key and unique-index lookups of one conversation.

/// One conversation by its id or any stream merged into it, with its streams and citizen keys
/// (`GET /v1/conversations/{id}`, and the send API's lookup); no row if there is none.
struct ConversationDetailStatement: PostgresPreparedStatement {
    static let name = "recordkeeper_conversation_detail_v1"
    static let sql = """
        SELECT \(ConversationQueries.summaryColumns),
               ARRAY(SELECT s.stream FROM conversation_streams s
                     WHERE s.ledger_id = conversations.ledger_id AND s.conversation_id = conversations.id
                     ORDER BY s.first_position, s.stream),
               ARRAY(SELECT i.citizen_key FROM conversation_identities i
                     WHERE i.ledger_id = conversations.ledger_id AND i.conversation_id = conversations.id
                     ORDER BY i.first_position, i.citizen_key)
        FROM conversations
        WHERE ledger_id = $1
          AND id = (SELECT conversation_id FROM conversation_streams WHERE ledger_id = $1 AND stream = $2)
        """
    typealias Row = ConversationDetail

    var ledgerID: Int32
    var id: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(ledgerID)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> ConversationDetail {
        let c = try row.decode(
            (String, String, String?, String?, String?, String?, Int64?, Int64?, Int64?, Int64, Int64, Int32?, [String], [String]).self)
        let summary = ConversationQueries.summary((c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8, c.9, c.10, c.11))
        return ConversationDetail(summary: summary, streams: c.12, citizenKeys: c.13)
    }
}

/// The conversation of an id or merged stream and up to `limit` of its messages after position
/// `after`, with their classifications: one row with null message columns when the conversation
/// has none on the page, no row when there is no such conversation.
struct TimelinePageStatement: PostgresPreparedStatement {
    static let name = "recordkeeper_timeline_page_v1"
    static let sql = """
        SELECT m.position, m.stream, m.message_id, m.direction, m.message_type, m.occurred_at_us, m.status, m.status_at_us,
               m.request_id, m.error_code, c.category::int4, c.source, c.reasons
        FROM conversation_streams s
        LEFT JOIN LATERAL (
            SELECT m.position, m.stream, m.message_id, m.direction, m.message_type, m.occurred_at_us, m.status, m.status_at_us,
                   m.request_id, m.error_code
            FROM conversation_messages m
            WHERE m.ledger_id = s.ledger_id AND m.conversation_id = s.conversation_id AND m.position > $3
            ORDER BY m.position LIMIT $4) m ON true
        LEFT JOIN message_classifications c ON c.ledger_id = s.ledger_id AND c.message_position = m.position AND c.state = 'classified'
        WHERE s.ledger_id = $1 AND s.stream = $2
        ORDER BY m.position
        """
    typealias Row = PostgresRow

    var ledgerID: Int32
    var id: String
    var after: Int64
    var limit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(ledgerID)
        bindings.append(id)
        bindings.append(after)
        bindings.append(Int64(limit))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
