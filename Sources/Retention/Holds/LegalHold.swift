public import Foundation

/// Why a legal hold was placed (docs/records-officer.md, "Legal holds").
public enum LegalHoldType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Litigation, pending or reasonably anticipated.
    case litigation
    /// A public records request that is open (RCW 42.56.100).
    case publicRecordsRequest = "public_records_request"
    /// An audit.
    case audit
    /// An investigation.
    case investigation
}

/// A legal hold as recorded: what was asked, who placed it, and its release if it was released.
public struct LegalHold: Sendable, Hashable {
    /// A release of a hold.
    public struct Release: Sendable, Hashable {
        /// The `retention.hold.released` entry.
        public var position: Int64
        /// Who released it (`cli:<user>`, `staff:<name>`).
        public var actor: String
        /// The role they released it as.
        public var role: String
        public var reason: String
        public var releasedAt: Date

        public init(position: Int64, actor: String, role: String, reason: String, releasedAt: Date) {
            self.position = position
            self.actor = actor
            self.role = role
            self.reason = reason
            self.releasedAt = releasedAt
        }
    }

    /// The hold's id, `H-<n>`: stable, never reused in a ledger.
    public var id: String
    public var type: LegalHoldType
    /// The matter: a case number, a request's tracking number, an audit's reference.
    public var matter: String
    /// Who is responsible for the records under the hold.
    public var custodian: String
    /// Why the hold was placed.
    public var reason: String
    /// What the hold covers.
    public var scope: LegalHoldScope
    /// The role it was placed as (`records_officer`, `request_officer`, …): that role, or a
    /// records officer, may release it.
    public var role: String
    /// Who placed it.
    public var actor: String
    /// The `retention.hold.placed` entry.
    public var position: Int64
    public var placedAt: Date
    /// Nil while the hold is active.
    public var release: Release?

    public init(
        id: String, type: LegalHoldType, matter: String, custodian: String, reason: String, scope: LegalHoldScope, role: String,
        actor: String, position: Int64, placedAt: Date, release: Release? = nil
    ) {
        self.id = id
        self.type = type
        self.matter = matter
        self.custodian = custodian
        self.reason = reason
        self.scope = scope
        self.role = role
        self.actor = actor
        self.position = position
        self.placedAt = placedAt
        self.release = release
    }

    /// Whether the hold still freezes destruction.
    public var isActive: Bool { release == nil }
}

/// What a records officer asks for when placing a hold (``LegalHolds/place(_:actor:role:now:)``).
public struct LegalHoldRequest: Sendable, Hashable {
    public var type: LegalHoldType
    /// The matter reference (required).
    public var matter: String
    /// The custodian (required).
    public var custodian: String
    /// Why (required).
    public var reason: String
    /// What it covers (at least one member).
    public var scope: LegalHoldScope

    public init(type: LegalHoldType, matter: String, custodian: String, reason: String, scope: LegalHoldScope) {
        self.type = type
        self.matter = matter
        self.custodian = custodian
        self.reason = reason
        self.scope = scope
    }
}
