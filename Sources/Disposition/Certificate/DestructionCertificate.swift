public import Foundation
import Retention

/// The destruction log entry and certificate of one disposition list (or of one `record.destroyed`
/// authority when no list names it), with the fields of the Washington State Archives destruction
/// log (docs/records-officer.md, "The destruction certificate").
///
/// Built from the ledger by ``DestructionCertificates``; rendered by ``csv()``, ``json()``,
/// ``html()`` and ``text()``. Every statement it makes cites the ledger entries it rests on
/// (``citations``) and the signed checkpoint that covers them (``checkpoint``).
public struct DestructionCertificate: Sendable, Hashable {
    /// The agency's ledger the records were kept in.
    public var ledger: String
    /// The disposition list; nil when the authority names none.
    public var list: String?
    /// The records series the records were destroyed under.
    public var series: Series
    /// The schedule catalog in force: its name, version and the `retention.catalog.loaded` entry.
    public var schedule: Schedule?
    /// How many records, messages, payloads and data keys were destroyed.
    public var volume: Volume
    /// The earliest first entry and the latest last entry of the destroyed records; nil when none.
    public var datesCovered: DateRange?
    /// The latest date on which one of the destroyed records became eligible (see ``retentionMetBasis``).
    public var retentionMet: Date?
    /// How ``retentionMet`` is worked out.
    public var retentionMetBasis: String
    /// The destruction method, in words.
    public var method: String
    /// The certification that no legal hold covered the records at destruction, and what was checked.
    public var holdsCertification: String
    /// Who made the disposition list (inventoried the records); nil without a list.
    public var inventoried: Party?
    /// Who approved the disposition, in order.
    public var approvals: [Party]
    /// Who destroyed them: the actor of each `record.destroyed` entry, with its date.
    public var destroyed: [Party]
    /// The data keys named by the authorities that are not destroyed yet (a run still to finish)
    /// and not kept by a halt.
    public var pendingKeys: Int
    /// The destroyed records, by stream and month.
    public var records: [Record]
    /// The ledger entries the certificate cites, by position.
    public var citations: [Citation]
    /// The earliest signed checkpoint whose tree covers every cited position; nil when none does yet.
    public var checkpoint: CheckpointCitation?
    /// When the certificate was produced.
    public var generatedAt: Date

    public init(
        ledger: String, list: String?, series: Series, schedule: Schedule?, volume: Volume, datesCovered: DateRange?, retentionMet: Date?,
        retentionMetBasis: String = DestructionCertificate.retentionMetBasis, method: String = DestructionCertificate.method,
        holdsCertification: String = DestructionCertificate.holdsCertification, inventoried: Party?, approvals: [Party], destroyed: [Party],
        pendingKeys: Int, records: [Record], citations: [Citation], checkpoint: CheckpointCitation?, generatedAt: Date
    ) {
        self.ledger = ledger
        self.list = list
        self.series = series
        self.schedule = schedule
        self.volume = volume
        self.datesCovered = datesCovered
        self.retentionMet = retentionMet
        self.retentionMetBasis = retentionMetBasis
        self.method = method
        self.holdsCertification = holdsCertification
        self.inventoried = inventoried
        self.approvals = approvals
        self.destroyed = destroyed
        self.pendingKeys = pendingKeys
        self.records = records
        self.citations = citations
        self.checkpoint = checkpoint
        self.generatedAt = generatedAt
    }

    /// The last ledger position the certificate cites (0 when it cites none).
    public var lastCitedPosition: Int64 { citations.map(\.position).max() ?? 0 }

    /// Whether every data key the authorities name was destroyed (or kept by a halt).
    public var complete: Bool { pendingKeys == 0 }

    /// The destruction method of ``DestructionCertificate/method``.
    public static let method =
        "crypto-shred: the data keys that sealed the records were destroyed and every payload they sealed was deleted; derived copies (search index, projections, media, relay and outbox copies) were purged. The ledger entries themselves remain, with their retained headers, so the chain still verifies."

    /// The certification of ``DestructionCertificate/holdsCertification``.
    public static let holdsCertification =
        "No litigation, public records request, audit or investigation hold covered these records when they were destroyed: this was checked at destruction time against every active legal hold, in the same transaction as the destruction. `recordkeeper audit retention` verifies it again from the ledger."

