public import Ledger

/// The archives' metadata of a transfer package (docs/export-format.md section 5.1): the bundle of
/// an approved transfer list's records, released in full, handed to the archives. Written as the
/// `transfer` member of `manifest.json` (so the manifest's SHA-256 covers it) and as the
/// transmittal letter, `transmittal_letter.html`, in place of the cover letter.
public struct ExportTransfer: Sendable, Hashable {
    /// The records series of the list, as the retention schedule names it.
    public struct Series: Sendable, Hashable {
        /// `GS50-01-12 Rev. 3`.
        public var citation: String
        /// The Disposition Authority Number and its revision (0: none named).
        public var dan: String
        public var revision: Int
        public var title: String
        /// `permanent` or `appraisal_required` (archival), `non_archival`.
        public var designation: String
        public var essential: Bool
        /// `OPR` or `OFM`.
        public var office: String
        /// An ISO 8601 duration (`P6Y`) or `until no longer needed`.
        public var retention: String
        /// `communication`, `conversation_closed`, `request_closed` or `event:<type>`.
        public var trigger: String
        /// `transfer`, `destroy` or `review` (archival series go to the archives whatever it says).
        public var finalAction: String

        public init(
            citation: String, dan: String, revision: Int, title: String, designation: String, essential: Bool, office: String, retention: String,
            trigger: String, finalAction: String
        ) {
            self.citation = citation
            self.dan = dan
            self.revision = revision
            self.title = title
            self.designation = designation
            self.essential = essential
            self.office = office
            self.retention = retention
            self.trigger = trigger
            self.finalAction = finalAction
        }
    }

    /// A record of the list: one month of one conversation stream.
    public struct Record: Sendable, Hashable {
        public var stream: String
        /// `YYYY-MM`.
        public var month: String

        public init(stream: String, month: String) {
            self.stream = stream
            self.month = month
        }

        /// `<stream>@<month>`, the `record_id` of its messages.
        public var id: String { "\(stream)@\(month)" }
    }

    /// One approval of the list.
    public struct Approval: Sendable, Hashable {
        /// Who approved (`cli:<user>`, `staff:<name>`).
        public var by: String
        public var at: LedgerTimestamp

        public init(by: String, at: LedgerTimestamp) {
            self.by = by
            self.at = at
        }
    }

    /// The agency transferring the records.
    public var agency: String
    /// The transfer list, `DL-<YYYYMMDD>-<8 hex>`.
    public var list: String
    public var series: Series
    /// Every record of the list being transferred, sorted by id.
    public var records: [Record]
    /// The first and last message's time (nil when the records hold no message).
    public var from: LedgerTimestamp?
    public var to: LedgerTimestamp?
    /// When the list was made, and its approvals.
    public var listedAt: LedgerTimestamp
    public var approvals: [Approval]
    /// The archives the records go to, e.g. `Washington State Archives`.
    public var archives: String

    public init(
        agency: String, list: String, series: Series, records: [Record], from: LedgerTimestamp?, to: LedgerTimestamp?, listedAt: LedgerTimestamp,
        approvals: [Approval], archives: String
    ) {
        self.agency = agency
        self.list = list
        self.series = series
        self.records = records
        self.from = from
        self.to = to
        self.listedAt = listedAt
        self.approvals = approvals
        self.archives = archives
    }

    /// The member written to `manifest.json` (snake case by ``ExportJSON``).
    struct Member: Encodable, Sendable {
        struct SeriesMember: Encodable, Sendable {
            var citation, dan: String
            var revision: Int
            var title, designation: String
            var essential: Bool
            var office, retention, trigger, finalAction: String
        }
        struct RecordMember: Encodable, Sendable {
            var stream, month: String
        }
        struct DateRange: Encodable, Sendable {
            var from, to: String?
        }
        struct ApprovalMember: Encodable, Sendable {
            var by, at: String
        }
        var agency, list, archives: String
        var series: SeriesMember
        var recordCount: Int
        var records: [RecordMember]
        var dateRange: DateRange
        var listedAt: String
        var approvals: [ApprovalMember]
        var producedAt: String
        var transmittalLetter: String
    }

    /// The manifest member, produced at `producedAt`.
    func member(producedAt: LedgerTimestamp) -> Member {
        let s = series
        return Member(
            agency: agency, list: list, archives: archives,
            series: .init(
                citation: s.citation, dan: s.dan, revision: s.revision, title: s.title, designation: s.designation, essential: s.essential,
                office: s.office, retention: s.retention, trigger: s.trigger, finalAction: s.finalAction),
            recordCount: records.count, records: records.map { .init(stream: $0.stream, month: $0.month) },
            dateRange: .init(from: from?.description, to: to?.description), listedAt: listedAt.description,
            approvals: approvals.map { .init(by: $0.by, at: $0.at.description) }, producedAt: producedAt.description,
            transmittalLetter: TransmittalLetter.path)
    }
}
