public import Foundation

/// The 24-hour customer-service window (reference: whatsapp-sending.md §6): a citizen's message
/// opens it for 24 hours; inside it any message may be sent, outside it only templates. Our own
/// messages do not refresh it. Mark-as-read is not a message and is always allowed (Meta limits
/// it to 30 days itself). Meta's error 131047 stays the authority: this check only refuses early
/// what Meta would refuse, from the archive's last inbound time.
public enum SendWindow {
    /// How long a citizen's message keeps the window open.
    public static let length: TimeInterval = 24 * 3600

    /// Whether `kind` needs an open window.
    public static func requiresOpenWindow(_ kind: String) -> Bool {
        kind != "template" && kind != OutboundMessage.markRead
    }

    /// Refuses a free-form `kind` when the window (from `lastInboundAt`) is closed at `now`.
    /// - Throws: ``SendRequestError/windowClosed(closedAt:)``.
    public static func check(kind: String, lastInboundAt: Date?, now: Date = Date()) throws(SendRequestError) {
        guard requiresOpenWindow(kind) else { return }
        guard let lastInboundAt else { throw .windowClosed(closedAt: nil) }
        let closes = lastInboundAt.addingTimeInterval(length)
        guard now < closes else { throw .windowClosed(closedAt: closes) }
    }
}
