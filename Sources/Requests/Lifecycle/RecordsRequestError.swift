import Foundation

/// A request action that was refused. Nothing was recorded; the message says what to do.
public enum RecordsRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The role may not do this (request officers and admins act; auditors read; agents never).
    case notAllowed(role: String, action: String)
    /// A required text is empty (`text`, `reason`, `question`, …).
    case missing(String)
    /// No request of this id in the ledger.
    case unknownRequest(String)
    /// A request id not of the form PRR-2026-0001.
    case malformedID(String)
    /// The receipt time is after `now`.
    case receivedInFuture(received: String, now: String)
    /// The request's status does not allow the action.
    case notAllowedInStatus(id: String, status: RequestStatus, action: String, hint: String)
    /// A status change the lifecycle does not allow.
    case transitionRefused(id: String, from: RequestStatus, to: RequestStatus, hint: String)
    /// An estimate date before today (in the agency's time zone) or before receipt.
    case estimateInPast(date: String, today: String)
    /// The same estimate date again.
    case estimateUnchanged(String)
    /// A request already acknowledged (revise the estimate instead).
    case alreadyAcknowledged(id: String, estimate: String)
    /// The estimate cannot be revised: none was given.
    case noEstimate(String)
    /// Closing as abandoned before the requester had 30 days.
    case abandonedTooSoon(id: String, waitingSince: String, allowedFrom: String)
    /// An amount of money that is zero, negative or more than allowed.
    case invalidAmount(field: String, cents: Int64, reason: String)
    /// An appeal is pending already, or none is to decide.
    case appealState(id: String, pending: Bool)
    /// Another open took the same number at the same moment, several times over.
    case numberingContention(String)
    /// Other request actions held the lock for 30 seconds.
    case busy

    public var description: String {
        switch self {
        case .notAllowed(let role, let action):
            "the role \(role) may not \(action): request officers and admins act on requests, auditors only read them"
        case .missing(let field):
            "the \(field) is empty: give --\(field.replacingOccurrences(of: " ", with: "-")) \"…\""
        case .unknownRequest(let id):
            "no request \(id) in this ledger: see `recordkeeper requests list`"
        case .malformedID(let id):
            "\(id) is not a request id: they look like PRR-2026-0001"
        case .receivedInFuture(let received, let now):
            "--received-at \(received) is after now (\(now)): give the time the request actually arrived"
        case .notAllowedInStatus(let id, let status, let action, let hint):
            "\(id) is \(status.rawValue): it cannot \(action)\(hint.isEmpty ? "" : "; \(hint)")"
        case .transitionRefused(let id, let from, let to, let hint):
            "\(id) cannot go from \(from.rawValue) to \(to.rawValue)\(hint.isEmpty ? "" : ": \(hint)")"
        case .estimateInPast(let date, let today):
            "the estimate \(date) is before today (\(today)): give a date from today on"
        case .estimateUnchanged(let date):
            "the estimate is \(date) already: give a different date, or nothing to do"
        case .alreadyAcknowledged(let id, let estimate):
            "\(id) was acknowledged already (estimate \(estimate)): revise the estimate with `recordkeeper requests estimate \(id) --date … --reason …`"
        case .noEstimate(let id):
            "\(id) has no estimate to revise: acknowledge it first with `recordkeeper requests acknowledge \(id) --estimate … --reason …`"
        case .abandonedTooSoon(let id, let since, let allowed):
            "\(id) has waited for the requester only since \(since): it may be closed as abandoned from \(allowed) (30 days, RCW 42.56.520(3))"
        case .invalidAmount(let field, let cents, let reason):
            "\(field) \(Self.money(cents)) cannot be recorded: \(reason)"
        case .appealState(let id, let pending):
            pending
                ? "\(id) has an appeal pending already: decide it with `recordkeeper requests review \(id) --outcome … --explanation …`"
                : "\(id) has no appeal pending: record one first with `recordkeeper requests appeal \(id) --grounds …`"
        case .busy:
            "other request actions kept the requests busy for 30 seconds: nothing was recorded; try again"
        case .numberingContention(let id):
            "another request took the number \(id) at the same moment several times: nothing was recorded; open the request again"
        }
    }

    /// `$12.50` for 1250 cents.
    public static func money(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let value = cents.magnitude
        let rest = value % 100
        return "\(sign)$\(value / 100).\(rest < 10 ? "0" : "")\(rest)"
    }
}
