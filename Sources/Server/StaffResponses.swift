public import Access
import Classification
import Foundation
public import Hummingbird

extension StaffUser: ResponseEncodable {}
extension StaffTokenInfo: ResponseEncodable {}
extension AccessLogEntry: ResponseEncodable {}

struct StaffUserListResponse: ResponseEncodable {
    var items: [StaffUser]
}

struct StaffTokenListResponse: ResponseEncodable {
    var items: [StaffTokenInfo]
}

/// A user just created, with the TOTP enrolment shown once.
struct CreatedUserResponse: ResponseEncodable {
    var user: StaffUser
    var totpURL: String?

    enum CodingKeys: String, CodingKey {
        case user
        case totpURL = "totp_url"
    }
}

/// A token just issued: `token` is shown once.
struct IssuedTokenResponse: ResponseEncodable {
    var token: String
    var info: StaffTokenInfo

    enum CodingKeys: String, CodingKey {
        case token
        case info = "token_info"
    }
}

/// Who the caller is: `GET /v1/session`, and the answer of a sign-in.
struct SessionResponse: ResponseEncodable {
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

extension ProblemDetails {
    /// The problem details of a refused staff change.
    init(_ error: StaffError) {
        switch error {
        case .noSuchUser, .noSuchToken:
            self.init(status: .notFound, code: "not_found", title: "Not found", detail: error.description)
        case .alreadyExists:
            self.init(status: .conflict, code: "already_exists", title: "Already exists", detail: error.description)
        case .notRecorded:
            self.init(status: .serviceUnavailable, code: "not_recorded", title: "Not recorded", detail: error.description)
        case .masterKeyRequired:
            self.init(status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: error.description)
        case .invalidName, .invalidTeam, .weakPassword, .noRoles, .invalidClearance, .invalidExpiry, .scopeNotHeld:
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description)
        }
    }

    /// The problem details of a refused sign-in.
    init(_ refusal: SignInRefusal) {
        switch refusal {
        case .invalidCredentials:
            self.init(status: .unauthorized, code: "invalid_credentials", title: "Sign-in refused", detail: refusal.description)
        case .totpRequired:
            self.init(status: .unauthorized, code: "totp_required", title: "Second factor required", detail: refusal.description)
        case .invalidTOTP:
            self.init(status: .unauthorized, code: "invalid_totp", title: "Second factor refused", detail: refusal.description)
        case .mfaNotEnrolled:
            self.init(status: .forbidden, code: "mfa_not_enrolled", title: "Second factor not enrolled", detail: refusal.description)
        case .lockedOut(let seconds):
            self.init(status: .tooManyRequests, code: "locked_out", title: "Too many attempts", detail: refusal.description, retryAfterSeconds: seconds)
        }
    }
}
