/// Where a public-records request stands (docs/public-records.md, "Statuses").
public enum RequestStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Received; no response yet (the 5-business-day clock runs).
    case open
    /// Acknowledged with an estimate.
    case acknowledged
    /// Waiting for the requester: a clarification, a deposit, an installment to be claimed.
    case waitingForRequester = "waiting_for_requester"
    /// Being searched, reviewed, assembled.
    case inProgress = "in_progress"
    /// An installment was provided; more may follow.
    case installmentProduced = "installment_produced"
    /// Closed with a reason (fulfilled, denied, partially denied, no records).
    case closed
    /// The requester withdrew it.
    case withdrawn
    /// The requester did not answer, claim or pay within 30 days.
    case abandoned

    /// Closed, withdrawn or abandoned: only a review (appeal) can reopen it.
    public var isFinal: Bool { self == .closed || self == .withdrawn || self == .abandoned }

    /// The statuses `recordkeeper requests status` may move a request to from this one; the others
    /// have commands of their own (acknowledge, clarify, answer, close, withdraw).
    public var allowedChanges: [RequestStatus] {
        switch self {
        case .open: [.installmentProduced]
        case .acknowledged: [.inProgress, .installmentProduced, .waitingForRequester]
        case .inProgress: [.installmentProduced, .waitingForRequester]
        case .installmentProduced: [.inProgress, .waitingForRequester]
        case .waitingForRequester: [.inProgress]
        case .closed, .withdrawn, .abandoned: []
        }
    }
}

/// How a request reached the agency.
public enum RequestChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case email, web, mail, phone
    case inPerson = "in_person"
    case whatsapp, other
}

/// Why a request was closed; it decides the final status.
public enum CloseReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every responsive record was provided.
    case fulfilled
    /// Every responsive record was withheld under an exemption.
    case denied
    /// Some records or parts were withheld under an exemption.
    case partiallyDenied = "partially_denied"
    /// No responsive record exists.
    case noRecords = "no_records"
    /// The requester withdrew the request.
    case withdrawn
    /// The requester did not clarify, claim or pay within 30 days (RCW 42.56.520(3), 42.56.120(4)).
    case abandoned

    /// The status the request ends in.
    public var status: RequestStatus {
        switch self {
        case .withdrawn: .withdrawn
        case .abandoned: .abandoned
        default: .closed
        }
    }

    /// Whether the closure withholds records, so the records withheld and the exemption must be described.
    public var withholds: Bool { self == .denied || self == .partiallyDenied }
}

/// The outcome of a review (appeal) of the agency's response.
public enum AppealOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// The response stands.
    case affirmed
    /// The response is reversed: a closed request is reopened (in progress).
    case reversed
    /// Part of the response is reversed: a closed request is reopened (in progress).
    case partiallyReversed = "partially_reversed"
}
