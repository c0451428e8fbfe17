import Foundation
import LedgerStore
import PostgresNIO

/// Why a change of one's own credentials was refused.
public enum SelfServiceRefusal: Error, Equatable, CustomStringConvertible {
    /// The current password given is not the account's.
    case wrongCurrentPassword

    public var description: String {
        switch self {
        case .wrongCurrentPassword: "the current password is not right: enter the password you signed in with"
        }
    }
}

extension StaffDirectory {
    /// Changes a signed-in user's own password, after checking the current one (so that a
    /// session left open cannot be used to take the account over), and records
    /// `staff.password.set` with the user as actor. Sessions stay as they are.
    /// - Throws: ``SelfServiceRefusal/wrongCurrentPassword``, ``StaffError/weakPassword(_:)`` for
    ///   an unacceptable new password, ``PasswordChecksBusy``, or a database error.
    public func changeOwnPassword(user name: String, current: String, new: String) async throws {
        guard try await isCurrentPassword(current, user: name) else { throw SelfServiceRefusal.wrongCurrentPassword }
        try await setPassword(new, user: name, actor: "staff:\(name)")
    }

    /// Enrols a new TOTP second factor for a signed-in user after checking their current
    /// password, replacing the old one (its codes stop working), and records
    /// `staff.totp.enrolled` with the user as actor.
    /// - Returns: the enrolment to show once.
    /// - Throws: ``SelfServiceRefusal/wrongCurrentPassword``, ``StaffError/masterKeyRequired``,
    ///   ``PasswordChecksBusy``, or a database error.
    public func reenrollOwnTOTP(user name: String, current: String) async throws -> TOTPEnrollment {
        guard try await isCurrentPassword(current, user: name) else { throw SelfServiceRefusal.wrongCurrentPassword }
        return try await enrollTOTP(user: name, actor: "staff:\(name)")
    }

    /// Whether `password` is the active account's password (one bcrypt check on the password
    /// workers; an unknown or disabled account costs the same and matches nothing).
    func isCurrentPassword(_ password: String, user name: String) async throws -> Bool {
        let rows = try await store.client.query(
            "SELECT password_bcrypt FROM staff_users WHERE name = \(name) AND disabled_at IS NULL", logger: logger)
        var stored: String?
        for try await bcrypt in rows.decode(String?.self) { stored = bcrypt }
        let (found, cost) = (stored, bcryptCost)
        let matched = try await passwords.run { StaffPasswords.verify(password, hash: found ?? StaffPasswords.decoy(cost: cost)) }
        return found != nil && matched
    }
}
