/// One records series of a retention schedule: what it covers, how long its records are kept,
/// from when, and what happens to them then (docs/records-officer.md, "The schedule catalog").
public struct RetentionSeries: Sendable, Hashable, Codable {
    /// The Disposition Authority Number, e.g. `GS2010-001`.
    public var dan: String
    /// The revision of the series (`Rev. 3` is 3); 0 when the schedule names none.
    public var revision: Int
    public var title: String
    public var description: String
    /// How long a record is kept after its trigger.
    public var retention: RetentionPeriod
    /// What starts the retention period of a record.
    public var trigger: RetentionTrigger
    /// What happens to a record once its retention is met.
    public var finalAction: FinalAction
    public var designation: Designation
    /// Whether the agency has confirmed this series for its use; an unconfirmed series is
    /// loaded but no record is destroyed under it until it is confirmed.
    public var confirmed: Bool
    /// Whether a disposition of this series needs the approval of two people.
    public var twoPersonApproval: Bool

    /// `GS2010-001` or `GS50-01-12 Rev. 3`: the DAN as the schedule prints it.
    public var citation: String { revision == 0 ? dan : "\(dan) Rev. \(revision)" }

    public init(
        dan: String, revision: Int = 0, title: String, description: String, retention: RetentionPeriod, trigger: RetentionTrigger,
        finalAction: FinalAction, designation: Designation, confirmed: Bool = true, twoPersonApproval: Bool = false
    ) {
        self.dan = dan
        self.revision = revision
        self.title = title
        self.description = description
        self.retention = retention
        self.trigger = trigger
        self.finalAction = finalAction
        self.designation = designation
        self.confirmed = confirmed
        self.twoPersonApproval = twoPersonApproval
    }
}

/// How long a record of a series is kept after its trigger.
public enum RetentionPeriod: Sendable, Hashable, Codable {
    /// A fixed period: years, months and days (ISO 8601 `P2Y`, `P6M`, `P1Y6M`, `P30D`).
    case period(years: Int, months: Int, days: Int)
    /// "Until no longer needed for agency business": a records officer decides, record by record.
    case untilNoLongerNeeded
}

/// What starts the retention period of a record.
public enum RetentionTrigger: Sendable, Hashable, Codable {
    /// The communication was received or provided, whichever is later.
    case communication
    /// The conversation was closed.
    case conversationClosed
    /// The public records request was closed.
    case requestClosed
    /// An event of this type (a custom trigger).
    case event(String)
}

/// What happens to a record once its retention is met.
public enum FinalAction: String, Sendable, Hashable, Codable, CaseIterable {
    case destroy
    /// Transfer to the archives (for appraisal, or permanently).
    case transfer
    /// A records officer reviews it.
    case review
}

/// A series' designation in the schedule.
public struct Designation: Sendable, Hashable, Codable {
    public enum Archival: String, Sendable, Hashable, Codable, CaseIterable {
        /// Archival (Permanent Retention): never destroyed.
        case permanent
        /// Archival (Appraisal Required): offered to the archives before any disposition.
        case appraisalRequired = "appraisal_required"
        case nonArchival = "non_archival"
    }

    /// The office that holds the primary record (OPR) or another office's copy (OFM).
    public enum Office: String, Sendable, Hashable, Codable, CaseIterable {
        case opr = "OPR"
        case ofm = "OFM"
    }

    public var archival: Archival
    public var essential: Bool
    public var office: Office

    public init(archival: Archival, essential: Bool, office: Office) {
        self.archival = archival
        self.essential = essential
        self.office = office
    }
}
