public import WhatsApp

/// What outcome events repeat of the `message.send.requested` entry they close.
public struct SendRequestReference: Sendable, Equatable {
    /// The request's id (`request_id` of its header): a UUID, also carried to Meta as
    /// `biz_opaque_callback_data` `rk1:<request_id>` when the send API built the body.
    public var requestID: String
    /// The ledger position of the `message.send.requested` entry.
    public var position: Int64
    /// Its stream (the conversation's).
    public var stream: String
    public var phoneNumberID: String
    public var kind: String
    public var citizen: CitizenIdentity

    public init(requestID: String, position: Int64, stream: String, phoneNumberID: String, kind: String, citizen: CitizenIdentity) {
        self.requestID = requestID
        self.position = position
        self.stream = stream
        self.phoneNumberID = phoneNumberID
        self.kind = kind
        self.citizen = citizen
    }

    /// The `biz_opaque_callback_data` value that names this request: `rk1:<request id>`.
    public var callbackData: String { Self.callbackPrefix + requestID }

    /// The prefix of callback data the send API sets; status webhooks carrying it are linked to
    /// their request (header `send_ref`).
    public static let callbackPrefix = "rk1:"
}
