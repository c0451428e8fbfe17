import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// Tampering as the PostgreSQL superuser, with the append-only triggers bypassed: `verify`
/// must name the first bad position and the right reason for every kind.
@Suite("Tamper detection")
struct TamperTests {
    /// A simple change made by SQL, and where verify must report it.
    struct SQLTamper: CustomTestStringConvertible, Sendable {
        var name: String
        var statements: [String]
        var position: Int64
        var reason: String
        var testDescription: String { name }
    }

    static let sqlTampers: [SQLTamper] = [
        .init(
            name: "change the actor", statements: ["UPDATE ledger_entries SET actor = 'mallory' WHERE position = 7"], position: 7, reason: "entry_hash_mismatch"
        ),
        .init(
            name: "change the retained header", statements: [#"UPDATE ledger_entries SET header = '{"direction":"outbound"}' WHERE position = 7"#], position: 7,
            reason: "entry_hash_mismatch"),
        .init(
            name: "change occurred-at by one microsecond", statements: ["UPDATE ledger_entries SET occurred_at_us = occurred_at_us + 1 WHERE position = 7"],
            position: 7, reason: "entry_hash_mismatch"),
        .init(
            name: "change the event type", statements: ["UPDATE ledger_entries SET event_type = 'note.added' WHERE position = 7"], position: 7,
            reason: "entry_hash_mismatch"),
        .init(
            name: "change the payload commitment", statements: ["UPDATE ledger_entries SET payload_commitment = sha256('x') WHERE position = 7"], position: 7,
            reason: "entry_hash_mismatch"),
        .init(
            name: "change the payload ciphertext",
            statements: ["UPDATE ledger_payloads SET sealed = set_byte(sealed, 20, get_byte(sealed, 20) # 1) WHERE position = 9"], position: 9,
            reason: "payload_unreadable"),
        .init(
            name: "move a payload to another entry",
            statements: [
                "UPDATE ledger_payloads SET position = position + 1000000 WHERE position IN (9, 10)",
                "UPDATE ledger_payloads SET position = CASE position WHEN 1000009 THEN 10 ELSE 9 END WHERE position > 1000000",
            ], position: 9, reason: "payload_unreadable"),
        .init(
            name: "delete an entry",
            statements: [
                "DELETE FROM ledger_payloads WHERE position = 5", "DELETE FROM ledger_entries WHERE position = 5",
            ], position: 5, reason: "missing_entry"),
        .init(
            name: "swap two entries",
            statements: [
                "UPDATE ledger_entries SET position = position + 1000000 WHERE position IN (8, 12)",
                "UPDATE ledger_entries SET position = CASE position WHEN 1000008 THEN 12 ELSE 8 END WHERE position > 1000000",
                "UPDATE ledger_payloads SET position = position + 1000000 WHERE position IN (8, 12)",
                "UPDATE ledger_payloads SET position = CASE position WHEN 1000008 THEN 12 ELSE 8 END WHERE position > 1000000",
            ], position: 8, reason: "broken_link"),
        .init(
            name: "cut the tail off",
            statements: [
                "DELETE FROM ledger_payloads WHERE position >= 18", "DELETE FROM ledger_entries WHERE position >= 18",
            ], position: 18, reason: "missing_entry"),
    ]

    @Test("verify names the first bad position", arguments: sqlTampers)
    func sqlTamper(_ tamper: SQLTamper) async throws {
        try await withMigratedDatabase { db in
            try await Self.seed(db)
            try await Self.tamper(db, tamper.statements)
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                let failure = try #require(report.failure, "\(tamper.name) was not detected")
                #expect(failure.position == tamper.position, "\(failure)")
                #expect(failure.reason.code == tamper.reason, "\(failure)")
            }
        }
    }

    @Test("a payload re-encrypted with another salt (by someone holding the keys) breaks its commitment")
    func changedSalt() async throws {
        try await withMigratedDatabase { db in
            try await Self.seed(db)
            try await db.withStore { _, store in
                let rows = try await store.client.query(
                    "SELECT p.data_key_id, p.sealed, e.event_id FROM ledger_payloads p JOIN ledger_entries e USING (ledger_id, position) WHERE p.position = 11",
                    logger: ScratchDatabase.logger
                ).collect()
                let (keyID, sealed, eventID) = try #require(rows.first).decode((Int64, ByteBuffer, UUID).self)
                let key = try await store.keyRing.key(id: keyID)
                let opened = try PayloadSealer.open(Array(sealed.readableBytesView), key: key, ledger: "t", eventID: eventID)
                let resealed = try PayloadSealer.seal(payload: opened.payload, salt: PayloadCommitment.randomSalt(), key: key, ledger: "t", eventID: eventID)
                try await Self.tamper(
                    db, [],
                    then: { client in
                        try await client.perform(
                            "UPDATE ledger_payloads SET sealed = \(ByteBuffer(bytes: resealed)) WHERE position = 11", logger: ScratchDatabase.logger)
                    })
                let failure = try #require(try await store.verify(ledger: "t").failure)
                #expect(failure.position == 11)
                #expect(failure.reason == .payloadCommitmentMismatch)
            }
        }
    }

