/// A disposition step that cannot be taken (docs/records-officer.md, "Disposition"). Nothing was
import Retention

/// recorded.
public enum DispositionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No disposition list of this id in the ledger.
    case unknownList(String)
    /// The list is not approved yet: `approvals` of `required`.
    case notApproved(list: String, approvals: Int, required: Int)
    /// The list is a transfer list: its records go to the archives, never to destruction.
    case transferList(String)
    /// The list is a destruction list: it cannot be transferred.
    case notTransferList(String)
    /// Every record left on the list was destroyed already.
    case alreadyDestroyed(String)
    /// The list was transferred already (at this position).
    case alreadyTransferred(String, position: Int64)
    /// Every record was excluded or deferred: there is nothing to approve.
    case nothingLeft(String)
    /// The list's series needs a decision on every record (final action `review`) and these
    /// are undecided.
    case undecided(list: String, records: Int)
    /// This person approved the list already; a second approval must be someone else's.
    case sameApprover(list: String, actor: String)
    /// The list has all the approvals it needs.
    case alreadyApproved(list: String, approvals: Int)
    /// Only a records officer may approve (or review) disposition.
    case roleNotAllowed(String)
    /// The records are not on the list, or no longer open to this decision (excluded, deferred,
    /// destroyed).
    case notOnList(list: String, records: [String])
    /// A record id that is not of the form `<stream>@<YYYY-MM>`.
    case invalidRecord(String)
    /// A review without a reason.
    case missingReason
    /// A deferral to a date that is not after now.
    case deferralNotLater(String)
    /// Confirming records is for lists of series whose final action is `review`.
    case confirmNotNeeded(String)
    /// The series is in no catalog loaded.
    case unknownSeries(String)
    /// No transfer without naming the archives and their reference.
    case missingTransferDetail(String)

    public var description: String {
        switch self {
        case .unknownList(let list):
            "no disposition list \(list) in this ledger: see `recordkeeper retention disposition list`"
        case .notApproved(let list, let approvals, let required):
            "list \(list) is not approved: it has \(approvals) of the \(required) approval\(required == 1 ? "" : "s") it needs (\(required - approvals) missing); a records officer approves it with `recordkeeper retention disposition approve \(list)`"
        case .transferList(let list):
            "list \(list) is a transfer list: its records go to the archives (`recordkeeper retention disposition transfer \(list)`), never to destruction"
        case .notTransferList(let list):
            "list \(list) is a destruction list, not a transfer list: nothing to transfer"
        case .alreadyDestroyed(let list):
            "every record of list \(list) was destroyed already: nothing to do"
        case .alreadyTransferred(let list, let position):
            "list \(list) was transferred already (position \(position)): nothing to do"
        case .nothingLeft(let list):
            "every record of list \(list) was excluded or deferred: there is nothing to approve"
        case .undecided(let list, let records):
            "list \(list) is of a series whose records each need a decision, and \(records) record\(records == 1 ? " has" : "s have") none: confirm (`--confirm RECORD`), exclude or defer each with `recordkeeper retention disposition review \(list)`"
        case .sameApprover(let list, let actor):
            "\(actor) approved list \(list) already: its series needs two approvals by different people; ask another records officer"
        case .alreadyApproved(let list, let approvals):
            "list \(list) has all its approvals already (\(approvals)): nothing to do"
        case .roleNotAllowed(let role):
            "only a records officer may review or approve disposition, not \(role): run it as --role records_officer (and be one)"
        case .notOnList(let list, let records):
            "not open for this decision on list \(list) (not on it, or already excluded, deferred or destroyed): \(records.joined(separator: ", ")); see `recordkeeper retention disposition show \(list)`"
        case .invalidRecord(let text):
            "\(text) is not a record id: give <stream>@<YYYY-MM>, as `recordkeeper retention disposition show LIST` prints them"
        case .missingReason:
            "a review needs a reason: give --reason \"…\""
        case .deferralNotLater(let until):
            "--until \(until) is not after now: defer to a later date"
        case .confirmNotNeeded(let list):
            "list \(list) does not need records confirmed one by one (its series' final action is not review): approve it as it is, or exclude records"
        case .unknownSeries(let series):
            "series \(series) is in no catalog loaded: see `recordkeeper retention catalog`"
        case .missingTransferDetail(let field):
            "a transfer needs --\(field) \"…\""
        }
    }
}
