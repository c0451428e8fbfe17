import Events
import Ledger
public import LedgerStore
public import Logging
import Messaging
public import PostgresNIO

/// The `analytics` projection (docs/api.md, "Analytics"): the facts team figures are computed
/// from, metadata only. One row per message — `whatsapp.message.received` (inbound; an echo of a
/// message the business sent from its own app is outbound, via `app`) and `message.send.requested`
/// (outbound, with its `via`; mark-as-read requests are not messages) — kept by stream, and one
/// row per inbox state change (`conversation.routed` with its team, `.pending`, `.closed`,
/// `.reopened`) kept by conversation. ``AnalyticsQueries`` joins streams to conversations when
/// asked, so the rows depend only on the entries: a rebuild gives the same rows.
///
/// A batch is written set-based (issue 17): its rows are collected in memory and inserted with
/// one `INSERT … SELECT FROM unnest(…)` per table.
public struct AnalyticsProjection: Projection {
    public let name = "analytics"
    public let version = 1
    public let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.sendRequested, InboxContractEvent.routed, InboxContractEvent.pending,
        InboxContractEvent.closed, InboxContractEvent.reopened,
    ]
    /// Headers say everything.
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = AnalyticsRows(records, logger: logger)
        if !rows.messages.isEmpty {
            let messages = rows.messages
            // `via` is never empty when set (`app`, `unknown` or a plain name): '' stands for NULL.
            try await connection.perform(
                """
                INSERT INTO analytics_messages (ledger_id, position, stream, occurred_at_us, direction, via)
                SELECT \(ledger.id), u.position, u.stream, u.occurred, u.direction, NULLIF(u.via, '')
                FROM unnest(\(messages.map(\.position))::int8[], \(messages.map(\.stream))::text[], \(messages.map(\.occurredAtUs))::int8[],
                    \(messages.map(\.direction))::text[], \(messages.map { $0.via ?? "" })::text[]) AS u(position, stream, occurred, direction, via)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if !rows.events.isEmpty {
            let events = rows.events
            // `team` is set, never empty, for `routed` only: '' stands for NULL.
            try await connection.perform(
                """
                INSERT INTO analytics_conversation_events (ledger_id, position, conversation_id, occurred_at_us, kind, team)
                SELECT \(ledger.id), u.position, u.conversation, u.occurred, u.kind, NULLIF(u.team, '')
                FROM unnest(\(events.map(\.position))::int8[], \(events.map(\.conversation))::text[], \(events.map(\.occurredAtUs))::int8[],
                    \(events.map(\.kind))::text[], \(events.map { $0.team ?? "" })::text[]) AS u(position, conversation, occurred, kind, team)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM analytics_messages WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM analytics_conversation_events WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
