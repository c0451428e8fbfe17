public import Classification
import Foundation
public import Ledger
public import LedgerStore
public import Logging
import NIOCore
public import PostgresNIO
import RecordkeeperCore

/// Staff accounts, roles, teams, API tokens and their authentication (tables of migration
/// 0009), each change recorded in the ledger (``StaffEvents``).
///
/// A change is made in a transaction that stays open until its event is committed, so a change
/// the ledger does not know is rolled back. Authentication (``principal(forToken:)``) reads the
/// tables, or a short-lived ``CredentialCache`` that every change drops at once: a revoked
/// token, an expired one or a removed role takes effect at the next request.
public struct StaffDirectory: StaffAuthenticating {
    public let store: LedgerStore
    /// The ledger staff events go to (`RECORDKEEPER_LEDGER`, default `main`).
    public let ledger: String
    let masterKey: MasterKey?
    let logger: Logger
    /// bcrypt's cost (log2 rounds); 12 in service, lower only in tests.
    let bcryptCost: UInt8
    /// Where bcrypt runs: off the threads that serve requests, a bounded number at once.
    let passwords: PasswordWorkers
    /// How many failed sign-ins become `staff.login.failed` entries (per name and in all, per
    /// minute), so that nobody can grow the ledger by signing in with made-up names.
    let failureBudget: RejectionBudget
    /// Verified tokens and sessions kept for a few seconds (``caching(_:)``); nil: none kept.
    var credentialCache: CredentialCache<StaffPrincipal>?

    /// Password checks (bcrypt) that run at once, by default.
    public static let passwordChecksRunning = 4
    /// Password checks that may wait for a slot, by default; a sign-in beyond these is refused
    /// (``PasswordChecksBusy``, 429) without being checked.
    public static let passwordChecksWaiting = 8

    /// - Parameters:
    ///   - passwordChecksRunning: bcrypt checks that run at once (dedicated threads).
    ///   - passwordChecksWaiting: checks that may wait for one of them; more are refused.
    ///   - failureBudget: failed sign-ins recorded as entries; the rest are counted in the next one.
    public init(
        store: LedgerStore, ledger: String, masterKey: MasterKey? = nil, bcryptCost: UInt8 = 12,
        passwordChecksRunning: Int = passwordChecksRunning, passwordChecksWaiting: Int = passwordChecksWaiting,
        failureBudget: RejectionBudget = RejectionBudget(perSource: 10, overall: 100), logger: Logger
    ) {
        self.failureBudget = failureBudget
        self.store = store
        self.ledger = ledger
        self.masterKey = masterKey ?? store.masterKey
        self.bcryptCost = bcryptCost
        self.passwords = PasswordWorkers(running: passwordChecksRunning, waiting: passwordChecksWaiting)
        self.logger = logger
    }

    // MARK: Users

