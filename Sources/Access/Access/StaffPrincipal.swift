public import Classification

/// Who is asking: a signed-in staff member (session), a staff API token, or the bootstrap admin
/// token (`RECORDKEEPER_ADMIN_TOKEN`).
public struct StaffPrincipal: Sendable, Hashable {
    /// How the caller proved who they are.
    public enum Credential: Sendable, Hashable {
        /// A browser session (cookie `rk_session`), signed in with password and second factor.
        case session(id: String)
        /// A staff API token (`rkt_…`) with its id (the first bytes of its digest, hex).
        case token(id: String)
        /// `RECORDKEEPER_ADMIN_TOKEN`: admin for automation; every use is audited.
        case bootstrap
    }

    /// The user name (`[a-z0-9][a-z0-9._-]*`); `bootstrap-admin` for the bootstrap token.
    public var name: String
    /// The roles in effect: the user's roles, narrowed by a token's scopes.
    public var roles: Set<StaffRole>
    /// The teams the user belongs to.
    public var teams: Set<String>
    /// A content clearance granted to this user beyond their roles (auditors), 1…4; nil: none.
    public var grantedClearance: DataCategory?
    public var credential: Credential

    public init(name: String, roles: Set<StaffRole>, teams: Set<String> = [], grantedClearance: DataCategory? = nil, credential: Credential) {
        self.name = name
        self.roles = roles
        self.teams = teams
        self.grantedClearance = grantedClearance
        self.credential = credential
    }

    /// The bootstrap admin (``Credential/bootstrap``).
    public static let bootstrapAdmin = StaffPrincipal(name: "bootstrap-admin", roles: [.admin], credential: .bootstrap)

    /// The ledger actor of what this caller does: `staff:<name>` (`bootstrap-admin` for the
    /// bootstrap token).
    public var actor: String {
        if case .bootstrap = credential { return "bootstrap-admin" }
        return "staff:\(name)"
    }

    /// The conversations this caller may reach through `action` (``AccessPolicy/scope(of:for:breakGlass:)``).
    public func scope(for action: StaffAction, breakGlass: Bool = false) -> ConversationScope {
        AccessPolicy.scope(of: self, for: action, breakGlass: breakGlass)
    }

    /// The highest data category this caller sees unmasked (``AccessPolicy/clearance(of:breakGlass:)``).
    public func clearance(breakGlass: Bool = false) -> DataCategory? { AccessPolicy.clearance(of: self, breakGlass: breakGlass) }
}
