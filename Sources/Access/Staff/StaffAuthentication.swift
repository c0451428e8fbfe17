import Classification
import LedgerStore
import NIOCore
import PostgresNIO

extension StaffDirectory {
    /// This directory, keeping the principals of verified tokens and sessions in `cache` for a
    /// few seconds (docs/operations.md, "Cached credentials"). Changes made in this process
    /// through the same database client (a revoked token, an ended session, a changed role …, by
    /// any directory) drop what the cache holds at once; other changes when their notification
    /// arrives.
    public func caching(_ cache: CredentialCache<StaffPrincipal>) -> StaffDirectory {
        var directory = self
        directory.credentialCache = cache
        return directory
    }

    /// The principal of a staff API token (`rkt_…`); nil for an unknown, expired or revoked token,
    /// or one of a disabled user. Read from the database, or from the credential cache when
    /// there is one and it may serve (``CredentialCache``).
    public func principal(forToken token: String) async throws -> StaffPrincipal? {
        guard token.hasPrefix(StaffPasswords.tokenPrefix) else { return nil }
        let digest = SecretToken.digest(token)
        guard let credentialCache else { return try await verifiedToken(digest)?.value }
        return try await credentialCache.value(for: digest) { try await verifiedToken(digest) }
    }

    /// The principal of a browser session id (`rks_…`); nil for an unknown, ended or expired
    /// session, or one of a disabled user. Read from the database, or from the credential cache.
    public func principal(forSession id: String) async throws -> StaffPrincipal? {
        guard id.hasPrefix(StaffPasswords.sessionPrefix) else { return nil }
        let digest = SecretToken.digest(id)
        guard let credentialCache else { return try await verifiedSession(digest)?.value }
        return try await credentialCache.value(for: digest) { try await verifiedSession(digest) }
    }

    /// Drops every answer the process's credential caches hold (after a change made here).
    func credentialsChanged() {
        CredentialWatch.changedHere(through: store.client)
    }

    /// One statement: the token's principal and how long the token stays valid (nil: until revoked).
    func verifiedToken(_ digest: TokenDigest) async throws -> CredentialCache<StaffPrincipal>.Verified? {
        let rows = try await store.client.query(
            """
            SELECT t.token_sha256, t.scopes, \(unescaped: Self.principalColumns),
                   (extract(epoch FROM t.expires_at - now()) * 1000000)::int8
            FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id
            WHERE t.token_id = \(ByteBuffer(bytes: digest.id)) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
              AND u.disabled_at IS NULL
            """, logger: logger)
        for try await (stored, scopes, name, roles, teams, clearance, remaining) in rows.decode(
            (ByteBuffer, [String]?, String, [String], [String], Int32?, Int64?).self)
        where digest.constantTimeEquals(TokenDigest(bytes: Array(stored.readableBytesView))) {
            var held = Set(roles.compactMap(StaffRole.init(rawValue:)))
            if let scopes { held.formIntersection(scopes.compactMap(StaffRole.init(rawValue:))) }
            let principal = StaffPrincipal(
                name: name, roles: held, teams: Set(teams), grantedClearance: clearance.flatMap { DataCategory(rawValue: Int($0)) },
                credential: .token(id: digest.idHex))
            return (principal, remaining.map { Duration.microseconds($0) })
        }
        return nil
    }

    /// One statement: the session's principal and how long the session stays valid.
    func verifiedSession(_ digest: TokenDigest) async throws -> CredentialCache<StaffPrincipal>.Verified? {
        let rows = try await store.client.query(
            """
            SELECT \(unescaped: Self.principalColumns), (extract(epoch FROM s.expires_at - now()) * 1000000)::int8
            FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
            WHERE s.session_sha256 = \(ByteBuffer(bytes: digest.bytes)) AND s.ended_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL
            """, logger: logger)
        for try await (name, roles, teams, clearance, remaining) in rows.decode((String, [String], [String], Int32?, Int64).self) {
            let principal = StaffPrincipal(
                name: name, roles: Set(roles.compactMap(StaffRole.init(rawValue:))), teams: Set(teams),
                grantedClearance: clearance.flatMap { DataCategory(rawValue: Int($0)) }, credential: .session(id: digest.idHex))
            return (principal, Duration.microseconds(remaining))
        }
        return nil
    }

    static let principalColumns = """
        u.name, coalesce((SELECT array_agg(role) FROM staff_roles r WHERE r.user_id = u.id), '{}'),
        coalesce((SELECT array_agg(team) FROM staff_teams m WHERE m.user_id = u.id), '{}'), u.content_clearance::int4
        """
}
