import Events
import Ledger
import LedgerStore
import Logging
import Messaging

/// The rows one batch of entries gives the `analytics` projection's two tables, in position
/// order; entries whose header does not fit are logged and skipped.
struct AnalyticsRows {
    /// A row of `analytics_messages`.
    struct Message {
        var position: Int64
        var stream: String
        var occurredAtUs: Int64
        var direction: String
        var via: String?
    }

    /// A row of `analytics_conversation_events`.
    struct Event {
        var position: Int64
        var conversation: String
        var occurredAtUs: Int64
        var kind: String
        var team: String?
    }

    private(set) var messages: [Message] = []
    private(set) var events: [Event] = []

    init(_ records: [SelectedRecord], logger: Logger) {
        for record in records { add(record, logger: logger) }
    }

    private mutating func add(_ record: SelectedRecord, logger: Logger) {
        let fields = record.entry.fields
        let occurred = fields.occurredAt.microseconds
        switch fields.eventType {
        case ContractEvent.messageReceived:
            guard let header = ContractEvent.header(ContractEvent.MessageHeader.self, of: record) else {
                logger.warning("analytics: skipping a message whose header does not fit", metadata: ["position": "\(fields.position)"])
                return
            }
            let outbound = header.direction == "outbound"
            messages.append(
                Message(
                    position: fields.position, stream: fields.stream, occurredAtUs: occurred, direction: outbound ? "outbound" : "inbound",
                    via: outbound ? "app" : nil))
        case ContractEvent.sendRequested:
            guard let header = ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record) else {
                logger.warning("analytics: skipping a send request whose header does not fit", metadata: ["position": "\(fields.position)"])
                return
            }
            // A mark-as-read is not a message; a request naming no citizen has no conversation.
            let hasConversation = !(header.citizen?.keys ?? []).isEmpty || fields.stream.split(separator: "/").count >= 3
            guard header.kind != OutboundMessage.markRead, hasConversation else { return }
            let plain =
                (1...32).contains(header.via.utf8.count)
                && header.via.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
            messages.append(
                Message(position: fields.position, stream: fields.stream, occurredAtUs: occurred, direction: "outbound", via: plain ? header.via : "unknown"))
        default:
            guard let kind = InboxContractEvent.kinds[fields.eventType],
                let header = ContractEvent.header(InboxContractEvent.Header.self, of: record), !header.conversation.isEmpty,
                kind != "routed" || !(header.team ?? "").isEmpty
            else {
                logger.warning("analytics: skipping an inbox event whose header does not fit", metadata: ["position": "\(fields.position)"])
                return
            }
            events.append(
                Event(
                    position: fields.position, conversation: header.conversation, occurredAtUs: occurred, kind: kind,
                    team: kind == "routed" ? header.team : nil))
        }
    }
}