    /// Creates a user with roles and teams, optionally a password and a TOTP second factor, and
    /// records `staff.user.created` (and `staff.totp.enrolled`).
    /// - Returns: the user, and the TOTP enrolment (`otpauth://` URL and secret) to show once.
    /// - Throws: ``StaffError`` for a bad name, team, password or a taken name.
    public func addUser(
        name: String, roles: Set<StaffRole>, teams: Set<String> = [], password: String? = nil, enrollTOTP: Bool = false, actor: String
    ) async throws -> (user: StaffUser, totp: TOTPEnrollment?) {
        guard StaffUser.isValidName(name) else { throw StaffError.invalidName(name) }
        guard !roles.isEmpty else { throw StaffError.noRoles }
        for team in teams where !StaffUser.isValidName(team) { throw StaffError.invalidTeam(team) }
        var bcrypt: String?
        if let password { bcrypt = try await hash(password) }
        var enrollment: TOTPEnrollment?
        var sealed: [UInt8]?
        if enrollTOTP {
            guard let masterKey else { throw StaffError.masterKeyRequired }
            let totp = TOTPEnrollment.generate(user: name)
            sealed = try SealedSecret.seal(Array(totp.secret.utf8), purpose: StaffPasswords.totpPurpose(name), master: masterKey)
            enrollment = totp
        }
        let sealedBytes = sealed
        let keyID = sealed == nil ? nil : masterKey?.identifier
        do {
            try await store.client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO staff_users (name, password_bcrypt, totp_sealed, totp_master_key_id)
                    VALUES (\(name), \(bcrypt), \(sealedBytes.map { ByteBuffer(bytes: $0) }), \(keyID)) RETURNING id
                    """, logger: logger)
                var userID: Int64 = 0
                for try await id in rows.decode(Int64.self) { userID = id }
                for role in roles {
                    try await connection.query("INSERT INTO staff_roles (user_id, role) VALUES (\(userID), \(role.rawValue))", logger: logger)
                }
                for team in teams {
                    try await connection.query("INSERT INTO staff_teams (user_id, team) VALUES (\(userID), \(team))", logger: logger)
                }
                var events = [
                    try StaffEvents.event(
                        StaffEvents.userCreated, user: name, actor: actor,
                        fields: [
                            "roles": .array(roles.sorted().map { .string($0.rawValue) }), "teams": .array(teams.sorted().map { .string($0) }),
                            "password_set": .bool(password != nil), "totp": .bool(enrollTOTP),
                        ])
                ]
                if enrollTOTP { events.append(try StaffEvents.event(StaffEvents.totpEnrolled, user: name, actor: actor)) }
                try await record(events, what: "creating user \(name)")
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StaffError.alreadyExists(name)
        } catch let error as PostgresTransactionError {
            throw Self.unwrap(error, name: name)
        }
        return (try await user(name)!, enrollment)
    }

    /// Nobody changes their own roles, teams or content clearance: an admin who wants more (a
    /// clearance to read category 3–4 content, say) needs another admin, who is then the actor on
    /// the record (docs/access.md). The API and the pages check this before changing a user.
    /// - Throws: ``StaffError/ownAccount(_:)`` when `principal` is `user`.
    public static func refuseOwnAccount(_ user: String, by principal: StaffPrincipal, what: String) throws(StaffError) {
        guard principal.name != user else { throw StaffError.ownAccount(what) }
    }

    /// Grants (or revokes) a role and records `staff.role.granted` (`staff.role.revoked`).
    /// - Returns: false when the user already had (did not have) the role: nothing recorded.
    @discardableResult
    public func setRole(_ role: StaffRole, granted: Bool, user name: String, actor: String) async throws -> Bool {
        try await change(user: name) { connection, userID in
            let rows =
                granted
                ? try await connection.query(
                    "INSERT INTO staff_roles (user_id, role) VALUES (\(userID), \(role.rawValue)) ON CONFLICT DO NOTHING RETURNING 1", logger: logger)
                : try await connection.query(
                    "DELETE FROM staff_roles WHERE user_id = \(userID) AND role = \(role.rawValue) RETURNING 1", logger: logger)
            var changed = false
            for try await _ in rows.decode(Int.self) { changed = true }
            guard changed else { return false }
            try await record(
                [
                    try StaffEvents.event(
                        granted ? StaffEvents.roleGranted : StaffEvents.roleRevoked, user: name, actor: actor, fields: ["role": .string(role.rawValue)])
                ],
                what: "changing the roles of \(name)")
            return true
        }
    }

    /// Adds the user to a team (or removes them) and records `staff.team.joined` (`.left`).
    @discardableResult
    public func setTeam(_ team: String, member: Bool, user name: String, actor: String) async throws -> Bool {
        guard StaffUser.isValidName(team) else { throw StaffError.invalidTeam(team) }
        return try await change(user: name) { connection, userID in
            let rows =
                member
                ? try await connection.query(
                    "INSERT INTO staff_teams (user_id, team) VALUES (\(userID), \(team)) ON CONFLICT DO NOTHING RETURNING 1", logger: logger)
                : try await connection.query("DELETE FROM staff_teams WHERE user_id = \(userID) AND team = \(team) RETURNING 1", logger: logger)
            var changed = false
            for try await _ in rows.decode(Int.self) { changed = true }
            guard changed else { return false }
            try await record(
                [try StaffEvents.event(member ? StaffEvents.teamJoined : StaffEvents.teamLeft, user: name, actor: actor, fields: ["team": .string(team)])],
                what: "changing the teams of \(name)")
            return true
        }
    }

    /// Sets a new password and records `staff.password.set`.
    public func setPassword(_ password: String, user name: String, actor: String) async throws {
        let bcrypt = try await hash(password)
        _ = try await change(user: name) { connection, userID in
            try await connection.query("UPDATE staff_users SET password_bcrypt = \(bcrypt) WHERE id = \(userID)", logger: logger)
            try await record([try StaffEvents.event(StaffEvents.passwordSet, user: name, actor: actor)], what: "setting the password of \(name)")
            return true
        }
    }

    /// Enrols (or replaces) the user's TOTP second factor and records `staff.totp.enrolled`.
    /// - Returns: the enrolment to show once.
    public func enrollTOTP(user name: String, actor: String) async throws -> TOTPEnrollment {
        guard let masterKey else { throw StaffError.masterKeyRequired }
        let totp = TOTPEnrollment.generate(user: name)
        let sealed = try SealedSecret.seal(Array(totp.secret.utf8), purpose: StaffPasswords.totpPurpose(name), master: masterKey)
        _ = try await change(user: name) { connection, userID in
            try await connection.query(
                """
                UPDATE staff_users SET totp_sealed = \(ByteBuffer(bytes: sealed)), totp_master_key_id = \(masterKey.identifier), totp_last_step = NULL
                WHERE id = \(userID)
                """, logger: logger)
            try await record([try StaffEvents.event(StaffEvents.totpEnrolled, user: name, actor: actor)], what: "enrolling TOTP for \(name)")
            return true
        }
        return totp
    }

    /// Grants a content clearance (1…4) beyond the user's roles, or withdraws it (nil), with a
    /// reason, and records `staff.clearance.granted`.
    public func setClearance(_ category: DataCategory?, reason: String, user name: String, actor: String) async throws {
        let level = category.map { Int16($0.rawValue) }
        _ = try await change(user: name) { connection, userID in
            try await connection.query("UPDATE staff_users SET content_clearance = \(level) WHERE id = \(userID)", logger: logger)
            try await record(
                [
                    try StaffEvents.event(
                        StaffEvents.clearanceGranted, user: name, actor: actor,
                        fields: ["clearance": category.map { .integer(Int64($0.rawValue)) } ?? .null, "reason": .string(String(reason.prefix(500)))])
                ], what: "changing the clearance of \(name)")
            return true
        }
    }

    /// One user; nil when there is none by that name.
    public func user(_ name: String) async throws -> StaffUser? {
        try await users(where: name).first
    }

    /// Every user, by name.
    public func users() async throws -> [StaffUser] {
        try await users(where: nil)
    }

    private func users(where name: String?) async throws -> [StaffUser] {
        let rows = try await store.client.query(
            """
            SELECT u.name, coalesce((SELECT array_agg(role ORDER BY role) FROM staff_roles r WHERE r.user_id = u.id), '{}'),
                   coalesce((SELECT array_agg(team ORDER BY team) FROM staff_teams t WHERE t.user_id = u.id), '{}'),
                   u.password_bcrypt IS NOT NULL, u.totp_sealed IS NOT NULL, u.content_clearance::int4,
                   (extract(epoch FROM u.created_at) * 1000000)::int8, u.disabled_at IS NOT NULL
            FROM staff_users u WHERE (\(name)::text IS NULL OR u.name = \(name)) ORDER BY u.name
            """, logger: logger)
        var users: [StaffUser] = []
        for try await (name, roles, teams, password, totp, clearance, created, disabled) in rows.decode(
            (String, [String], [String], Bool, Bool, Int32?, Int64, Bool).self)
        {
            users.append(
                StaffUser(
                    name: name, roles: roles.compactMap(StaffRole.init(rawValue:)).sorted(), teams: teams, hasPassword: password, hasTOTP: totp,
                    contentClearance: clearance.map(Int.init), createdAtUs: created, disabled: disabled))
        }
        return users
    }

    // MARK: Tokens

    /// Issues an API token for `user` and records `staff.token.issued`.
    /// - Parameters:
    ///   - scopes: the roles the token narrows the user to (each must be held); nil: all.
    ///   - expiresIn: lifetime; nil: until revoked.
    /// - Returns: the token text (shown once) and its listing.
    public func issueToken(user name: String, scopes: Set<StaffRole>? = nil, expiresIn: Duration? = nil, actor: String) async throws -> IssuedToken {
        guard let current = try await user(name) else { throw StaffError.noSuchUser(name) }
        if let scopes { for role in scopes where !current.roles.contains(role) { throw StaffError.scopeNotHeld(role) } }
        let token = SecretToken.generate(prefix: StaffPasswords.tokenPrefix)
        let digest = SecretToken.digest(token)
        let scopeNames = scopes.map { $0.sorted().map(\.rawValue) }
        let seconds = expiresIn.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let info: StaffTokenInfo = try await change(user: name) { connection, userID in
            let rows = try await connection.query(
                """
                INSERT INTO staff_tokens (user_id, token_id, token_sha256, scopes, expires_at)
                VALUES (\(userID), \(ByteBuffer(bytes: digest.id)), \(ByteBuffer(bytes: digest.bytes)), \(scopeNames),
                        CASE WHEN \(seconds)::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => \(seconds)::float8) END)
                RETURNING (extract(epoch FROM created_at) * 1000000)::int8, (extract(epoch FROM expires_at) * 1000000)::int8
                """, logger: logger)
            var created: Int64 = 0
            var expires: Int64?
            for try await (c, e) in rows.decode((Int64, Int64?).self) { (created, expires) = (c, e) }
            let info = StaffTokenInfo(
                id: digest.idHex, user: name, scopes: scopes.map { $0.sorted() }, createdAtUs: created, expiresAtUs: expires, revokedAtUs: nil)
            var fields: [String: JSONValue] = ["token_id": .string(digest.idHex)]
            fields["scopes"] = scopeNames.map { .array($0.map { .string($0) }) } ?? .null
            fields["expires_at_us"] = expires.map { .integer($0) } ?? .null
            try await record([try StaffEvents.event(StaffEvents.tokenIssued, user: name, actor: actor, fields: fields)], what: "issuing a token for \(name)")
            return info
        }
        return IssuedToken(token: token, info: info)
    }

    /// Revokes the token with id `id` (16 hex digits) and records `staff.token.revoked`.
    /// - Returns: the token's listing.
    public func revokeToken(id: String, actor: String) async throws -> StaffTokenInfo {
        guard id.count == 16, let idBytes = Hex.decode(id.lowercased()) else { throw StaffError.noSuchToken(id) }
        defer { credentialsChanged() }
        do {
            return try await store.client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    UPDATE staff_tokens t SET revoked_at = greatest(now(), t.created_at) FROM staff_users u
                    WHERE u.id = t.user_id AND t.token_id = \(ByteBuffer(bytes: idBytes)) AND t.revoked_at IS NULL
                    RETURNING \(unescaped: Self.tokenColumns)
                    """, logger: logger)
                guard let info = try await Self.decodeTokens(rows).first else { throw StaffError.noSuchToken(id) }
                try await record(
                    [try StaffEvents.event(StaffEvents.tokenRevoked, user: info.user, actor: actor, fields: ["token_id": .string(info.id)])],
                    what: "revoking token \(id)")
                return info
            }
        } catch let error as PostgresTransactionError {
            throw Self.unwrap(error, name: id)
        }
    }

    /// Every token (active, expired and revoked) of one user or of all, oldest first.
    public func tokens(user: String? = nil) async throws -> [StaffTokenInfo] {
        try await Self.decodeTokens(
            store.client.query(
                """
                SELECT \(unescaped: Self.tokenColumns) FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id
                WHERE (\(user)::text IS NULL OR u.name = \(user)) ORDER BY t.id
                """, logger: logger))
    }

    static let tokenColumns = """
        t.token_id, u.name, t.scopes, (extract(epoch FROM t.created_at) * 1000000)::int8,
        (extract(epoch FROM t.expires_at) * 1000000)::int8, (extract(epoch FROM t.revoked_at) * 1000000)::int8
        """

    static func decodeTokens(_ rows: PostgresRowSequence) async throws -> [StaffTokenInfo] {
        var tokens: [StaffTokenInfo] = []
        for try await (id, user, scopes, created, expires, revoked) in rows.decode((ByteBuffer, String, [String]?, Int64, Int64?, Int64?).self) {
            tokens.append(
                StaffTokenInfo(
                    id: Hex.encode(id.readableBytesView), user: user,
                    scopes: scopes.map { $0.compactMap(StaffRole.init(rawValue:)) }, createdAtUs: created, expiresAtUs: expires,
                    revokedAtUs: revoked))
        }
        return tokens
    }

    // MARK: Helpers

    /// The bcrypt hash of an acceptable password, computed on ``passwords`` (waiting for a
    /// slot rather than refused: only an admin or an operator sets passwords).
    /// - Throws: ``StaffError/weakPassword(_:)``.
    func hash(_ password: String) async throws -> String {
        try StaffPasswords.check(password)
        let cost = bcryptCost
        return try await passwords.run(refusable: false) { Result { try StaffPasswords.hash(password, cost: cost) } }.get()
    }

    /// Runs `body` on a transaction with the user's row locked; the change is committed only
    /// if `body` (which records its event) succeeds.
    func change<T: Sendable>(user name: String, _ body: @Sendable (PostgresConnection, Int64) async throws -> T) async throws -> T {
        // Whatever changed, answers kept in this process are dropped now, before the notification.
        defer { credentialsChanged() }
        do {
            return try await store.client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query("SELECT id FROM staff_users WHERE name = \(name) FOR UPDATE", logger: logger)
                var userID: Int64?
                for try await id in rows.decode(Int64.self) { userID = id }
                guard let userID else { throw StaffError.noSuchUser(name) }
                return try await body(connection, userID)
            }
        } catch let error as PostgresTransactionError {
            throw Self.unwrap(error, name: name)
        }
    }

    /// Appends staff events; a failure becomes ``StaffError/notRecorded(_:)`` (the caller's
    /// transaction then rolls back).
    func record(_ events: [NewEvent], what: String) async throws {
        do {
            _ = try await store.append(events, to: ledger)
        } catch {
            logger.error("staff event not recorded", metadata: ["what": "\(what)", "error": "\(describeError(error))"])
            throw StaffError.notRecorded(what)
        }
    }

    /// The error a transaction's closure threw (or the database's).
    static func unwrap(_ error: PostgresTransactionError, name: String) -> any Error {
        if let staff = error.closureError as? StaffError { return staff }
        if let psql = error.closureError as? PSQLError, psql.serverInfo?[.sqlState] == "23505" { return StaffError.alreadyExists(name) }
        if let closure = error.closureError { return closure }
        return error
    }
}

extension StaffDirectory {
    /// Re-seals every TOTP secret sealed by `old` under `new` (part of a master key rotation,
    /// on its transaction).
    public static func rewrap(connection: PostgresConnection, from old: MasterKey, to new: MasterKey, logger: Logger) async throws {
        let rows = try await connection.query(
            "SELECT id, name, totp_sealed FROM staff_users WHERE totp_master_key_id = \(old.identifier) ORDER BY id FOR UPDATE", logger: logger)
        var updates: [(Int64, [UInt8])] = []
        for try await (id, name, sealed) in rows.decode((Int64, String, ByteBuffer).self) {
            let secret = try SealedSecret.open(sealed.readableBytesView, purpose: StaffPasswords.totpPurpose(name), master: old)
            updates.append((id, try SealedSecret.seal(secret, purpose: StaffPasswords.totpPurpose(name), master: new)))
        }
        for (id, sealed) in updates {
            try await connection.query(
                "UPDATE staff_users SET totp_sealed = \(ByteBuffer(bytes: sealed)), totp_master_key_id = \(new.identifier) WHERE id = \(id)",
                logger: logger)
        }
    }
}
