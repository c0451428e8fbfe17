import Foundation
public import Ledger
public import Logging
import NIOConcurrencyHelpers
import NIOCore
public import PostgresNIO

/// Finds, creates and unwraps payload data keys, one per ledger, stream and UTC month, and
/// caches the unwrapped keys in memory (never on disk, never in the database unwrapped): the keys
/// in recent use, at most ``cacheCapacity`` twice over (``DataKeyCache``), and never a key this
/// process destroyed.
public final class DataKeyRing: Sendable {
    private struct CachedKey: Sendable {
        var id: Int64
        var key: DataKey
    }

    private let client: PostgresClient
    private let masterKey: MasterKey?
    private let logger: Logger
    private let byScope = NIOLockedValueBox(DataKeyCache<DataKeyScope, CachedKey>(capacity: DataKeyRing.cacheCapacity))
    private let byID = NIOLockedValueBox(DataKeyCache<Int64, DataKey>(capacity: DataKeyRing.cacheCapacity))
    /// The size of each generation of the caches of unwrapped keys.
    public static let cacheCapacity = 8_192

    public init(client: PostgresClient, masterKey: MasterKey?, logger: Logger) {
        self.client = client
        self.masterKey = masterKey
        self.logger = logger
    }

    /// Whether payloads can be sealed and opened.
    public var canDecrypt: Bool { masterKey != nil }

    /// The data keys for `scopes` (of the ledger `ledgerID`), those that do not exist created and
    /// wrapped under the master key: the keys not cached are read in one query and the missing
    /// ones inserted in one more, so a batch of events of many streams costs two or three round
    /// trips rather than two per stream. Keys are inserted in (stream, period) order, so two
    /// appenders creating overlapping sets wait for each other rather than deadlock.
    func keys(for scopes: some Sequence<DataKeyScope>, ledgerID: Int32) async throws -> [DataKeyScope: (id: Int64, key: DataKey)] {
        var found: [DataKeyScope: (id: Int64, key: DataKey)] = [:]
        var missing: Set<DataKeyScope> = []
        byScope.withLockedValue { cache in
            for scope in scopes where found[scope] == nil {
                if let cached = cache.value(for: scope) { found[scope] = (cached.id, cached.key) } else { missing.insert(scope) }
            }
        }
        guard !missing.isEmpty else { return found }
        guard let masterKey else { throw LedgerStoreError.noMasterKey }
        try await load(missing, ledgerID: ledgerID, into: &found)
        let absent = missing.filter { found[$0] == nil }.sorted { ($0.stream, $0.period) < ($1.stream, $1.period) }
        guard !absent.isEmpty else { return found }
        let fresh = absent.map { _ in DataKey.generate() }
        let wrapped = try zip(absent, fresh).map { scope, key in ByteBuffer(bytes: try key.wrapped(by: masterKey, scope: scope)) }
        let inserted = try await client.query(
            """
            INSERT INTO data_keys (ledger_id, stream, period, master_key_id, wrapped_key)
            SELECT \(ledgerID), n.stream, n.period, \(masterKey.identifier), n.wrapped
            FROM unnest(\(absent.map(\.stream))::text[], \(absent.map(\.period))::text[], \(wrapped)::bytea[]) WITH ORDINALITY
                AS n(stream, period, wrapped, ordinal)
            ORDER BY n.ordinal
            ON CONFLICT (ledger_id, stream, period) DO NOTHING
            RETURNING stream, period, id
            """,
            logger: logger)
        let freshByScope = Dictionary(uniqueKeysWithValues: zip(absent, fresh))
        let ledger = absent[0].ledger
        for try await (stream, period, id) in inserted.decode((String, String, Int64).self) {
            let scope = DataKeyScope(ledger: ledger, stream: stream, period: period)
            guard let key = freshByScope[scope] else { continue }
            remember(scope: scope, id: id, key: key)
            found[scope] = (id, key)
        }
        // Keys another appender created first.
        let raced = Set(absent.filter { found[$0] == nil })
        guard !raced.isEmpty else { return found }
        try await load(raced, ledgerID: ledgerID, into: &found)
        if let vanished = raced.first(where: { found[$0] == nil }) {
            throw LedgerStoreError.appendFailed("the data key for \(vanished.stream) \(vanished.period) vanished")
        }
        return found
    }

