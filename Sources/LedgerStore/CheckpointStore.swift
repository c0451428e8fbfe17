public import Foundation
public import Ledger
import Logging
import NIOCore
import PostgresNIO

/// A signed checkpoint as stored in the `checkpoints` table.
public struct StoredCheckpoint: Sendable, Hashable {
    public var id: Int64
    public var ledger: String
    public var treeSize: Int64
    public var rootHash: LedgerDigest
    public var chainHead: LedgerDigest
    public var signingKeyID: Int32
    /// The C2SP signed note, exactly as published.
    public var note: String
    public var createdAt: Date

    /// The note's parsed checkpoint body.
    public var checkpoint: Checkpoint {
        get throws { try Checkpoint(parsingBody: try SignedNote(parsing: note).text) }
    }
}

extension LedgerStore {
    /// Signs and stores a checkpoint of the ledger's current head.
    ///
    /// - Parameter logName: the deployment's log name (the origin is `<logName>/ledgers/<ledger>`).
    public func makeCheckpoint(ledger name: String, logName: String) async throws -> StoredCheckpoint {
        try CheckpointOrigin.validate(logName: logName)
        let ledger = try await ledger(named: name, create: false)
        let signer = try await SigningKeyStore.active(client: client, masterKey: masterKey, logger: logger)
        let head = try await head(of: ledger)
        let root = try await treeRoot(ledger: name, size: head.position)
        let origin = CheckpointOrigin.origin(logName: logName, ledger: name)
        let createdAt = Int64(Date().timeIntervalSince1970)
        let checkpoint = Checkpoint(
            origin: origin, treeSize: UInt64(head.position), rootHash: root, chainHead: head.hash, createdAt: createdAt)
        let note = try signer.key.signNote(checkpoint.body, name: origin).rendered
        let rows = try await client.query(
            """
            INSERT INTO checkpoints (ledger_id, tree_size, root_hash, chain_head, signing_key_id, note, created_at)
            VALUES (\(ledger.id), \(head.position), \(ByteBuffer(bytes: root.bytes)), \(ByteBuffer(bytes: head.hash.bytes)),
                    \(signer.id), \(note), to_timestamp(\(createdAt)::float8))
            RETURNING id
            """,
            logger: logger
        ).collect()
        guard let id = try rows.first?.decode(Int64.self) else { throw LedgerStoreError.database("the checkpoint was not stored") }
        return StoredCheckpoint(
            id: id, ledger: name, treeSize: head.position, rootHash: root, chainHead: head.hash, signingKeyID: signer.id,
            note: note, createdAt: Date(timeIntervalSince1970: TimeInterval(createdAt)))
    }

    /// The ledger's checkpoints in the order they were made (oldest first), after `afterID`.
    public func checkpoints(ledger name: String, afterID: Int64 = 0, limit: Int = 1000) async throws -> [StoredCheckpoint] {
        let ledger = try await ledger(named: name, create: false)
        return try await queryCheckpoints(
            "WHERE c.ledger_id = \(ledger.id) AND c.id > \(afterID) ORDER BY c.id LIMIT \(limit)")
    }

    /// The ledger's newest checkpoint, if any.
    public func latestCheckpoint(ledger name: String) async throws -> StoredCheckpoint? {
        let ledger = try await ledger(named: name, create: false)
        return try await queryCheckpoints("WHERE c.ledger_id = \(ledger.id) ORDER BY c.id DESC LIMIT 1").first
    }

    /// Checkpoints of every ledger not yet delivered to `sink`, oldest first.
    public func unpublishedCheckpoints(sink: String, limit: Int = 100) async throws -> [StoredCheckpoint] {
        try await queryCheckpoints(
            """
            WHERE NOT EXISTS (SELECT 1 FROM checkpoint_publications p WHERE p.checkpoint_id = c.id AND p.sink = \(sink))
            ORDER BY c.id LIMIT \(limit)
            """)
    }

    /// Records that a checkpoint reached a sink.
    public func recordPublication(checkpointID: Int64, sink: String, location: String) async throws {
        try await client.perform(
            """
            INSERT INTO checkpoint_publications (checkpoint_id, sink, location) VALUES (\(checkpointID), \(sink), \(location))
            ON CONFLICT (checkpoint_id, sink) DO NOTHING
            """,
            logger: logger)
    }

    /// Stores the RFC 3161 timestamp token of a checkpoint.
    public func recordTimestamp(checkpointID: Int64, tsaURL: String, token: [UInt8], genTime: Date, serial: String) async throws {
        try await client.perform(
            """
            INSERT INTO checkpoint_timestamps (checkpoint_id, tsa_url, token, gen_time, serial)
            VALUES (\(checkpointID), \(tsaURL), \(ByteBuffer(bytes: token)), \(genTime), \(serial))
            ON CONFLICT (checkpoint_id) DO NOTHING
            """,
            logger: logger)
    }

    /// The stored timestamp token of a checkpoint, if any.
    public func timestampToken(checkpointID: Int64) async throws -> [UInt8]? {
        let rows = try await client.query(
            "SELECT token FROM checkpoint_timestamps WHERE checkpoint_id = \(checkpointID)", logger: logger
        ).collect()
        return try rows.first.map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
    }

    /// Checkpoints of every ledger that have no timestamp token yet, oldest first.
    public func checkpointsWithoutTimestamp(limit: Int = 100) async throws -> [StoredCheckpoint] {
        try await queryCheckpoints(
            """
            WHERE NOT EXISTS (SELECT 1 FROM checkpoint_timestamps t WHERE t.checkpoint_id = c.id)
            ORDER BY c.id LIMIT \(limit)
            """)
    }

    private func queryCheckpoints(_ clause: PostgresQuery) async throws -> [StoredCheckpoint] {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT c.id, l.name, c.tree_size, c.root_hash, c.chain_head, c.signing_key_id, c.note, c.created_at
                FROM checkpoints c JOIN ledgers l ON l.id = c.ledger_id
                \(clause.sql)
                """,
            binds: clause.binds)
        var result: [StoredCheckpoint] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, ledger, size, root, head, keyID, note, created)
            in rows.decode((Int64, String, Int64, ByteBuffer, ByteBuffer, Int32, String, Date).self)
        {
            result.append(
                StoredCheckpoint(
                    id: id, ledger: ledger, treeSize: size, rootHash: try LedgerDigest(bytes: root.readableBytesView),
                    chainHead: try LedgerDigest(bytes: head.readableBytesView), signingKeyID: keyID, note: note, createdAt: created))
        }
        return result
    }
}
