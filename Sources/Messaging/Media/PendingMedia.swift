public import Ledger

/// A media message whose bytes are not archived yet: what the media fetcher needs to fetch it
/// and to record the outcome next to the message.
///
/// Derived from the ledger (the `media` projection): the `whatsapp.message.received` event
/// gives the ids, stream, position and webhook fields; its `whatsapp.media.fetch_failed`
/// events give ``attempts`` and ``lastAttemptAt``.
public struct PendingMedia: Sendable, Hashable {
    /// The ledger the message is in (and the outcome goes to).
    public var ledger: String
    /// Meta's media id (webhook `image.id`, `document.id`, …).
    public var mediaID: String
    /// The wamid of the message that carries the media.
    public var messageID: String
    /// The message's stream (its conversation); the outcome goes to the same stream.
    public var stream: String
    /// The ledger position of the `whatsapp.message.received` event.
    public var messagePosition: Int64
    /// When the message was received (its `occurred_at`): media ids expire 7 days later.
    public var receivedAt: LedgerTimestamp
    /// The media object's `url`, when the webhook carried one (valid for minutes).
    public var webhookURL: String?
    /// The media object's `sha256`, as Meta gave it (base64 or hex).
    public var metaSHA256: String?
    /// The media object's `mime_type`.
    public var mimeType: String?
    /// Failed attempts so far (`whatsapp.media.fetch_failed` events).
    public var attempts: Int
    /// When the last failed attempt was made.
    public var lastAttemptAt: LedgerTimestamp?

    public init(
        ledger: String, mediaID: String, messageID: String, stream: String, messagePosition: Int64,
        receivedAt: LedgerTimestamp, webhookURL: String? = nil, metaSHA256: String? = nil, mimeType: String? = nil,
        attempts: Int = 0, lastAttemptAt: LedgerTimestamp? = nil
    ) {
        self.ledger = ledger
        self.mediaID = mediaID
        self.messageID = messageID
        self.stream = stream
        self.messagePosition = messagePosition
        self.receivedAt = receivedAt
        self.webhookURL = webhookURL
        self.metaSHA256 = metaSHA256
        self.mimeType = mimeType
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
    }
}
