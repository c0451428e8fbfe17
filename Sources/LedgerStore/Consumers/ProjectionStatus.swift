public import Foundation

/// Where one projection stands in one ledger (`recordkeeper projections status`).
public struct ProjectionStatus: Sendable, Codable, Equatable {
    public var projection: String
    public var ledger: String
    /// The version the stored rows were built by (nil: never run on this ledger).
    public var storedVersion: Int?
    /// The version this build applies.
    public var version: Int
    /// The last position applied (0: nothing yet).
    public var lastPosition: Int64
    /// The ledger's head position.
    public var headPosition: Int64
    public var updatedAt: Date?

    /// Entries of the ledger not yet looked at.
    public var behind: Int64 { max(0, headPosition - lastPosition) }
    /// Whether the next run resets and replays the projection (a new version).
    public var needsRebuild: Bool { storedVersion.map { $0 < version } ?? false }

    enum CodingKeys: String, CodingKey {
        case projection, ledger, version, behind
        case storedVersion = "stored_version"
        case lastPosition = "last_position"
        case headPosition = "head_position"
        case updatedAt = "updated_at"
        case needsRebuild = "needs_rebuild"
    }

    public init(
        projection: String, ledger: String, storedVersion: Int?, version: Int, lastPosition: Int64, headPosition: Int64, updatedAt: Date?
    ) {
        self.projection = projection
        self.ledger = ledger
        self.storedVersion = storedVersion
        self.version = version
        self.lastPosition = lastPosition
        self.headPosition = headPosition
        self.updatedAt = updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            projection: try c.decode(String.self, forKey: .projection), ledger: try c.decode(String.self, forKey: .ledger),
            storedVersion: try c.decodeIfPresent(Int.self, forKey: .storedVersion), version: try c.decode(Int.self, forKey: .version),
            lastPosition: try c.decode(Int64.self, forKey: .lastPosition), headPosition: try c.decode(Int64.self, forKey: .headPosition),
            updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(projection, forKey: .projection)
        try c.encode(ledger, forKey: .ledger)
        try c.encode(storedVersion, forKey: .storedVersion)
        try c.encode(version, forKey: .version)
        try c.encode(lastPosition, forKey: .lastPosition)
        try c.encode(headPosition, forKey: .headPosition)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(behind, forKey: .behind)
        try c.encode(needsRebuild, forKey: .needsRebuild)
    }
}

/// What one catch-up or rebuild did.
public struct ProjectionProgress: Sendable, Equatable {
    public var projection: String
    public var ledger: String
    /// Entries of the projection's types applied.
    public var applied: Int
    /// The projection's last position afterwards.
    public var lastPosition: Int64
    /// The ledger's head when the last batch was read.
    public var headPosition: Int64

    public init(projection: String, ledger: String, applied: Int, lastPosition: Int64, headPosition: Int64) {
        self.projection = projection
        self.ledger = ledger
        self.applied = applied
        self.lastPosition = lastPosition
        self.headPosition = headPosition
    }
}