    @Test("a forged entry inserted in the middle is caught: with a bad hash at its own position, with a valid hash at the next")
    func forgedEntry() async throws {
        for validHash in [false, true] {
            try await withMigratedDatabase { db in
                try await Self.seed(db)
                try await db.withStore { _, store in
                    let ledger = try await store.ledger(named: "t")
                    let previous = try #require(try await allRecords(store, ledger: "t", from: 9, through: 9).first)
                    let salt = PayloadCommitment.randomSalt()
                    let payload = Array(#"{"text":{"body":"forged"}}"#.utf8)
                    let fields = EntryFields(
                        ledger: "t", position: 10, eventID: UUID(), stream: "conversation/1", eventType: "whatsapp.message.received",
                        occurredAt: previous.entry.fields.occurredAt, recordedAt: previous.entry.fields.recordedAt, actor: "whatsapp",
                        dedupeKey: nil, header: #"{"direction":"inbound"}"#, payloadCommitment: try PayloadCommitment.commit(salt: salt, payload: payload)
                    )
                    let hash =
                        validHash
                        ? EntryEncoding.entryHash(fields, previousHash: previous.entry.entryHash)
                        : LedgerDigest.sha256(Array("not the hash".utf8))
                    let scope = DataKeyScope(ledger: "t", stream: "conversation/1", period: fields.occurredAt.monthPeriod)
                    let (keyID, key) = try await store.keyRing.keys(for: [scope], ledgerID: ledger.id)[scope]!
                    let sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: "t", eventID: fields.eventID)
                    try await Self.tamper(
                        db,
                        [
                            "UPDATE ledger_payloads SET position = position + 1000000 WHERE position >= 10",
                            "UPDATE ledger_entries SET position = position + 1000000 WHERE position >= 10",
                            "UPDATE ledger_entries SET position = position - 999999 WHERE position > 1000000",
                            "UPDATE ledger_payloads SET position = position - 999999 WHERE position > 1000000",
                            "UPDATE ledger_heads SET position = position + 1",
                        ],
                        then: { client in
                            try await client.perform(
                                """
                                INSERT INTO ledger_entries (ledger_id, position, event_id, stream, event_type, occurred_at_us, recorded_at_us,
                                                            actor, dedupe_key, header, payload_commitment, prev_hash, entry_hash)
                                VALUES (\(ledger.id), 10, \(fields.eventID), \(fields.stream), \(fields.eventType), \(fields.occurredAt.microseconds),
                                        \(fields.recordedAt.microseconds), \(fields.actor), NULL, \(fields.header),
                                        \(ByteBuffer(bytes: fields.payloadCommitment.bytes)), \(ByteBuffer(bytes: previous.entry.entryHash.bytes)),
                                        \(ByteBuffer(bytes: hash.bytes)))
                                """,
                                logger: ScratchDatabase.logger
                            )
                            try await client.perform(
                                "INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed) VALUES (\(ledger.id), 10, \(keyID), \(ByteBuffer(bytes: sealed)))",
                                logger: ScratchDatabase.logger
                            )
                        })
                    let failure = try #require(try await store.verify(ledger: "t").failure)
                    if validHash {
                        #expect(failure.position == 11, "\(failure)")
                        #expect(failure.reason.code == "broken_link", "\(failure)")
                    } else {
                        #expect(failure.position == 10, "\(failure)")
                        #expect(failure.reason.code == "entry_hash_mismatch", "\(failure)")
                    }
                }
            }
        }
    }

    @Test("verify --from starts later, anchored on the entry before")
    func verifyFrom() async throws {
        try await withMigratedDatabase { db in
            try await Self.seed(db)
            try await Self.tamper(db, ["UPDATE ledger_entries SET actor = 'mallory' WHERE position = 3"])
            try await db.withStore { _, store in
                #expect(try await store.verify(ledger: "t").failure?.position == 3)
                let later = try await store.verify(ledger: "t", from: 5)
                #expect(later.ok)
                #expect(later.entries == 16)
            }
        }
    }

    /// 20 entries on two streams in ledger `t`.
    static func seed(_ db: ScratchDatabase) async throws {
        try await db.withStore { _, store in
            _ = try await store.append((1...20).map { sampleEvent($0, stream: "conversation/\($0 % 2)") }, to: "t")
            #expect(try await store.verify(ledger: "t").ok)
        }
    }

    /// Runs statements as the superuser with every trigger of the log tables disabled.
    static func tamper(_ db: ScratchDatabase, _ statements: [String], then extra: (@Sendable (PostgresConnection) async throws -> Void)? = nil) async throws {
        try await db.asSuperuser { client in
            try await client.withTransaction(logger: ScratchDatabase.logger) { connection in
                for table in ["ledger_entries", "ledger_payloads", "ledger_heads"] {
                    try await connection.perform(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) DISABLE TRIGGER ALL"), logger: ScratchDatabase.logger)
                }
                for statement in statements {
                    try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: ScratchDatabase.logger)
                }
                if let extra { try await extra(connection) }
                for table in ["ledger_entries", "ledger_payloads", "ledger_heads"] {
                    try await connection.perform(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) ENABLE TRIGGER ALL"), logger: ScratchDatabase.logger)
                }
            }
        }
    }
}
