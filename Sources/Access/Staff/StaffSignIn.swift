public import Foundation
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import RecordkeeperCore

/// Why a sign-in was refused. The messages never say whether the name or the password was wrong.
public enum SignInRefusal: Error, Equatable, CustomStringConvertible {
    /// The name and password do not match an active account.
    case invalidCredentials
    /// The password is right and a TOTP code is needed.
    case totpRequired
    /// The TOTP code is wrong or was already used.
    case invalidTOTP
    /// Second factors are required and the account has none: an admin must enrol one.
    case mfaNotEnrolled
    /// Too many failures: try again after this many seconds.
    case lockedOut(retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .invalidCredentials: "the name or the password is wrong"
        case .totpRequired: "send the 6-digit code of your authenticator app as \"totp\""
        case .invalidTOTP: "the authenticator code is wrong or was already used: wait for the next one"
        case .mfaNotEnrolled:
            "this account has no second factor and sign-in requires one: ask an admin to run `recordkeeper users enroll-totp NAME`"
        case .lockedOut(let seconds): "too many failed sign-ins: try again in \(seconds) seconds"
        }
    }
}

/// A browser session just started: the id goes into the `rk_session` cookie and is kept nowhere.
public struct StaffSession: Sendable {
    public let id: String
    public let principal: StaffPrincipal
    public let expiresAtUs: Int64
}

extension StaffDirectory {
    /// Failures within ``lockoutWindow`` that lock an account.
    public static let lockoutFailures = 5
    public static let lockoutWindow: Duration = .seconds(15 * 60)

    /// Signs a user in with password and (when enrolled or required) a TOTP code, records
    /// `staff.login.succeeded` or `staff.login.failed` (with the reason, never the password),
    /// and starts a session.
    ///
    /// The lockout cannot be raced: before the password is checked, the attempt takes one of the
    /// name's ``lockoutFailures`` slots in `staff_login_failures`, counted and taken under a
    /// transaction-scoped advisory lock on the name (names that have no account have no row to
    /// lock). An attempt that fails keeps its slot as its failure; one that signs in, or whose
    /// password is right and only lacks the TOTP code, gives it back. So however many sign-ins
    /// for one name arrive at once, across every service process, at most ``lockoutFailures``
    /// passwords are checked per window.
    ///
    /// bcrypt runs on the directory's password workers, never on a thread that serves requests;
    /// a name that does not exist costs one bcrypt verification, as a wrong password does.
    /// - Parameters:
    ///   - requireMFA: refuse accounts without a TOTP second factor.
    ///   - lifetime: how long the session lasts.
    /// - Throws: ``SignInRefusal``, ``PasswordChecksBusy`` (nothing checked, nothing counted), or
    ///   a database error.
    public func signIn(
        name: String, password: String, totp: String?, requireMFA: Bool, lifetime: Duration = .seconds(12 * 3600), now: Date = Date()
    ) async throws -> StaffSession {
        let key = Self.lockoutKey(name)
        guard let attempt = try await reserveAttempt(key) else {
            try await failed(key, reason: "locked_out")
            throw SignInRefusal.lockedOut(retryAfterSeconds: Int(Self.lockoutWindow.components.seconds))
        }
        do {
            return try await signIn(
                name: name, key: key, attempt: attempt, password: password, totp: totp, requireMFA: requireMFA, lifetime: lifetime, now: now)
        } catch SignInRefusal.totpRequired {
            // The password was right: not a failure.
            try await releaseAttempt(attempt)
            throw SignInRefusal.totpRequired
        } catch let busy as PasswordChecksBusy {
            // Nothing was checked.
            try await releaseAttempt(attempt)
            throw busy
        }
    }

