public import RecordkeeperCore

/// One item of a webhook delivery: a message, a status, a value-level error or a change of
/// another field. Each becomes one ledger event.
public enum WebhookItem: Sendable, Hashable {
    case message(InboundMessage)
    case status(StatusUpdate)
    case error(ValueError)
    case notification(FieldNotification)
}

/// `value.messages[]`: a message a citizen sent (or an edit, revoke or system notice).
public struct InboundMessage: Sendable, Hashable {
    public var envelope: WebhookEnvelope
    /// The `value.contacts[]` object of the sender, verbatim, when the change has one.
    public var contact: JSONValue?
    /// The message object with every field it arrived with.
    public var message: JSONValue
    /// The `wamid`.
    public var id: String
    /// `type`: `text`, `image`, … or a type we do not know yet (kept all the same).
    public var type: String
    /// `timestamp`, unix seconds, when valid.
    public var timestamp: Int64?
    /// The sender.
    public var citizen: CitizenIdentity
    /// The media id of an image, audio, video, document or sticker (also inside an edit).
    public var mediaID: String?
    /// The index of the message in `value.messages[]`.
    public var index: Int
}

/// `value.statuses[]`: what became of a message we sent.
public struct StatusUpdate: Sendable, Hashable {
    public var envelope: WebhookEnvelope
    /// The recipient's `value.contacts[]` object, when the change has one.
    public var contact: JSONValue?
    /// The status object with every field it arrived with.
    public var status: JSONValue
    /// The `wamid` of our message.
    public var messageID: String
    /// `sent`, `delivered`, `read`, `played`, `failed`, or a value we do not know yet.
    public var state: String
    /// `timestamp`, unix seconds, when valid.
    public var timestamp: Int64?
    /// The recipient.
    public var citizen: CitizenIdentity
    /// The index of the status in `value.statuses[]`.
    public var index: Int
}

/// `value.errors[]`: a system-, app- or account-level problem, with no message or status.
public struct ValueError: Sendable, Hashable {
    public var envelope: WebhookEnvelope
    /// The error object with every field it arrived with.
    public var error: JSONValue
    /// `code`, when numeric.
    public var code: Int64?
    /// The index of the error in `value.errors[]`.
    public var index: Int
}

/// A change of a field other than `messages` (template status, account update, …), archived
/// whole and not parsed as messages.
public struct FieldNotification: Sendable, Hashable {
    public var envelope: WebhookEnvelope
    /// The whole change object (`field` and `value`).
    public var change: JSONValue
}
