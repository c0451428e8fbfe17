public import Foundation
public import Ledger
public import Logging
import NIOCore
public import PostgresNIO

/// A checkpoint signing key as listed by ``SigningKeyStore``: public parts only.
public struct SigningKeyInfo: Sendable, Hashable {
    public var id: Int32
    /// The raw 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    public var createdAt: Date
    /// The newest key signs new checkpoints; older ones only verify old ones.
    public var active: Bool

    /// The verifier key of this key for one ledger's checkpoints.
    public func verifierKey(logName: String, ledger: String) throws -> NoteVerifierKey {
        try NoteVerifierKey(name: CheckpointOrigin.origin(logName: logName, ledger: ledger), ed25519PublicKey: publicKey)
    }
}

/// Ed25519 checkpoint signing keys in the `signing_keys` table, private halves wrapped under the
/// master key (docs/ledger-format.md section 12.4).
public enum SigningKeyStore {
    /// Creates a new signing key; it becomes the active one. Older keys stay for verification.
    public static func create(client: PostgresClient, masterKey: MasterKey, logger: Logger) async throws -> SigningKeyInfo {
        let key = NoteSigningKey.generate()
        let wrapped = try key.wrapped(by: masterKey)
        let rows = try await client.query(
            """
            INSERT INTO signing_keys (public_key, master_key_id, wrapped_seed)
            VALUES (\(ByteBuffer(bytes: key.publicKey)), \(masterKey.identifier), \(ByteBuffer(bytes: wrapped)))
            RETURNING id, created_at
            """,
            logger: logger
        ).collect()
        guard let (id, created) = try rows.first?.decode((Int32, Date).self) else {
            throw LedgerStoreError.database("the new signing key was not stored")
        }
        return SigningKeyInfo(id: id, publicKey: key.publicKey, createdAt: created, active: true)
    }

    /// Every signing key, oldest first.
    public static func list(client: PostgresClient, logger: Logger) async throws -> [SigningKeyInfo] {
        var keys: [SigningKeyInfo] = []
        let rows = try await client.query("SELECT id, public_key, created_at FROM signing_keys ORDER BY id", logger: logger)
        for try await (id, publicKey, created) in rows.decode((Int32, ByteBuffer, Date).self) {
            keys.append(SigningKeyInfo(id: id, publicKey: Array(publicKey.readableBytesView), createdAt: created, active: false))
        }
        if !keys.isEmpty { keys[keys.count - 1].active = true }
        return keys
    }

    /// The active key, unwrapped: the newest key whose seed the configured master key opens. A
    /// newer key it cannot open (a row inserted without the master key: the service role may
    /// insert signing keys) is passed over with a warning instead of stopping checkpoints; a
    /// checkpoint such a key signs is still held against the recomputed tree by `verify`.
    static func active(client: PostgresClient, masterKey: MasterKey?, logger: Logger) async throws -> (id: Int32, key: NoteSigningKey) {
        let rows = try await client.query(
            "SELECT id, public_key, master_key_id, wrapped_seed FROM signing_keys ORDER BY id DESC", logger: logger
        ).collect()
        guard !rows.isEmpty else { throw LedgerStoreError.noSigningKey }
        guard let masterKey else { throw LedgerStoreError.noMasterKey }
        var passedOver: [String] = []
        for row in rows {
            let (id, publicKey, masterID, wrapped) = try row.decode((Int32, ByteBuffer, String, ByteBuffer).self)
            guard masterID == masterKey.identifier else {
                passedOver.append("\(id) (wrapped by master key \(masterID))")
                continue
            }
            guard
                let key = try? NoteSigningKey.unwrap(
                    Array(wrapped.readableBytesView), publicKey: Array(publicKey.readableBytesView), master: masterKey)
            else {
                passedOver.append("\(id) (its wrap does not open)")
                continue
            }
            if !passedOver.isEmpty {
                logger.warning("newer signing keys do not open with the configured master key: \(passedOver.joined(separator: ", ")); signing with key \(id)")
            }
            return (id, key)
        }
        throw LedgerStoreError.database(
            "no signing key opens with the configured master key \(masterKey.identifier): \(passedOver.joined(separator: ", ")); configure the master key they were wrapped with, or run `recordkeeper keys rotate`"
        )
    }

    /// Re-wraps every signing key wrapped by `old` under `new` (part of a master key rotation).
    /// `connection` must be the schema owner's: the service role may not update `signing_keys`.
    static func rewrap(connection: PostgresConnection, from old: MasterKey, to new: MasterKey, logger: Logger) async throws {
        let rows = try await connection.query(
            "SELECT id, public_key, wrapped_seed FROM signing_keys WHERE master_key_id = \(old.identifier) ORDER BY id FOR UPDATE",
            logger: logger
        )
        var updates: [(Int32, [UInt8])] = []
        for try await (id, publicKey, wrapped) in rows.decode((Int32, ByteBuffer, ByteBuffer).self) {
            let key = try NoteSigningKey.unwrap(
                Array(wrapped.readableBytesView), publicKey: Array(publicKey.readableBytesView), master: old)
            updates.append((id, try key.wrapped(by: new)))
        }
        for (id, wrapped) in updates {
            try await connection.perform(
                """
                UPDATE signing_keys SET wrapped_seed = \(ByteBuffer(bytes: wrapped)), master_key_id = \(new.identifier), rewrapped_at = now()
                WHERE id = \(id)
                """,
                logger: logger
            )
        }
    }
}
