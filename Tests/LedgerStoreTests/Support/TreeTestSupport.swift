import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// Helpers for the Merkle tree, checkpoint and signing key tests.
enum TreeTestSupport {
    /// The log name the checkpoint tests sign under.
    static let logName = "records.example.test"

    /// One row of `merkle_nodes`.
    struct NodeRow: Hashable, Sendable, CustomStringConvertible, Comparable {
        var level: Int
        var lastPosition: Int64
        var hash: LedgerDigest

        var description: String { "(level \(level), last \(lastPosition), \(hash.hex.prefix(12))…)" }

        static func < (a: NodeRow, b: NodeRow) -> Bool {
            (a.lastPosition, a.level) < (b.lastPosition, b.level)
        }
    }

    /// The entry hashes of a ledger, positions 1 … head, read back through the store.
    static func entryHashes(_ store: LedgerStore, ledger: String) async throws -> [LedgerDigest] {
        var hashes: [LedgerDigest] = []
        var expected: Int64 = 1
        for try await record in store.records(ledger: ledger, pageSize: 97) {
            #expect(record.entry.fields.position == expected, "records must come back in position order without gaps")
            expected += 1
            hashes.append(record.entry.entryHash)
        }
        return hashes
    }

    /// `SHA-256(0x00 ‖ entry hash)` of each entry hash.
    static func leafHashes(_ entryHashes: [LedgerDigest]) -> [LedgerDigest] {
        entryHashes.map { MerkleHash.leaf(entryHash: $0) }
    }

    /// The nodes section 11.1 says the store keeps for these leaves: every complete perfect
    /// subtree of level 4 or more, computed with the reference `MerkleTree`.
    static func expectedNodes(leaves: [LedgerDigest]) -> [NodeRow] {
        var rows: [NodeRow] = []
        var level = 4
        while (1 << level) <= leaves.count {
            let width = 1 << level
            for index in 0..<(leaves.count / width) {
                let slice = leaves[(index * width)..<((index + 1) * width)]
                rows.append(NodeRow(level: level, lastPosition: Int64((index + 1) * width), hash: MerkleTree.root(of: slice)))
            }
            level += 1
        }
        return rows.sorted()
    }

    /// The rows of `merkle_nodes` for one ledger, sorted by last position and level.
    static func storedNodes(_ client: PostgresClient, ledgerID: Int32) async throws -> [NodeRow] {
        var rows: [NodeRow] = []
        let result = try await client.query(
            "SELECT level, last_position, hash FROM merkle_nodes WHERE ledger_id = \(ledgerID)", logger: ScratchDatabase.logger)
        for try await (level, last, hash) in result.decode((Int16, Int64, ByteBuffer).self) {
            rows.append(NodeRow(level: Int(level), lastPosition: last, hash: try LedgerDigest(bytes: hash.readableBytesView)))
        }
        return rows.sorted()
    }

