public import Access
import Classification
import Foundation

// The staff types `openapi-generator-config.yaml` puts in place of generated schema types
// (`typeOverrides`, "# staff"): they encode exactly as the API always has.

/// `StaffUser` of `openapi.yaml`.
typealias StaffAccount = StaffUser
/// `StaffToken` of `openapi.yaml`.
typealias StaffTokenListing = StaffTokenInfo
/// `AccessLogEntry` of `openapi.yaml`.
typealias AccessLogRecord = AccessLogEntry

extension AccessLogEntry: Hashable {
    /// The position names an entry (equal entries have equal positions).
    public func hash(into hasher: inout Hasher) { hasher.combine(position) }
}

/// `StaffRole` of `openapi.yaml` as a request names it (body or path): any string, so that the
/// handler answers an unknown role 422 `invalid_field` naming the roles there are, as the API
/// always has, rather than a decoding error.
struct StaffRoleName: Codable, Hashable, Sendable {
    var rawValue: String

    init(rawValue: String) {
        self.rawValue = rawValue
    }

    init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// `Session` of `openapi.yaml`: who the caller is (`GET /v1/session`, and the answer of a sign-in).
struct SessionResponse: Codable, Hashable, Sendable {
    var user: String
    var roles: [String]
    var teams: [String]
    var credential: String
    /// The highest data category shown unmasked; nil: no message content.
    var clearance: Int?
    var expiresAt: String?

    enum CodingKeys: String, CodingKey {
        case user, roles, teams, credential, clearance
        case expiresAt = "expires_at"
    }

    init(_ principal: StaffPrincipal, expiresAtUs: Int64? = nil) {
        user = principal.name
        roles = principal.roles.sorted().map(\.rawValue)
        teams = principal.teams.sorted()
        credential = AccessEvents.credentialName(principal.credential)
        clearance = principal.clearance()?.rawValue
        expiresAt = expiresAtUs.map { RFC3339.format(Date(timeIntervalSince1970: Double($0) / 1_000_000)) }
    }
}
