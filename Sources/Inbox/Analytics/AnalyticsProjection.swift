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
        for record in records {
            let fields = record.entry.fields
            let occurred = fields.occurredAt.microseconds
            switch fields.eventType {
            case ContractEvent.messageReceived:
                guard let header = ContractEvent.header(ContractEvent.MessageHeader.self, of: record) else {
                    logger.warning("analytics: skipping a message whose header does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                let outbound = header.direction == "outbound"
                try await insertMessage(
                    ledger: ledger, record: record, direction: outbound ? "outbound" : "inbound", via: outbound ? "app" : nil, on: connection,
                    logger: logger)
            case ContractEvent.sendRequested:
                guard let header = ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record) else {
                    logger.warning("analytics: skipping a send request whose header does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                // A mark-as-read is not a message; a request naming no citizen has no conversation.
                let hasConversation = !(header.citizen?.keys ?? []).isEmpty || fields.stream.split(separator: "/").count >= 3
                guard header.kind != OutboundMessage.markRead, hasConversation else { continue }
                let plain =
                    (1...32).contains(header.via.utf8.count)
                    && header.via.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
                let via = plain ? header.via : "unknown"
                try await insertMessage(ledger: ledger, record: record, direction: "outbound", via: via, on: connection, logger: logger)
            default:
                guard let kind = InboxContractEvent.kinds[fields.eventType],
                    let header = ContractEvent.header(InboxContractEvent.Header.self, of: record), !header.conversation.isEmpty,
                    kind != "routed" || !(header.team ?? "").isEmpty
                else {
                    logger.warning("analytics: skipping an inbox event whose header does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await connection.perform(
                    """
                    INSERT INTO analytics_conversation_events (ledger_id, position, conversation_id, occurred_at_us, kind, team)
                    VALUES (\(ledger.id), \(fields.position), \(header.conversation), \(occurred), \(kind), \(kind == "routed" ? header.team : nil))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }

    private func insertMessage(
        ledger: LedgerRef, record: SelectedRecord, direction: String, via: String?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        try await connection.perform(
            """
            INSERT INTO analytics_messages (ledger_id, position, stream, occurred_at_us, direction, via)
            VALUES (\(ledger.id), \(fields.position), \(fields.stream), \(fields.occurredAt.microseconds), \(direction), \(via))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM analytics_messages WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM analytics_conversation_events WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