    /// The sign-in proper, holding the lockout slot `attempt`.
    private func signIn(
        name: String, key: String, attempt: Int64, password: String, totp: String?, requireMFA: Bool, lifetime: Duration, now: Date
    ) async throws -> StaffSession {
        let rows = try await store.client.query(
            "SELECT id, password_bcrypt, totp_sealed, totp_last_step FROM staff_users WHERE name = \(name) AND disabled_at IS NULL",
            logger: logger)
        var account: (id: Int64, bcrypt: String?, sealed: ByteBuffer?, lastStep: Int64?)?
        for try await row in rows.decode((Int64, String?, ByteBuffer?, Int64?).self) { account = row }
        guard let account, let bcrypt = account.bcrypt else {
            _ = try await checkPassword(password, against: nil)
            try await failed(key, reason: account == nil ? "unknown_user" : "no_password")
            throw SignInRefusal.invalidCredentials
        }
        guard try await checkPassword(password, against: bcrypt) else {
            try await failed(key, reason: "wrong_password")
            throw SignInRefusal.invalidCredentials
        }
        var step: Int64?
        if let sealed = account.sealed {
            guard let totp, !totp.isEmpty else { throw SignInRefusal.totpRequired }
            guard let masterKey else { throw StaffError.masterKeyRequired }
            let secret = String(
                decoding: try SealedSecret.open(sealed.readableBytesView, purpose: StaffPasswords.totpPurpose(name), master: masterKey), as: UTF8.self)
            guard let matched = TOTPEnrollment.matchingStep(secret: secret, code: totp, at: now), matched > (account.lastStep ?? Int64.min) else {
                try await failed(key, reason: "wrong_totp")
                throw SignInRefusal.invalidTOTP
            }
            step = matched
        } else if requireMFA {
            try await failed(key, reason: "mfa_not_enrolled")
            throw SignInRefusal.mfaNotEnrolled
        }
        let sessionID = SecretToken.generate(prefix: StaffPasswords.sessionPrefix)
        let digest = SecretToken.digest(sessionID)
        let seconds = Double(lifetime.components.seconds)
        let usedStep = step
        let expires: Int64 = try await change(user: name) { connection, userID in
            if let usedStep {
                try await connection.query("UPDATE staff_users SET totp_last_step = \(usedStep) WHERE id = \(userID)", logger: logger)
            }
            // Signed in: the attempt's lockout slot is given back.
            try await connection.query("DELETE FROM staff_login_failures WHERE id = \(attempt)", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO staff_sessions (user_id, session_sha256, expires_at)
                VALUES (\(userID), \(ByteBuffer(bytes: digest.bytes)), now() + make_interval(secs => \(seconds)))
                RETURNING (extract(epoch FROM expires_at) * 1000000)::int8
                """, logger: logger)
            var expires: Int64 = 0
            for try await value in rows.decode(Int64.self) { expires = value }
            try await record(
                [
                    try StaffEvents.event(
                        StaffEvents.loginSucceeded, user: name, actor: "staff:\(name)",
                        fields: ["session": .string(digest.idHex), "second_factor": .string(usedStep == nil ? "none" : "totp")])
                ], what: "the sign-in of \(name)")
            return expires
        }
        guard let principal = try await principal(forSession: sessionID) else { throw SignInRefusal.invalidCredentials }
        return StaffSession(id: sessionID, principal: principal, expiresAtUs: expires)
    }

    /// Ends a session (sign-out) and records `staff.session.ended`.
    public func endSession(_ id: String, user: String) async throws {
        let digest = SecretToken.digest(id)
        defer { credentialsChanged() }
        try await store.client.query(
            "UPDATE staff_sessions SET ended_at = now() WHERE session_sha256 = \(ByteBuffer(bytes: digest.bytes)) AND ended_at IS NULL",
            logger: logger)
        try await record(
            [try StaffEvents.event(StaffEvents.sessionEnded, user: user, actor: "staff:\(user)", fields: ["session": .string(digest.idHex)])],
            what: "the sign-out of \(user)")
    }

    /// Whether `password` matches `hash` (nil: the account has none, or there is no account:
    /// the decoy, so that this costs the same one bcrypt verification). On the password
    /// workers; a password bcrypt cannot check (a NUL, over 72 bytes) matches nothing.
    /// - Throws: ``PasswordChecksBusy``.
    private func checkPassword(_ password: String, against hash: String?) async throws -> Bool {
        guard StaffPasswords.isCheckable(password) else { return false }
        let cost = bcryptCost
        return try await passwords.run { StaffPasswords.verify(password, hash: hash ?? StaffPasswords.decoy(cost: cost)) }
    }

    /// What failures are counted under: the name as given, cut to 64 characters.
    static func lockoutKey(_ name: String) -> String { String(name.prefix(64)) }

    /// The advisory lock class of sign-in attempts (`pg_advisory_xact_lock(class, hashtext(name))`):
    /// "RKS1", apart from every other advisory lock of the service.
    static let attemptLockClass: Int32 = 0x524B_5331

    /// Takes one of the name's lockout slots: under the name's advisory lock, counts the
    /// failures (and attempts under way) of the window and adds this attempt's row.
    /// - Returns: the row's id; nil when the name is locked (the refused attempt still counts).
    private func reserveAttempt(_ key: String) async throws -> Int64? {
        let seconds = Double(Self.lockoutWindow.components.seconds)
        let limit = Int64(Self.lockoutFailures)
        do {
            return try await store.client.withTransaction(logger: logger) { connection in
                _ = try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.attemptLockClass), hashtext(\(key)))", logger: logger
                ).collect()
                let counted = try await connection.query(
                    """
                    SELECT count(*)::int8 FROM staff_login_failures
                    WHERE user_name = \(key) AND failed_at > now() - make_interval(secs => \(seconds))
                    """, logger: logger)
                var count: Int64 = 0
                for try await value in counted.decode(Int64.self) { count = value }
                let inserted = try await connection.query(
                    "INSERT INTO staff_login_failures (user_name) VALUES (\(key)) RETURNING id", logger: logger)
                var id: Int64 = 0
                for try await value in inserted.decode(Int64.self) { id = value }
                return count >= limit ? nil : id
            }
        } catch let error as PostgresTransactionError {
            throw Self.unwrap(error, name: key)
        }
    }

    /// Gives an attempt's lockout slot back (it was not a failure).
    private func releaseAttempt(_ id: Int64) async throws {
        try await store.client.query("DELETE FROM staff_login_failures WHERE id = \(id)", logger: logger)
    }

    /// Records `staff.login.failed` (the attempt's slot already counts it for the lockout),
    /// within ``failureBudget``: past it the failure is only counted, and the next one recorded
    /// carries the count as `suppressed_before`.
    private func failed(_ key: String, reason: String) async throws {
        let decision = failureBudget.admit(source: key)
        guard decision.record else {
            logger.notice("failed sign-in not recorded: over the rejection budget", metadata: ["user": "\(key)", "reason": "\(reason)"])
            return
        }
        var fields: [String: JSONValue] = ["reason": .string(reason)]
        if decision.suppressedBefore > 0 { fields["suppressed_before"] = .integer(Int64(decision.suppressedBefore)) }
        try await record(
            [try StaffEvents.event(StaffEvents.loginFailed, user: key, actor: "anonymous", fields: fields)], what: "a failed sign-in")
    }
}