    /// Reads and unwraps the existing keys of `scopes` into `found`, in one query.
    private func load(
        _ scopes: Set<DataKeyScope>, ledgerID: Int32, into found: inout [DataKeyScope: (id: Int64, key: DataKey)]
    ) async throws {
        guard let ledger = scopes.first?.ledger else { return }
        let list = Array(scopes)
        let rows = try await client.query(
            """
            SELECT s.stream, s.period, k.id, k.master_key_id, k.wrapped_key
            FROM unnest(\(list.map(\.stream))::text[], \(list.map(\.period))::text[]) AS s(stream, period)
            CROSS JOIN LATERAL (
                SELECT id, master_key_id, wrapped_key FROM data_keys
                WHERE ledger_id = \(ledgerID) AND stream = s.stream AND period = s.period OFFSET 0) k
            """,
            logger: logger)
        for try await (stream, period, id, masterID, wrapped) in rows.decode((String, String, Int64, String?, ByteBuffer?).self) {
            let scope = DataKeyScope(ledger: ledger, stream: stream, period: period)
            let key = try unwrap(id: id, scope: scope, masterID: masterID, wrapped: wrapped)
            remember(scope: scope, id: id, key: key)
            found[scope] = (id, key)
        }
    }

    /// The unwrapped data key with this id, for reading and verifying.
    func key(id: Int64) async throws -> DataKey {
        if let key = byID.withLockedValue({ $0.value(for: id) }) { return key }
        let rows = try await client.query(
            """
            SELECT l.name, k.stream, k.period, k.master_key_id, k.wrapped_key
            FROM data_keys k JOIN ledgers l ON l.id = k.ledger_id WHERE k.id = \(id)
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { throw LedgerStoreError.dataKeyDestroyed(id) }
        let (ledger, stream, period, masterID, wrapped) = try row.decode((String, String, String, String?, ByteBuffer?).self)
        let scope = DataKeyScope(ledger: ledger, stream: stream, period: period)
        let key = try unwrap(id: id, scope: scope, masterID: masterID, wrapped: wrapped)
        remember(scope: scope, id: id, key: key)
        return key
    }

    /// Loads the keys among `ids` not cached yet in one query, so that a page of entries of many
    /// streams costs one round trip rather than one per key. Keys that cannot be had (destroyed,
    /// wrapped by another master key) are left out: ``key(id:)`` reports them entry by entry.
    func prefetch(ids: some Sequence<Int64>) async throws {
        guard masterKey != nil else { return }
        let missing = Array(Set(ids).filter { id in byID.withLockedValue { !$0.contains(id) } })
        guard missing.count > 1 else { return }
        let rows = try await client.query(
            """
            SELECT k.id, l.name, k.stream, k.period, k.master_key_id, k.wrapped_key
            FROM data_keys k JOIN ledgers l ON l.id = k.ledger_id WHERE k.id = ANY(\(missing))
            """,
            logger: logger)
        for try await (id, ledger, stream, period, masterID, wrapped) in rows.decode((Int64, String, String, String, String?, ByteBuffer?).self) {
            let scope = DataKeyScope(ledger: ledger, stream: stream, period: period)
            if let key = try? unwrap(id: id, scope: scope, masterID: masterID, wrapped: wrapped) { remember(scope: scope, id: id, key: key) }
        }
    }

    private func unwrap(id: Int64, scope: DataKeyScope, masterID: String?, wrapped: ByteBuffer?) throws -> DataKey {
        guard let masterKey else { throw LedgerStoreError.noMasterKey }
        guard let wrapped, let masterID else { throw LedgerStoreError.dataKeyDestroyed(id) }
        guard masterID == masterKey.identifier else {
            throw LedgerStoreError.masterKeyMismatch(dataKeyID: id, wrappedBy: masterID, configured: masterKey.identifier)
        }
        return try DataKey.unwrap(Array(wrapped.readableBytesView), master: masterKey, scope: scope)
    }

    private func remember(scope: DataKeyScope, id: Int64, key: DataKey) {
        byScope.withLockedValue { $0.insert(CachedKey(id: id, key: key), for: scope) }
        byID.withLockedValue { $0.insert(key, for: id) }
    }

    /// Drops the keys `ids` from the caches: keys just destroyed are not kept in memory.
    public func forget(ids: some Sequence<Int64>) {
        let gone = Set(ids)
        byScope.withLockedValue { $0.remove { _, cached in gone.contains(cached.id) } }
        byID.withLockedValue { $0.remove { id, _ in gone.contains(id) } }
    }

    /// Re-wraps every live data key (and every checkpoint signing key) wrapped by `old` under
    /// `new`, in one transaction. Payloads are not touched. Keys already wrapped by `new` are left alone, so a rotation can be re-run.
    /// `client` must connect as the schema owner (`DATABASE_OWNER_URL`): the service role has no
    /// UPDATE on `data_keys` or `signing_keys` (Migrations/0014_database_door.sql), so that it can
    /// neither shred content with a junk wrap nor stop verification by renaming a key's master key.
    /// `alsoRewrap` re-seals other secrets under the new key on the same transaction (the
    /// webhook relay secrets), so a rotation is all or nothing.
    /// - Returns: how many keys were re-wrapped.
    public static func rotate(
        client: PostgresClient, from old: MasterKey, to new: MasterKey, logger: Logger,
        alsoRewrap: (@Sendable (PostgresConnection) async throws -> Void)? = nil
    ) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            var ids: [Int64] = []
            var rewrapped: [ByteBuffer] = []
            let rows = try await connection.query(
                """
                SELECT k.id, l.name, k.stream, k.period, k.wrapped_key
                FROM data_keys k JOIN ledgers l ON l.id = k.ledger_id
                WHERE k.destroyed_at IS NULL AND k.master_key_id = \(old.identifier)
                ORDER BY k.id FOR UPDATE OF k
                """,
                logger: logger
            )
            for try await (id, ledger, stream, period, wrapped) in rows.decode((Int64, String, String, String, ByteBuffer).self) {
                let scope = DataKeyScope(ledger: ledger, stream: stream, period: period)
                let key = try DataKey.unwrap(Array(wrapped.readableBytesView), master: old, scope: scope)
                ids.append(id)
                rewrapped.append(ByteBuffer(bytes: try key.wrapped(by: new, scope: scope)))
            }
            if !ids.isEmpty {
                try await connection.perform(
                    """
                    UPDATE data_keys k SET wrapped_key = u.wrapped, master_key_id = \(new.identifier), rewrapped_at = now()
                    FROM unnest(\(ids)::int8[], \(rewrapped)::bytea[]) AS u(id, wrapped)
                    WHERE k.id = u.id
                    """,
                    logger: logger
                )
            }
            try await SigningKeyStore.rewrap(connection: connection, from: old, to: new, logger: logger)
            try await alsoRewrap?(connection)
            return ids.count
        }
    }

    /// How many live data keys each master key wraps (by master key identifier).
    public static func census(client: PostgresClient, logger: Logger) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        let rows = try await client.query(
            "SELECT coalesce(master_key_id, '(destroyed)'), count(*)::int8 FROM data_keys GROUP BY 1",
            logger: logger
        )
        for try await (id, count) in rows.decode((String, Int64).self) { result[id] = Int(count) }
        return result
    }
}
