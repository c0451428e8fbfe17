/// The event types of outbound messages (docs/whatsapp-ingest.md, "Outbound messages").
///
/// A send is `message.send.requested` (the exact Graph request body), then either
/// `message.send.accepted` (Meta's answer, with the wamid that later
/// `whatsapp.status.updated` events name) or `message.send.failed` (Meta's whole error object, or
/// why no answer came). Each failed attempt that will be tried again is a
/// `message.send.attempt_failed` with its retry time.
///
/// The strings are ``EventType/Outbound``'s, described in ``EventCatalog``.
public typealias OutboundEventType = EventType.Outbound

/// Who sent a request on its way, and so who delivers it to Meta.
public enum OutboundVia: String, Sendable, Codable, CaseIterable {
    /// The send API (`POST /v1/conversations/{id}/messages`): the dispatcher sends it.
    case api
    /// An automation rule: the dispatcher sends it.
    case automation
    /// The recording proxy (`/graph/…`): the proxy forwarded it itself, synchronously.
    case proxy

    /// Whether the dispatcher delivers requests that came this way.
    public var isDispatched: Bool { self != .proxy }
}
