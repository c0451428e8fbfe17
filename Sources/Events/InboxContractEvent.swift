/// The inbox events of the team inbox contract that analytics reads (stream
/// `inbox/<conversation id>`, header with `"v":1` and `"conversation"`). Analytics consumes them
/// only through this contract, never through the inbox's own tables.
public enum InboxContractEvent {
    /// `conversation.routed`: header `{"conversation","team","rule"}`; the conversation is open.
    public static let routed = EventType.Inbox.routed
    /// `conversation.pending`: header `{"conversation"}`.
    public static let pending = EventType.Inbox.pending
    /// `conversation.closed`: header `{"conversation"}`.
    public static let closed = EventType.Inbox.closed
    /// `conversation.reopened`: header `{"conversation","automatic"}`; open again.
    public static let reopened = EventType.Inbox.reopened

    /// The state changes analytics reads, each with the kind stored for it.
    package static let kinds: [String: String] = [routed: "routed", pending: "pending", closed: "closed", reopened: "reopened"]

    /// The part of their headers analytics reads.
    package struct Header: RetainedHeader, Sendable {
        package var conversation: String
        package var team: String?

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            conversation = try fields.string("conversation")
            team = try fields.optionalString("team")
        }
    }
}
