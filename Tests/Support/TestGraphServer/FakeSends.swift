import Foundation

/// How the fake Graph API answers one `POST /{version}/{phone-number-id}/messages`.
public enum FakeSendAnswer: Sendable, Equatable {
    /// HTTP 200 as Meta answers: `contacts` and `messages[0].id` (a new wamid), plus
    /// `message_status` when given (templates: `accepted`, `held_for_quality_assessment`, `paused`).
    /// A mark-as-read answers `{"success":true}`.
    case accept(messageStatus: String? = nil)
    /// Meta's error answer: the HTTP status and the error object of the reference's table (see
    /// ``metaError(_:)``).
    case error(status: Int, code: Int, title: String, details: String)
    /// The answer comes only after `delay` (a client timeout shorter than that sees none).
    case slow(Duration)
    /// The connection is closed without an answer... served here as HTTP 502 with an HTML body,
    /// as a proxy in front of Meta would.
    case badGateway

    /// The error answer of a Graph error code from the reference's table (§4): its HTTP status,
    /// title and details as Meta documents them.
    public static func metaError(_ code: Int) -> FakeSendAnswer {
        switch code {
        case 131047:
            .error(
                status: 400, code: code, title: "Re-engagement message",
                details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        case 130429: .error(status: 400, code: code, title: "Rate limit hit", details: "Cloud API message throughput has been reached.")
        case 131056:
            .error(
                status: 400, code: code, title: "(Business Account, Consumer Account) pair rate limit hit",
                details:
                    "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."
            )
        case 131026: .error(status: 400, code: code, title: "Message Undeliverable", details: "Message Undeliverable.")
        case 131051: .error(status: 400, code: code, title: "Unsupported message type", details: "Message type is not currently supported.")
        case 131009: .error(status: 400, code: code, title: "Parameter value is not valid", details: "Parameter value is not valid")
        case 132001:
            .error(status: 404, code: code, title: "Template name does not exist in the translation", details: "template name (x) does not exist in en_US")
        case 190: .error(status: 401, code: code, title: "Access token has expired", details: "Error validating access token: Session has expired.")
        case 368: .error(status: 403, code: code, title: "Temporarily blocked for policies violations", details: "Temporarily blocked for policies violations.")
        case 131000: .error(status: 500, code: code, title: "Something went wrong", details: "Something went wrong.")
        case 131057: .error(status: 500, code: code, title: "Account in maintenance mode", details: "Business Account is in maintenance mode")
        default: .error(status: 400, code: code, title: "Invalid parameter", details: "Invalid parameter")
        }
    }
}

/// A request the fake Graph API received on `/messages` or `/media`.
public struct FakeReceivedRequest: Sendable {
    /// `messages` or `media`.
    public var endpoint: String
    public var version: String
    public var phoneNumberID: String
    /// The exact body bytes.
    public var body: [UInt8]
    public var contentType: String?
    public var authorization: String?
    /// The wamid (or media id) the server answered with, when it accepted.
    public var answeredID: String?
}
