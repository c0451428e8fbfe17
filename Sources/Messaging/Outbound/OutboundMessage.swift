public import RecordkeeperCore
public import WhatsApp

/// A Graph `POST /{phone-number-id}/messages` body, classified by its content (never by the
/// path: mark-as-read posts there too). Unknown fields are left alone: the body is recorded and
/// sent exactly as it is.
public struct OutboundMessage: Sendable, Equatable {
    /// `text`, `template`, `image`, `video`, `audio`, `document`, `sticker`, `interactive`,
    /// `reaction`, `location`, `contacts`, … (the body's `type`, `text` when absent), or
    /// `mark_read` for a body with `"status":"read"`.
    public var kind: String
    /// The recipient: `to` (phone digits, without `+`) as `waID`, `recipient` (a BSUID) as `userID`.
    public var citizen: CitizenIdentity
    /// `context.message_id`: the message this one replies to.
    public var replyTo: String?
    /// The message a reaction or a mark-as-read refers to (`reaction.message_id`, `message_id`).
    public var targetMessageID: String?
    /// `biz_opaque_callback_data`, echoed by Meta in status webhooks.
    public var callbackData: String?
    /// The parsed body.
    public var body: JSONValue

    /// The kind of a mark-as-read (or typing-indicator) request.
    public static let markRead = "mark_read"

    /// Classifies a request body.
    /// - Throws: ``OutboundRequestError/notJSON(_:)`` or ``OutboundRequestError/notAnObject``.
    public init(body bytes: [UInt8]) throws(OutboundRequestError) {
        let body: JSONValue
        do {
            body = try JSONValue.parse(bytes)
        } catch {
            throw .notJSON("\(error)")
        }
        try self.init(json: body)
    }

    /// Classifies a parsed request body.
    public init(json body: JSONValue) throws(OutboundRequestError) {
        guard body.object != nil else { throw .notAnObject }
        self.body = body
        if body.text("status") != nil {
            kind = Self.markRead
            targetMessageID = body.text("message_id")
        } else {
            kind = body.text("type") ?? "text"
            targetMessageID = kind == "reaction" ? body["reaction"]?.text("message_id") : nil
        }
        citizen = CitizenIdentity(userID: body.text("recipient"), waID: body.text("to").map(Self.digits))
        replyTo = body["context"]?.text("message_id")
        callbackData = body.text("biz_opaque_callback_data")
    }

    /// A phone number as WhatsApp ids write it: digits only (`+1 (650) 555-1234` → `16505551234`).
    public static func digits(_ phone: String) -> String {
        String(phone.unicodeScalars.filter { $0.properties.numericType != nil && $0.isASCII }.map(Character.init))
    }
}

/// Why a request body cannot be classified.
public enum OutboundRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notAnObject

    public var description: String {
        switch self {
        case .notJSON(let why): "the request body is not JSON (\(why))"
        case .notAnObject: "the request body is not a JSON object"
        }
    }
}
