/// A staff account as `users list` and the staff API show it: never a secret.
public struct StaffUser: Sendable, Hashable, Codable {
    public var name: String
    public var roles: [StaffRole]
    public var teams: [String]
    /// Whether a password is set (sign-in in the browser needs one).
    public var hasPassword: Bool
    /// Whether a TOTP second factor is enrolled.
    public var hasTOTP: Bool
    /// A content clearance granted beyond the roles (1…4).
    public var contentClearance: Int?
    public var createdAtUs: Int64
    public var disabled: Bool

    enum CodingKeys: String, CodingKey {
        case name, roles, teams, disabled
        case hasPassword = "has_password"
        case hasTOTP = "has_totp"
        case contentClearance = "content_clearance"
        case createdAtUs = "created_at_us"
    }

    /// Whether `name` can name a user (or a team): `[a-z0-9][a-z0-9._-]{0,62}`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        let lowerOrDigit = { (c: UInt8) in (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) }
        return lowerOrDigit(first) && name.utf8.allSatisfy { lowerOrDigit($0) || $0 == 0x2e || $0 == 0x5f || $0 == 0x2d }
    }
}

/// A staff API token as listed: its id, never the token.
public struct StaffTokenInfo: Sendable, Hashable, Codable {
    /// The first 8 bytes of the token's SHA-256, hex.
    public var id: String
    public var user: String
    /// The roles the token narrows the user to; nil: all the user's roles.
    public var scopes: [StaffRole]?
    public var createdAtUs: Int64
    public var expiresAtUs: Int64?
    public var revokedAtUs: Int64?

    enum CodingKeys: String, CodingKey {
        case id, user, scopes
        case createdAtUs = "created_at_us"
        case expiresAtUs = "expires_at_us"
        case revokedAtUs = "revoked_at_us"
    }
}

/// A token just issued: ``token`` is shown once and kept nowhere.
public struct IssuedToken: Sendable {
    public var token: String
    public var info: StaffTokenInfo
}
