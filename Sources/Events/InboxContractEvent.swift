/// The inbox events of the team inbox contract that analytics reads (stream
/// `inbox/<conversation id>`, header with `"v":1` and `"conversation"`). Analytics consumes them
/// only through this contract, never through the inbox's own tables.
public enum InboxContractEvent {
    /// `conversation.routed`: header `{"conversation","team","rule"}`; the conversation is open.
    public static let routed = "conversation.routed"
    /// `conversation.pending`: header `{"conversation"}`.
    public static let pending = "conversation.pending"
    /// `conversation.closed`: header `{"conversation"}`.
    public static let closed = "conversation.closed"
    /// `conversation.reopened`: header `{"conversation","automatic"}`; open again.
    public static let reopened = "conversation.reopened"

    /// The state changes analytics reads, each with the kind stored for it.
    package static let kinds: [String: String] = [routed: "routed", pending: "pending", closed: "closed", reopened: "reopened"]

    /// The part of their headers analytics reads.
    package struct Header: Decodable, Sendable {
        package var conversation: String
        package var team: String?
    }
}
