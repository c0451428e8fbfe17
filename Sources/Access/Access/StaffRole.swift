import Foundation

/// A staff role (docs/access.md). A user holds one or more; what each may do is
/// ``AccessPolicy``'s matrix, in one place.
public enum StaffRole: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// Answers citizens from their teams' inboxes.
    case agent
    /// Watches every team's queues and response times; answers too; manages routing and automation.
    case supervisor
    /// Keeps the records: classification, retention, the access log.
    case recordsOfficer = "records_officer"
    /// Answers public-records requests: searches and reads every conversation.
    case requestOfficer = "request_officer"
    /// Checks the ledger: metadata, proofs, verification, the access log; no message content
    /// unless a content clearance is granted to the user.
    case auditor
    /// Manages staff, tokens, routing and automation; reads content only with a stated reason
    /// (break-glass, audited).
    case admin

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a role name (`records_officer`; `records-officer` is accepted too).
    public init?(name: String) {
        self.init(rawValue: name.lowercased().replacingOccurrences(of: "-", with: "_"))
    }
}
