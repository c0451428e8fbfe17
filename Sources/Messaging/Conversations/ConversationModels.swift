public import Classification
public import Foundation
public import RecordkeeperCore
import WhatsApp

/// A conversation as the read API shows it: metadata from the `conversations` projection.
public struct ConversationSummary: Sendable, Equatable {
    /// The conversation id: its first stream (e.g. `wa/106540352242922/p:16505551234`).
    public var id: String
    public var phoneNumberID: String
    public var displayPhoneNumber: String?
    public var userID: String?
    public var waID: String?
    public var profileName: String?
    public var firstMessageAt: Date?
    public var lastMessageAt: Date?
    /// The last inbound message: the 24-hour customer-service window runs from here.
    public var lastInboundAt: Date?
    public var lastActivityAt: Date
    public var messageCount: Int64
    /// The highest data category of its classified messages (OCIO 141.10); nil while none is classified.
    public var category: DataCategory? = nil
}

/// A conversation with the streams and citizen keys merged into it.
public struct ConversationDetail: Sendable, Equatable {
    public var summary: ConversationSummary
    /// Its streams, first first.
    public var streams: [String]
    /// Its citizen keys (`u:<user_id>`, `p:<wa_id>`).
    public var citizenKeys: [String]
}

/// One page of conversations, newest activity first.
public struct ConversationPage: Sendable {
    public var items: [ConversationSummary]
    /// The cursor of the next page, nil on the last page.
    public var nextCursor: String?

    public init(items: [ConversationSummary], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// What the read API shows of a message's payload, read from the ledger and decrypted.
public enum MessageContent: Sendable, Equatable {
    /// The payload's `message` object and the envelope's contact `profile` (absent on system messages).
    case available(message: JSONValue, profile: JSONValue?)
    /// Lawfully destroyed by the `record.destroyed` entry at this position.
    case destroyed(authorisedBy: Int64)
    /// Stored, but this process has no master key to decrypt it.
    case sealed
    /// Missing or unreadable; `recordkeeper verify` says why.
    case unavailable(String)
    /// Not shown to this reader: their roles see no message content, or it is of a category above
    /// their clearance and cannot be masked part by part (docs/access.md).
    case withheld(category: DataCategory?)
}

/// A message's data category as the classification projection holds it.
public struct MessageClassification: Sendable, Equatable {
    public var category: DataCategory
    /// `automatic` (the detectors) or `staff` (a raise or lowering with a reason).
    public var source: String
    /// The kinds the detectors found (`ssn`, `health`, …), never the text.
    public var reasons: [String]

    public init(category: DataCategory, source: String, reasons: [String]) {
        self.category = category
        self.source = source
        self.reasons = reasons
    }
}

/// One message of a conversation's timeline.
public struct TimelineItem: Sendable, Equatable {
    public var position: Int64
    public var stream: String
    public var messageID: String
    /// `inbound` or `outbound`.
    public var direction: String
    public var messageType: String?
    public var occurredAt: Date
    /// Outbound messages: the best delivery status so far (see ``DeliveryStatus``).
    public var status: String?
    public var statusAt: Date?
    /// Outbound messages: the request id of their `message.send.requested` (`message_id` is
    /// `rk1:<request_id>` until Meta's answer gives the wamid).
    public var requestID: String?
    /// Outbound messages Meta refused: its Graph error code.
    public var errorCode: Int?
    /// Inbound: the `messages[]` object. Outbound: the Graph request body as sent.
    public var content: MessageContent
    /// The message's data category; nil until it is classified.
    public var classification: MessageClassification? = nil
    /// Whether ``content`` was masked for the reader (``ContentMasking``).
    public var masked: Bool = false
}

/// One page of a timeline, in ledger order.
public struct TimelinePage: Sendable {
    public var items: [TimelineItem]
    public var nextCursor: String?
}

/// Why a conversation query was refused.
public enum ConversationQueryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The cursor was not one this API handed out (or belongs to another listing).
    case invalidCursor

    public var description: String {
        switch self {
        case .invalidCursor: "the cursor is not valid here: pass the next_cursor of the previous page unchanged"
        }
    }
}
