public import Deadlines
public import Foundation
import RecordkeeperCore

/// Who asked, when they chose to say: kept only in the (encrypted) payload, never in a retained
/// header or a projection table.
public struct Requester: Sendable, Hashable {
    public var name: String?
    /// An email address, a postal address, a phone number: how to reach them.
    public var contact: String?

    public init(name: String? = nil, contact: String? = nil) {
        self.name = name
        self.contact = contact
    }

    /// Neither a name nor a contact.
    public var isAnonymous: Bool { name == nil && contact == nil }
}

/// A new request as received (``RecordsRequests/open(_:actor:role:now:)``).
public struct NewRecordsRequest: Sendable, Hashable {
    public var channel: RequestChannel
    /// The request's text, verbatim.
    public var text: String
    public var requester: Requester
    /// When it arrived (nil: now).
    public var receivedAt: Date?

    public init(channel: RequestChannel, text: String, requester: Requester = Requester(), receivedAt: Date? = nil) {
        self.channel = channel
        self.text = text
        self.requester = requester
        self.receivedAt = receivedAt
    }
}

/// A public-records request as projected (`requests`, migration 0023), with its content when it
/// was read from the `request.received` payload (``content``).
public struct RecordsRequest: Sendable, Hashable {
    /// `PRR-<year>-<n>`.
    public var id: String
    public var status: RequestStatus
    public var channel: RequestChannel
    /// The requester, from the payload (anonymous when not read: see ``content``).
    public var requester: Requester
    /// The request's text, verbatim, from the payload; nil when not read (see ``content``).
    public var text: String?
    /// Whether the content (``requester``, ``text``, ``explanation``) was read from the payload.
    public var content: RequestContentState
    public var receivedAt: Date
    /// Who recorded it.
    public var receivedBy: String
    /// The `request.received` entry.
    public var position: Int64
    /// The RCW 42.56.520 response due date.
    public var dueDate: CivilDay
    /// How the due date was computed, from the payload; nil when not read (see ``content``).
    public var explanation: DueDateExplanation?
    /// The agency time zone the dates are days in.
    public var timeZone: TimeZone
    /// When the first response (acknowledgement, clarification, installment, closure) was recorded.
    public var firstResponseAt: Date?
    /// The current estimate of when records will be provided.
    public var estimateDate: CivilDay?
    /// Since when the request waits for the requester (nil: it does not).
    public var waitingSince: Date?
    public var clarificationPending: Bool
    public var closeReason: CloseReason?
    public var closedAt: Date?
    public var feesCents: Int64
    public var depositCents: Int64
    public var paidCents: Int64
    public var appealPending: Bool
    /// The request's latest entry.
    public var lastPosition: Int64

    public init(
        id: String, status: RequestStatus, channel: RequestChannel, requester: Requester = Requester(), text: String? = nil,
        content: RequestContentState = .notRead, receivedAt: Date, receivedBy: String,
        position: Int64, dueDate: CivilDay, explanation: DueDateExplanation?, timeZone: TimeZone, firstResponseAt: Date? = nil,
        estimateDate: CivilDay? = nil, waitingSince: Date? = nil, clarificationPending: Bool = false, closeReason: CloseReason? = nil,
        closedAt: Date? = nil, feesCents: Int64 = 0, depositCents: Int64 = 0, paidCents: Int64 = 0, appealPending: Bool = false,
        lastPosition: Int64
    ) {
        self.id = id
        self.status = status
        self.channel = channel
        self.requester = requester
        self.text = text
        self.content = content
        self.receivedAt = receivedAt
        self.receivedBy = receivedBy
        self.position = position
        self.dueDate = dueDate
        self.explanation = explanation
        self.timeZone = timeZone
        self.firstResponseAt = firstResponseAt
        self.estimateDate = estimateDate
        self.waitingSince = waitingSince
        self.clarificationPending = clarificationPending
        self.closeReason = closeReason
        self.closedAt = closedAt
        self.feesCents = feesCents
        self.depositCents = depositCents
        self.paidCents = paidCents
        self.appealPending = appealPending
        self.lastPosition = lastPosition
    }

    /// The date that governs the request now: the response due date until the first response,
    /// then the estimate; nil while it waits for the requester (the clock is paused) or once final.
    public var governingDate: CivilDay? {
        if status.isFinal || status == .waitingForRequester { return nil }
        if firstResponseAt == nil { return dueDate }
        return estimateDate
    }

    /// Whether the governing date has passed at `now` (end of that day in the agency's time zone).
    public func isOverdue(at now: Date) -> Bool {
        guard let date = governingDate else { return false }
        return now >= date.adding(days: 1).start(in: timeZone)
    }

    /// The first day the request may be closed as abandoned (30 days after it began to wait for
    /// the requester), or nil when it does not wait.
    public var abandonableFrom: CivilDay? {
        guard status == .waitingForRequester, let waitingSince else { return nil }
        return CivilDay(waitingSince, in: timeZone).adding(days: ResponseClock.requesterDays)
    }

    /// What is still owed: fees assessed less payments.
    public var balanceCents: Int64 { feesCents - paidCents }
}

/// One entry of a request's history (`request_events`): what happened, when, by whom, and its
/// details: the retained header's values (dates, amounts, codes) and, when the payload was read
/// (``content``), its free text (reasons, questions, answers, notes). Never the requester or the
/// request's text: the request shows those.
public struct RequestHistoryItem: Sendable, Hashable {
    public var position: Int64
    public var eventType: String
    /// The status after it.
    public var status: RequestStatus
    public var occurredAt: Date
    public var actor: String
    /// The event's details: `reason`, `estimate_date`, `note`, `amount_cents`, …
    public var details: [String: String]
    /// Whether the payload's free text was read into ``details``.
    public var content: RequestContentState

    public init(
        position: Int64, eventType: String, status: RequestStatus, occurredAt: Date, actor: String, details: [String: String],
        content: RequestContentState = .notRead
    ) {
        self.position = position
        self.eventType = eventType
        self.status = status
        self.occurredAt = occurredAt
        self.actor = actor
        self.details = details
        self.content = content
    }

    /// A string, integer or Boolean member as text; nil for anything else.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    /// `request.estimate_revised` → `estimate revised`.
    public var label: String {
        String(eventType.dropFirst("request.".count)).replacingOccurrences(of: "_", with: " ")
    }
}
