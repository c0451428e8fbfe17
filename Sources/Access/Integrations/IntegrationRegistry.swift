import Ledger
public import LedgerStore
public import Logging
import NIOCore
import PostgresNIO

/// Adds, revokes, lists and authenticates integrations (table `integrations`, migration 0006),
/// recording each change in the ledger (``IntegrationEvents``).
///
/// The table holds only each token's SHA-256. Authentication looks a token up by the first 8
/// bytes of its digest and compares the whole digest in constant time. It reads the table, or a
/// short-lived ``CredentialCache`` (``caching(_:)``) that every revocation drops at once, so a
/// revocation takes effect for the next request.
public struct IntegrationRegistry: Sendable {
    public let store: LedgerStore
    /// The ledger the events go to (`RECORDKEEPER_LEDGER`, default `main`).
    public let ledger: String
    let logger: Logger
    /// Verified tokens kept for a few seconds (``caching(_:)``); nil: none kept.
    var cache: CredentialCache<String>?

    public init(store: LedgerStore, ledger: String, logger: Logger) {
        self.store = store
        self.ledger = ledger
        self.logger = logger
    }

    /// This registry, keeping the names of verified tokens in `cache` for a few seconds
    /// (docs/operations.md, "Cached credentials"). Revocations made in this process through the
    /// same database client (by any registry) drop what the cache holds at once; other ones when
    /// their notification arrives.
    public func caching(_ cache: CredentialCache<String>) -> IntegrationRegistry {
        var registry = self
        registry.cache = cache
        return registry
    }

    /// Adds an integration with a new token and records `integration.added`.
    /// - Returns: the integration and its token: show the token once, it is not kept anywhere.
    /// - Throws: ``IntegrationError`` (invalid or taken name, event not recorded), or a database error.
    public func add(name: String, actor: String) async throws -> (Integration, IntegrationToken) {
        guard Integration.isValidName(name) else { throw IntegrationError.invalidName(name) }
        let token = IntegrationToken.generate()
        let digest = token.digest
        let integration: Integration
        do {
            let rows = try await store.client.query(
                """
                INSERT INTO integrations (name, token_id, token_sha256) VALUES (\(name), \(ByteBuffer(bytes: digest.id)), \(ByteBuffer(bytes: digest.bytes)))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            guard let row = try await Self.decode(rows).first else { throw IntegrationError.notFound(name) }
            integration = row
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw IntegrationError.alreadyExists(name)
        }
        do {
            _ = try await store.append(try IntegrationEvents.addedEvent(integration, actor: actor), to: ledger)
        } catch {
            // Never leave a usable token that the ledger does not know: revoke it again.
            _ = try? await store.client.query(
                "UPDATE integrations SET revoked_at = now() WHERE id = \(integration.rowID) AND revoked_at IS NULL", logger: logger)
            throw IntegrationError.notRecorded(name: name, action: "added", reason: "\(error)")
        }
        return (integration, token)
    }

    /// Revokes the active integration `name` and records `integration.revoked`.
    ///
    /// Revoking a name that is already revoked records the revocation of its latest row again if
    /// that event is missing (the dedupe key makes this harmless) and returns that row.
    /// - Returns: the revoked integration and whether this call revoked it (false: it already was).
    /// - Throws: ``IntegrationError/notFound(_:)``, ``IntegrationError/notRecorded(name:action:reason:)``,
    ///   or a database error.
    public func revoke(name: String, actor: String) async throws -> (Integration, revokedNow: Bool) {
        guard Integration.isValidName(name) else { throw IntegrationError.notFound(name) }
        defer { CredentialWatch.changedHere(through: store.client) }
        var revokedNow = true
        var integration = try await Self.decode(
            store.client.query(
                """
                UPDATE integrations SET revoked_at = greatest(now(), created_at) WHERE name = \(name) AND revoked_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
        ).first
        if integration == nil {
            revokedNow = false
            integration = try await Self.decode(
                store.client.query(
                    "SELECT \(unescaped: Self.columns) FROM integrations WHERE name = \(name) ORDER BY id DESC LIMIT 1", logger: logger)
            ).first
        }
        guard let integration else { throw IntegrationError.notFound(name) }
        do {
            _ = try await store.append(try IntegrationEvents.revokedEvent(integration, actor: actor), to: ledger)
        } catch {
            throw IntegrationError.notRecorded(name: name, action: "revoked", reason: "\(error)")
        }
        return (integration, revokedNow)
    }

    /// Every integration, active and revoked, oldest first.
    public func list() async throws -> [Integration] {
        try await Self.decode(store.client.query("SELECT \(unescaped: Self.columns) FROM integrations ORDER BY id", logger: logger))
    }

    /// The name of the active integration whose token `token` is; nil for any other text. Read
    /// from the table, or from the credential cache when there is one and it may serve.
    /// - Throws: a database error (the caller must then refuse the request: it cannot tell).
    public func authenticate(_ token: IntegrationToken) async throws -> String? {
        let digest = token.digest
        guard let cache else { return try await verified(digest)?.value }
        return try await cache.value(for: digest) { try await verified(digest) }
    }

    /// One statement: the name of the active integration whose token has this digest (valid
    /// until revoked).
    func verified(_ digest: TokenDigest) async throws -> CredentialCache<String>.Verified? {
        let rows = try await store.client.query(
            "SELECT name, token_sha256 FROM integrations WHERE token_id = \(ByteBuffer(bytes: digest.id)) AND revoked_at IS NULL", logger: logger)
        var match: String?
        for try await (name, stored) in rows.decode((String, ByteBuffer).self)
        where digest.constantTimeEquals(TokenDigest(bytes: Array(stored.readableBytesView))) {
            match = name
        }
        guard let match else { return nil }
        return (match, nil)
    }

    // MARK: Rows

    static let columns = """
        id, name, token_id, (extract(epoch FROM created_at) * 1000000)::bigint, \
        (extract(epoch FROM revoked_at) * 1000000)::bigint
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Integration] {
        var integrations: [Integration] = []
        for try await (id, name, tokenID, created, revoked) in rows.decode((Int64, String, ByteBuffer, Int64, Int64?).self) {
            integrations.append(
                Integration(
                    rowID: id, name: name, tokenID: TokenDigest(bytes: Array(tokenID.readableBytesView)).idHex,
                    createdAt: LedgerTimestamp(microseconds: created), revokedAt: revoked.map { LedgerTimestamp(microseconds: $0) }))
        }
        return integrations
    }
}
