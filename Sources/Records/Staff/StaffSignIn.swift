public import Foundation
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import WhatsApp

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
    /// - Parameters:
    ///   - requireMFA: refuse accounts without a TOTP second factor.
    ///   - lifetime: how long the session lasts.
    /// - Throws: ``SignInRefusal``, or a database error.
    public func signIn(
        name: String, password: String, totp: String?, requireMFA: Bool, lifetime: Duration = .seconds(12 * 3600), now: Date = Date()
    ) async throws -> StaffSession {
        let recentFailures = try await failures(of: name)
        if recentFailures >= Self.lockoutFailures {
            try await failed(name, reason: "locked_out")
            throw SignInRefusal.lockedOut(retryAfterSeconds: Int(Self.lockoutWindow.components.seconds))
        }
        let rows = try await store.client.query(
            "SELECT id, password_bcrypt, totp_sealed, totp_last_step FROM staff_users WHERE name = \(name) AND disabled_at IS NULL",
            logger: logger)
        var account: (id: Int64, bcrypt: String?, sealed: ByteBuffer?, lastStep: Int64?)?
        for try await row in rows.decode((Int64, String?, ByteBuffer?, Int64?).self) { account = row }
        guard let account, let bcrypt = account.bcrypt else {
            _ = StaffPasswords.verify(password, hash: StaffPasswords.decoy(cost: bcryptCost))
            try await failed(name, reason: account == nil ? "unknown_user" : "no_password")
            throw SignInRefusal.invalidCredentials
        }
        guard StaffPasswords.verify(password, hash: bcrypt) else {
            try await failed(name, reason: "wrong_password")
            throw SignInRefusal.invalidCredentials
        }
        var step: Int64?
        if let sealed = account.sealed {
            guard let totp, !totp.isEmpty else { throw SignInRefusal.totpRequired }
            guard let masterKey else { throw StaffError.masterKeyRequired }
            let secret = String(decoding: try SealedSecret.open(sealed.readableBytesView, purpose: StaffPasswords.totpPurpose(name), master: masterKey), as: UTF8.self)
            guard let matched = TOTPEnrollment.matchingStep(secret: secret, code: totp, at: now), matched > (account.lastStep ?? Int64.min) else {
                try await failed(name, reason: "wrong_totp")
                throw SignInRefusal.invalidTOTP
            }
            step = matched
        } else if requireMFA {
            try await failed(name, reason: "mfa_not_enrolled")
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
        try await store.client.query(
            "UPDATE staff_sessions SET ended_at = now() WHERE session_sha256 = \(ByteBuffer(bytes: digest.bytes)) AND ended_at IS NULL",
            logger: logger)
        try await record([try StaffEvents.event(StaffEvents.sessionEnded, user: user, actor: "staff:\(user)", fields: ["session": .string(digest.idHex)])], what: "the sign-out of \(user)")
    }

    private func failures(of name: String) async throws -> Int {
        let seconds = Double(Self.lockoutWindow.components.seconds)
        let rows = try await store.client.query(
            "SELECT count(*)::int8 FROM staff_login_failures WHERE user_name = \(name) AND failed_at > now() - make_interval(secs => \(seconds))",
            logger: logger)
        var count: Int64 = 0
        for try await value in rows.decode(Int64.self) { count = value }
        return Int(count)
    }

    /// Counts a failure for the lockout and records `staff.login.failed`.
    private func failed(_ name: String, reason: String) async throws {
        let user = String(name.prefix(64))
        try await store.client.query("INSERT INTO staff_login_failures (user_name) VALUES (\(user))", logger: logger)
        try await record(
            [try StaffEvents.event(StaffEvents.loginFailed, user: user, actor: "anonymous", fields: ["reason": .string(reason)])],
            what: "a failed sign-in")
    }
}
