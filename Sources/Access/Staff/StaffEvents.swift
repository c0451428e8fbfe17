import Events
import Ledger
public import LedgerStore
public import RecordkeeperCore

/// The ledger events of staff administration and sign-in (docs/access.md, "Staff events").
///
/// Stream `staff/<user>`; the actor is who made the change (`staff:<name>`, `bootstrap-admin`, or
/// `cli:<operator>`). Headers name users, roles, teams and token ids, never a password, a TOTP
/// secret, a token or a session id.
public enum StaffEvents {
    public static let userCreated = EventType.Staff.userCreated
    public static let roleGranted = EventType.Staff.roleGranted
    public static let roleRevoked = EventType.Staff.roleRevoked
    public static let teamJoined = EventType.Staff.teamJoined
    public static let teamLeft = EventType.Staff.teamLeft
    public static let passwordSet = EventType.Staff.passwordSet
    public static let totpEnrolled = EventType.Staff.totpEnrolled
    public static let clearanceGranted = EventType.Staff.clearanceGranted
    public static let tokenIssued = EventType.Staff.tokenIssued
    public static let tokenRevoked = EventType.Staff.tokenRevoked
    public static let loginSucceeded = EventType.Staff.loginSucceeded
    public static let loginFailed = EventType.Staff.loginFailed
    public static let sessionEnded = EventType.Staff.sessionEnded

    /// Every staff event type.
    public static let all: Set<String> = [
        userCreated, roleGranted, roleRevoked, teamJoined, teamLeft, passwordSet, totpEnrolled, clearanceGranted,
        tokenIssued, tokenRevoked, loginSucceeded, loginFailed, sessionEnded,
    ]

    /// The stream of a user's events (an invalid name, from a failed sign-in, is not used as is).
    public static func stream(user: String) -> String {
        StaffUser.isValidName(user) ? "staff/\(user)" : "staff/-invalid-name-"
    }

    /// One staff event: `fields` go to the header and the payload alike (none is secret).
    public static func event(_ type: String, user: String, actor: String, fields: [String: JSONValue] = [:]) throws -> NewEvent {
        var header = fields
        header["v"] = .integer(1)
        header["user"] = .string(StaffUser.isValidName(user) ? user : String(user.prefix(64)))
        let bytes = try JSONValue.object(header).encoded()
        return NewEvent(
            stream: stream(user: user), eventType: type, actor: actor, header: String(decoding: bytes, as: UTF8.self), payload: bytes)
    }
}
