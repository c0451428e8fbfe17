public import Foundation
public import Retention

/// One approval of a disposition list: the `retention.disposition.approved` entry.
public struct DispositionApproval: Sendable, Hashable {
    /// The entry's position.
    public var position: Int64
    /// Who approved (`cli:<user>`, `staff:<name>`).
    public var actor: String
    public var at: Date

    public init(position: Int64, actor: String, at: Date) {
        self.position = position
        self.actor = actor
        self.at = at
    }
}

/// One record of a disposition list and the decision on it.
public struct DispositionListItem: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// On the list as the run made it.
        case listed
        /// Confirmed for disposition one by one (series whose final action is review).
        case confirmed
        case excluded
        case deferred
    }

    public var record: RetentionRecordID
    public var state: State
    /// The reviewer's reason (excluded, deferred, confirmed).
    public var reason: String?
    /// Deferred until.
    public var until: Date?
    public var reviewedBy: String?
    /// Whether the record was destroyed (or transferred) since.
    public var destroyed: Bool
    public var transferred: Bool

    public init(
        record: RetentionRecordID, state: State, reason: String? = nil, until: Date? = nil, reviewedBy: String? = nil, destroyed: Bool = false,
        transferred: Bool = false
    ) {
        self.record = record
        self.state = state
        self.reason = reason
        self.until = until
        self.reviewedBy = reviewedBy
        self.destroyed = destroyed
        self.transferred = transferred
    }
}

/// A disposition list: one series' records that met their retention, as one eligibility run
/// listed them, with the decisions and approvals since.
public struct DispositionList: Sendable, Hashable {
    /// Its id, `DL-<YYYYMMDD>-<8 hex>`.
    public var list: String
    /// The series' citation.
    public var series: String
    public var action: DispositionEvents.Action
    /// Whether each record needs a decision before approval (final action `review`).
    public var review: Bool
    /// The `retention.disposition.listed` entry.
    public var listedPosition: Int64
    public var listedBy: String
    public var listedAt: Date
    /// The SHA-256 of its record ids as listed.
    public var digest: String
    public var approvals: [DispositionApproval]
    /// Approvals needed: 2 when the series needs two-person approval, else 1.
    public var required: Int
    /// The `records.transferred` entry, for a transfer list handed over.
    public var transferredPosition: Int64?
    public var archives: String?
    public var items: [DispositionListItem]

    public init(
        list: String, series: String, action: DispositionEvents.Action, review: Bool, listedPosition: Int64, listedBy: String, listedAt: Date,
        digest: String, approvals: [DispositionApproval], required: Int, transferredPosition: Int64?, archives: String?,
        items: [DispositionListItem]
    ) {
        self.list = list
        self.series = series
        self.action = action
        self.review = review
        self.listedPosition = listedPosition
        self.listedBy = listedBy
        self.listedAt = listedAt
        self.digest = digest
        self.approvals = approvals
        self.required = required
        self.transferredPosition = transferredPosition
        self.archives = archives
        self.items = items
    }

    /// Whether it has the approvals it needs.
    public var approved: Bool { approvals.count >= required }

    /// The records the approval covers: listed (or confirmed), not excluded, not deferred.
    public var authorised: [RetentionRecordID] {
        items.filter { $0.state == .confirmed || (!review && $0.state == .listed) }.map(\.record)
    }

    /// The records still to dispose of: ``authorised`` and not yet destroyed or transferred.
    public var remaining: [RetentionRecordID] {
        items.filter { ($0.state == .confirmed || (!review && $0.state == .listed)) && !$0.destroyed && !$0.transferred }.map(\.record)
    }

    /// Records of a review list that have no decision yet.
    public var undecided: [RetentionRecordID] {
        review ? items.filter { $0.state == .listed }.map(\.record) : []
    }

    /// Where it stands, in words: `awaiting approval (1 of 2)`, `approved`, `destroyed`, ….
    public var status: String {
        if let transferredPosition { return "transferred (position \(transferredPosition))" }
        if !items.isEmpty, authorised.isEmpty, undecided.isEmpty { return "nothing left (every record excluded or deferred)" }
        if approved {
            if action == .destroy, remaining.isEmpty { return "destroyed" }
            return "approved"
        }
        return "awaiting approval (\(approvals.count) of \(required))"
    }
}

/// What the destruction engine needs to destroy the records of an approved list, and cites as
/// their authority (``DispositionLists/authorisation(list:)``).
public struct DestructionAuthorisation: Sendable {
    public var list: String
    /// The series' citation (`GS2010-001`).
    public var series: String
    /// The series' Disposition Authority Number and revision.
    public var dan: String
    public var revision: Int
    /// The approvals, in order.
    public var approvals: [DispositionApproval]
    /// The `retention.disposition.listed` entry.
    public var listedPosition: Int64
    /// The records to destroy: listed (or confirmed), not excluded, not deferred, not yet destroyed.
    public var records: [RetentionRecordID]

    public init(
        list: String, series: String, dan: String, revision: Int, approvals: [DispositionApproval], listedPosition: Int64,
        records: [RetentionRecordID]
    ) {
        self.list = list
        self.series = series
        self.dan = dan
        self.revision = revision
        self.approvals = approvals
        self.listedPosition = listedPosition
        self.records = records
    }
}