    /// How ``DestructionCertificate/retentionMet`` is worked out.
    public static let retentionMetBasis =
        "the latest eligible date of the destroyed records: each record's trigger date (for the communication trigger, its latest message received or sent) plus the series' retention, and never before 31 days after the end of the record's month"
}

extension DestructionCertificate {
    /// The series the records were destroyed under, as the catalog gives it.
    public struct Series: Sendable, Hashable {
        /// `GS2010-001` or `GS50-01-12 Rev. 3`.
        public var citation: String
        public var dan: String
        public var revision: Int
        /// Empty when the series is not in any loaded catalog.
        public var title: String
        public var description: String
        /// The minimum retention in words: `2 years`, `1 year 6 months`, `until no longer needed`.
        public var retention: String
        /// The retention as the catalog writes it: `P2Y`.
        public var retentionISO: String
        /// What starts the retention, in words.
        public var trigger: String

        public init(
            citation: String, dan: String, revision: Int, title: String, description: String, retention: String, retentionISO: String,
            trigger: String
        ) {
            self.citation = citation
            self.dan = dan
            self.revision = revision
            self.title = title
            self.description = description
            self.retention = retention
            self.retentionISO = retentionISO
            self.trigger = trigger
        }
    }

    /// The schedule catalog in force when the certificate was made.
    public struct Schedule: Sendable, Hashable {
        public var name: String
        public var version: String
        /// The `retention.catalog.loaded` entry.
        public var position: Int64

        public init(name: String, version: String, position: Int64) {
            self.name = name
            self.version = version
            self.position = position
        }
    }

    /// What was destroyed, counted.
    public struct Volume: Sendable, Hashable {
        public var records: Int
        /// Messages received or sent in the destroyed records.
        public var messages: Int64
        /// Ledger entries of the destroyed records (their headers remain).
        public var entries: Int64
        /// Payloads deleted under the authorities.
        public var payloads: Int64
        /// Data keys destroyed under the authorities.
        public var dataKeys: Int

        public init(records: Int, messages: Int64, entries: Int64, payloads: Int64, dataKeys: Int) {
            self.records = records
            self.messages = messages
            self.entries = entries
            self.payloads = payloads
            self.dataKeys = dataKeys
        }
    }

    /// From one date to another.
    public struct DateRange: Sendable, Hashable {
        public var from: Date
        public var to: Date

        public init(from: Date, to: Date) {
            self.from = from
            self.to = to
        }
    }

    /// A person (or process) who did one step, when, and the entry that records it.
    public struct Party: Sendable, Hashable {
        /// `cli:<user>`, `staff:<name>`.
        public var actor: String
        public var at: Date
        public var position: Int64

        public init(actor: String, at: Date, position: Int64) {
            self.actor = actor
            self.at = at
            self.position = position
        }
    }

    /// One destroyed record.
    public struct Record: Sendable, Hashable {
        /// `<stream>@<YYYY-MM>`.
        public var id: String
        /// `YYYY-MM`.
        public var period: String
        /// `correspondence` or `handling`.
        public var kind: String
        public var messages: Int64
        public var entries: Int64
        public var firstAt: Date
        public var lastAt: Date
        /// The `record.destroyed` entry that destroyed it.
        public var destroyedBy: Int64

        public init(id: String, period: String, kind: String, messages: Int64, entries: Int64, firstAt: Date, lastAt: Date, destroyedBy: Int64) {
            self.id = id
            self.period = period
            self.kind = kind
            self.messages = messages
            self.entries = entries
            self.firstAt = firstAt
            self.lastAt = lastAt
            self.destroyedBy = destroyedBy
        }
    }

    /// A ledger entry the certificate rests on.
    public struct Citation: Sendable, Hashable {
        public var position: Int64
        /// `retention.disposition.listed`, `retention.disposition.approved`, `record.destroyed`, ….
        public var eventType: String
        /// What it records, in words.
        public var what: String

        public init(position: Int64, eventType: String, what: String) {
            self.position = position
            self.eventType = eventType
            self.what = what
        }
    }

    /// A stored signed checkpoint (C2SP signed note) whose tree includes every cited entry.
    public struct CheckpointCitation: Sendable, Hashable {
        public var id: Int64
        public var treeSize: Int64
        public var createdAt: Date
        /// The signed note, exactly as stored and published.
        public var note: String

        public init(id: Int64, treeSize: Int64, createdAt: Date, note: String) {
            self.id = id
            self.treeSize = treeSize
            self.createdAt = createdAt
            self.note = note
        }
    }
}
