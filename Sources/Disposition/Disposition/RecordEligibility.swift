public import Foundation
public import Retention

/// Why a record cannot be disposed of now (docs/records-officer.md, "When a record becomes eligible").
public enum Ineligibility: Sendable, Hashable, CustomStringConvertible {
    /// The record is in no series yet.
    case notFiled
    /// The record's series is not in any catalog loaded.
    case unknownSeries
    /// The series is in the catalog but the agency has not confirmed it.
    case seriesNotConfirmed
    /// The series is kept "until no longer needed": a records officer decides.
    case needsDecision
    /// The series' trigger (request closed, a custom event, a conversation not yet closed) has
    /// not happened for this record.
    case awaitingTrigger
    /// The retention period runs until the record's eligible date.
    case retentionNotMet
    /// The record was destroyed.
    case destroyed
    /// The record was transferred to the archives.
    case transferred

    /// The code stored and printed (`--json`): `not_filed`, `needs_decision`, ….
    public var code: String {
        switch self {
        case .notFiled: "not_filed"
        case .unknownSeries: "unknown_series"
        case .seriesNotConfirmed: "not_confirmed"
        case .needsDecision: "needs_decision"
        case .awaitingTrigger: "awaiting_trigger"
        case .retentionNotMet: "retention_not_met"
        case .destroyed: "destroyed"
        case .transferred: "transferred"
        }
    }

    /// The reason for a code of ``code``; nil for an unknown code.
    public init?(code: String) {
        let all: [Ineligibility] = [
            .notFiled, .unknownSeries, .seriesNotConfirmed, .needsDecision, .awaitingTrigger, .retentionNotMet, .destroyed, .transferred,
        ]
        guard let match = all.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// In words, for a records officer.
    public var description: String {
        switch self {
        case .notFiled: "not filed in a series"
        case .unknownSeries: "series not in the catalog"
        case .seriesNotConfirmed: "series not confirmed by the agency"
        case .needsDecision: "needs a decision (kept until no longer needed)"
        case .awaitingTrigger: "awaiting trigger"
        case .retentionNotMet: "retention not met"
        case .destroyed: "destroyed"
        case .transferred: "transferred to the archives"
        }
    }
}

/// Where a record stands in its disposition (docs/records-officer.md, "The status report").
public enum DispositionState: String, Sendable, Hashable, CaseIterable {
    /// Kept: its retention is not met, or it can never be disposed of as things stand.
    case retained
    /// Its retention is met and it is on no open disposition list.
    case eligible
    /// On a disposition list not yet approved.
    case listed
    /// On an approved disposition list, not yet destroyed or transferred.
    case approved
    case destroyed
    case transferred
}

/// One record's eligibility and disposition state at a time `now`.
public struct RecordEligibility: Sendable, Hashable {
    public var record: RetentionRecordID
    /// The citation of its series; nil when not filed.
    public var series: String?
    /// When its retention period started; nil when the trigger has not happened or cannot apply.
    public var triggerDate: Date?
    /// When it becomes (or became) eligible: the trigger date plus the retention period, never
    /// before 31 days after the end of the record's month; nil when it can never be as things stand.
    public var eligibleDate: Date?
    /// Why it is not eligible now; nil when it is.
    public var ineligibility: Ineligibility?
    public var state: DispositionState
    /// The latest disposition list the record is on, with its decision there
    /// (`listed`, `confirmed`, `excluded`, `deferred`).
    public var list: String?
    public var listDecision: String?
    /// The ids of the active legal holds that cover it (destruction refuses it while there are any).
    public var holds: [String]

    public init(
        record: RetentionRecordID, series: String?, triggerDate: Date?, eligibleDate: Date?, ineligibility: Ineligibility?,
        state: DispositionState, list: String? = nil, listDecision: String? = nil, holds: [String] = []
    ) {
        self.record = record
        self.series = series
        self.triggerDate = triggerDate
        self.eligibleDate = eligibleDate
        self.ineligibility = ineligibility
        self.state = state
        self.list = list
        self.listDecision = listDecision
        self.holds = holds
    }

    /// Whether its retention is met and nothing stands in the way (it may be on a list already).
    public var isEligible: Bool { ineligibility == nil }
}
