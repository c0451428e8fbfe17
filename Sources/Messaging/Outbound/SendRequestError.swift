public import Foundation

/// Why the send API refused a request (HTTP 422 problem details, docs/api.md).
public enum SendRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is missing or invalid; `field` is its JSON path (e.g. `text.body`).
    case invalid(field: String, reason: String)
    /// A free-form message outside the 24-hour customer-service window. `closedAt` is when the
    /// window closed, nil when the citizen never wrote.
    case windowClosed(closedAt: Date?)
    /// The body is not JSON.
    case notJSON(String)
    /// There is no such conversation.
    case noConversation
    /// The `Idempotency-Key` was used before with a different request.
    case idempotencyKeyReused(originalPosition: Int64)

    public var description: String {
        switch self {
        case let .invalid(field, reason):
            "\(field): \(reason)"
        case .windowClosed(let closedAt?):
            "the citizen's last message is more than 24 hours old: the customer-service window closed at "
                + closedAt.formatted(.iso8601) + "; only an approved template message can be sent now (type \"template\")"
        case .notJSON(let why):
            "the request body is not JSON: \(why)"
        case .noConversation:
            "there is no conversation with this id: use an id from GET /v1/conversations"
        case .idempotencyKeyReused(let position):
            "this Idempotency-Key was already used for a different request (recorded at position \(position)): use a new key for a new message"
        case .windowClosed(nil):
            "the citizen has not written to this number: no customer-service window is open; only an approved template message can be sent (type \"template\")"
        }
    }
}
