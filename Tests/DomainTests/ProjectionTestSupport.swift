import Access
import Classification
import Foundation
import Inbox
import LedgerStore
import Logging
import Messaging
import PostgresNIO
import TestSupport

/// Every row of every projection table of the test database, ordered, one line each: what
/// "rebuild equals live" compares.
func dumpProjections(_ client: PostgresClient) async throws -> [String] {
    let tables = [
        ("conversations", "ledger_id, id"), ("conversation_streams", "ledger_id, stream"),
        ("conversation_identities", "ledger_id, phone_number_id, citizen_key"), ("conversation_messages", "ledger_id, position"),
        ("conversation_statuses", "ledger_id, message_id"), ("media", "ledger_id, media_id"), ("outbox", "ledger_id, request_position"),
        ("message_classifications", "ledger_id, message_position"), ("automation_rule_sets", "ledger_id"), ("access_log", "ledger_id, position"),
        ("analytics_messages", "ledger_id, position"), ("analytics_conversation_events", "ledger_id, position"),
        ("inbox_conversations", "ledger_id, conversation_id"), ("inbox_notes", "ledger_id, position"),
        ("inbox_reads", "ledger_id, conversation_id, user_name"), ("inbox_routing", "ledger_id"),
    ]
    var lines: [String] = []
    for (table, order) in tables {
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT '\(table) ' || row_to_json(t)::text FROM \(table) t ORDER BY \(order)"),
            logger: ScratchDatabase.logger)
        for try await line in rows.decode(String.self) { lines.append(line) }
    }
    return lines
}

/// A runner of the service's projections over a store.
func makeRunner(_ store: LedgerStore, batchSize: Int = 500, pollInterval: Duration = .seconds(30)) -> ProjectionRunner {
    ProjectionRunner(
        store: store,
        projections: [
            ConversationsProjection(), MediaProjection(), OutboxProjection(), ClassificationProjection(), AutomationRulesProjection(), AccessLogProjection(),
            AnalyticsProjection(), InboxProjection(),
        ], batchSize: batchSize, pollInterval: pollInterval,
        logger: ScratchDatabase.logger)
}

/// Runs a query whose one row is one value.
func scalar<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
    for try await value in try await client.query(query, logger: ScratchDatabase.logger).decode(T.self) { return value }
    return nil
}
