/// Why a staff change or a sign-in was refused: messages an operator can act on.
public enum StaffError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case invalidTeam(String)
    case alreadyExists(String)
    case noSuchUser(String)
    case noSuchToken(String)
    case weakPassword(String)
    case noRoles
    case masterKeyRequired
    case invalidClearance(Int)
    case invalidExpiry(String)
    case scopeNotHeld(StaffRole)
    /// A change was made but its event could not be recorded (it was undone where possible).
    case notRecorded(String)
    /// Someone tried to change their own roles, teams or clearance (``StaffDirectory/refuseOwnAccount(_:by:what:)``).
    case ownAccount(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "\"\(name)\" is not a valid user name: use 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
        case .invalidTeam(let team):
            "\"\(team)\" is not a valid team name: use 1 to 63 lower-case letters, digits, '.', '_' or '-'"
        case .alreadyExists(let name): "a user named \(name) already exists"
        case .noSuchUser(let name): "there is no user named \(name): `recordkeeper users list` shows them"
        case .noSuchToken(let id): "there is no active token with id \(id): `recordkeeper tokens list` shows them"
        case .weakPassword(let reason): "the password is not acceptable: \(reason)"
        case .noRoles: "give the user at least one role (--role agent|supervisor|records_officer|request_officer|auditor|admin)"
        case .masterKeyRequired:
            "enrolling a TOTP second factor seals its secret with the master key: set RECORDKEEPER_MASTER_KEY (or _FILE)"
        case .invalidClearance(let level): "a content clearance is a data category 1 to 4, not \(level)"
        case .invalidExpiry(let text): "\"\(text)\" is not a duration: use e.g. 30d, 12h, 90m (at most 366d)"
        case .scopeNotHeld(let role): "the user does not hold the role \(role.rawValue), so a token cannot be scoped to it"
        case .notRecorded(let what): "\(what) could not be recorded in the ledger and was not made; try again"
        case .ownAccount(let what): "you cannot change your own \(what): another admin must make this change (docs/access.md)"
        }
    }
}