    /// Runs `body` in one superuser transaction with the user triggers of `tables` disabled,
    /// then restores each trigger to exactly the mode it had (ENABLE ALWAYS stays ALWAYS).
    static func bypassingTriggers(
        _ db: ScratchDatabase, tables: [String], _ body: @Sendable (PostgresConnection) async throws -> Void
    ) async throws {
        try await db.asSuperuser { client in
            try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                var modes: [(table: String, trigger: String, mode: String)] = []
                let rows = try await connection.query(
                    """
                    SELECT c.relname::text, t.tgname::text, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    WHERE NOT t.tgisinternal AND c.relname::text = ANY(\(tables)::text[])
                    """,
                    logger: ScratchDatabase.logger)
                for try await (table, trigger, mode) in rows.decode((String, String, String).self) {
                    modes.append((table, trigger, mode))
                }
                for table in tables {
                    try await connection.perform(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) DISABLE TRIGGER USER"), logger: ScratchDatabase.logger)
                }
                try await body(connection)
                for (table, trigger, mode) in modes {
                    let enable =
                        switch mode {
                        case "A": "ENABLE ALWAYS TRIGGER"
                        case "R": "ENABLE REPLICA TRIGGER"
                        case "D": "DISABLE TRIGGER"
                        default: "ENABLE TRIGGER"
                        }
                    try await connection.perform(
                        PostgresQuery(unsafeSQL: "ALTER TABLE \(table) \(enable) \(trigger)"), logger: ScratchDatabase.logger)
                }
            }
        }
    }

    /// Runs plain SQL statements with the triggers of the log and tree tables bypassed.
    static func tamper(_ db: ScratchDatabase, _ statements: [String]) async throws {
        try await bypassingTriggers(db, tables: ["ledger_entries", "ledger_payloads", "ledger_heads", "merkle_nodes", "checkpoints"]) {
            connection in
            for statement in statements {
                try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
            }
        }
    }

    /// The id of a ledger.
    static func ledgerID(_ store: LedgerStore, _ name: String) async throws -> Int32 {
        try await store.ledger(named: name, create: false).id
    }

    /// What an attacker with write access and the format spec does: changes the actor of the
    /// entry at `position`, recomputes every later `prev_hash`/`entry_hash` exactly as the
    /// append path does (`EntryEncoding.entryHash`), rewrites `merkle_nodes` from the recomputed
    /// tree and moves the head hash. Returns the new entry hashes.
    @discardableResult
    static func rewriteConsistently(
        _ db: ScratchDatabase, _ store: LedgerStore, ledger: String, position: Int64, actor: String = "mallory"
    ) async throws -> [LedgerDigest] {
        let ledgerID = try await ledgerID(store, ledger)
        var entries: [StoredEntry] = []
        for try await record in store.records(ledger: ledger, pageSize: 500) { entries.append(record.entry) }
        var previous = LedgerDigest.genesis
        var rewritten: [(position: Int64, actor: String, previous: LedgerDigest, hash: LedgerDigest)] = []
        var hashes: [LedgerDigest] = []
        for entry in entries {
            var fields = entry.fields
            if fields.position == position { fields.actor = actor }
            let hash = EntryEncoding.entryHash(fields, previousHash: previous)
            if fields.position >= position {
                rewritten.append((fields.position, fields.actor, previous, hash))
            } else {
                #expect(hash == entry.entryHash, "the untouched prefix must keep its hashes")
            }
            hashes.append(hash)
            previous = hash
        }
        let nodes = expectedNodes(leaves: leafHashes(hashes))
        let head = previous
        let rows = rewritten
        try await bypassingTriggers(db, tables: ["ledger_entries", "ledger_heads", "merkle_nodes"]) { connection in
            for row in rows {
                try await connection.perform(
                    """
                    UPDATE ledger_entries SET actor = \(row.actor), prev_hash = \(ByteBuffer(bytes: row.previous.bytes)),
                           entry_hash = \(ByteBuffer(bytes: row.hash.bytes))
                    WHERE ledger_id = \(ledgerID) AND position = \(row.position)
                    """,
                    logger: ScratchDatabase.logger)
            }
            try await connection.perform("DELETE FROM merkle_nodes WHERE ledger_id = \(ledgerID)", logger: ScratchDatabase.logger)
            for node in nodes {
                try await connection.perform(
                    """
                    INSERT INTO merkle_nodes (ledger_id, last_position, level, hash)
                    VALUES (\(ledgerID), \(node.lastPosition), \(Int16(node.level)), \(ByteBuffer(bytes: node.hash.bytes)))
                    """,
                    logger: ScratchDatabase.logger)
            }
            try await connection.perform(
                "UPDATE ledger_heads SET head_hash = \(ByteBuffer(bytes: head.bytes)) WHERE ledger_id = \(ledgerID)",
                logger: ScratchDatabase.logger)
        }
        return hashes
    }

    /// The text of a migration file.
    static func migrationText(_ file: String) throws -> String {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations")
        return try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    /// The `DO $$ … $$;` block of migration 0003 that builds `merkle_nodes` for entries written
    /// before the migration.
    static func backfillBlock() throws -> String {
        let text = try migrationText("0003_merkle_checkpoints.sql")
        guard let start = text.range(of: "DO $$") else { throw TestSetupError("no DO $$ block in migration 0003") }
        guard let end = text.range(of: "$$;", range: start.upperBound..<text.endIndex) else {
            throw TestSetupError("the DO block of migration 0003 does not end")
        }
        return String(text[start.lowerBound..<end.upperBound])
    }

    /// The active signing key's private half, unwrapped from `signing_keys` with the master key
    /// (what an operator holding the master key can do).
    static func activeSigningKey(_ store: LedgerStore, masterKey: MasterKey = ScratchDatabase.masterKey) async throws -> NoteSigningKey {
        let rows = try await store.client.query(
            "SELECT public_key, wrapped_seed FROM signing_keys ORDER BY id DESC LIMIT 1", logger: ScratchDatabase.logger
        ).collect()
        let (publicKey, wrapped) = try #require(rows.first).decode((ByteBuffer, ByteBuffer).self)
        return try NoteSigningKey.unwrap(
            Array(wrapped.readableBytesView), publicKey: Array(publicKey.readableBytesView), master: masterKey)
    }

    /// The SQLSTATE of running `statement` on `client`, or nil if it succeeded.
    static func sqlState(of statement: String, on client: PostgresClient) async -> String? {
        do {
            try await client.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
            return nil
        } catch {
            return error.sqlState ?? "(no SQLSTATE: \(String(reflecting: error)))"
        }
    }
}
