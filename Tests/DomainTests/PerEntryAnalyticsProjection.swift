import Events
import Inbox
import Ledger
import LedgerStore
import Logging
import Messaging
import PostgresNIO

/// The `analytics` projection as it was before issue 17 (commit 5b5e67a), kept verbatim but
/// for its name: one statement (or more) per entry. The oracle of the set-based apply's tests
/// (`SetBasedProjectionsTests`): on any ledger both must give exactly the same rows.
struct PerEntryAnalyticsProjection: Projection {
    let name = "analytics"
    let version = 1
    let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.sendRequested, InboxContractEvent.routed, InboxContractEvent.pending,
        InboxContractEvent.closed, InboxContractEvent.reopened,
    ]
    /// Headers say everything.
    let payloadTypes: Set<String> = []

    init() {}

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
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

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM analytics_messages WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM analytics_conversation_events WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
