import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// Checkpoint signing keys (docs/ledger-format.md section 12.4): the newest signs, old ones keep
/// verifying what they signed, private halves are stored only wrapped under the master key, and
/// the rows cannot be altered or removed.
@Suite("Checkpoint signing keys")
struct SigningKeyTests {
    static let logName = TreeTestSupport.logName

    @Test("without a signing key, or without the master key, no checkpoint is made")
    func noKey() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append(sampleEvent(1), to: "t")
                let error = await #expect(throws: LedgerStoreError.self) { try await store.makeCheckpoint(ledger: "t", logName: Self.logName) }
                guard case .noSigningKey? = error else {
                    Issue.record("\(String(describing: error))")
                    return
                }
                _ = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
            }
            try await db.withStore(masterKey: nil) { _, store in
                let error = await #expect(throws: LedgerStoreError.self) { try await store.makeCheckpoint(ledger: "t", logName: Self.logName) }
                guard case .noMasterKey? = error else {
                    Issue.record("\(String(describing: error))")
                    return
                }
                let checkpoints = try await store.checkpoints(ledger: "t")
                #expect(checkpoints.isEmpty)
            }
        }
    }

    @Test("after a rotation the newest key signs, and old checkpoints still verify with the old key")
    func rotation() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let first = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                _ = try await store.append((1...5).map { sampleEvent($0) }, to: "t")
                let old = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)

                let second = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                #expect(second.id > first.id)
                #expect(second.publicKey != first.publicKey)
                _ = try await store.append((6...12).map { sampleEvent($0) }, to: "t")
                let new = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)

                #expect(old.signingKeyID == first.id)
                #expect(new.signingKeyID == second.id)

                let listed = try await SigningKeyStore.list(client: store.client, logger: ScratchDatabase.logger)
                #expect(listed.map(\.id) == [first.id, second.id])
                #expect(listed.map(\.active) == [false, true])
                #expect(listed.map(\.publicKey) == [first.publicKey, second.publicKey])

                let oldKey = try first.verifierKey(logName: Self.logName, ledger: "t")
                let newKey = try second.verifierKey(logName: Self.logName, ledger: "t")
                #expect(oldKey.keyID != newKey.keyID)
                let oldNote = try SignedNote(parsing: old.note)
                let newNote = try SignedNote(parsing: new.note)
                #expect(oldKey.verifies(oldNote))
                #expect(!newKey.verifies(oldNote))
                #expect(newKey.verifies(newNote))
                #expect(!oldKey.verifies(newNote))

                // Both published keys: both outside checkpoints hold.
                let notes = [(source: "old", note: old.note), (source: "new", note: new.note)]
                let both = try await store.verify(
                    ledger: "t", trust: CheckpointTrust(notes: notes, trustedKeys: [oldKey, newKey], logName: Self.logName, includeStored: false))
                #expect(both.ok, "\(String(describing: both.firstProblem))")
                #expect(both.checkpoints.map(\.verified) == [true, true])
                // The stored checkpoints are checked with the stored public keys, old one included.
                let stored = try await store.verify(ledger: "t")
                #expect(stored.ok, "\(String(describing: stored.firstProblem))")
                #expect(stored.checkpoints.map(\.verified) == [true, true])
                // Dropping the old key from the publication leaves its checkpoints unverifiable.
                let onlyNew = try await store.verify(
                    ledger: "t", trust: CheckpointTrust(notes: notes, trustedKeys: [newKey], logName: Self.logName, includeStored: false))
                #expect(onlyNew.firstProblem?.code == "checkpoint_signature_invalid")
                #expect(onlyNew.checkpoints.map(\.failure) == [.signatureInvalid, nil])
            }
        }
    }

    @Test("a master key rotation re-wraps the signing keys: checkpoints are then signed with the new master key only")
    func masterKeyRotation() async throws {
        try await withMigratedDatabase { db in
            let oldMaster = MasterKey.generate()
            let newMaster = MasterKey.generate()
            let (key, before) = try await db.withStore(masterKey: oldMaster) { _, store in
                let key = try await SigningKeyStore.create(client: store.client, masterKey: oldMaster, logger: ScratchDatabase.logger)
                _ = try await store.append((1...4).map { sampleEvent($0, stream: "conversation/\($0 % 2)") }, to: "t")
                return (key, try await store.makeCheckpoint(ledger: "t", logName: Self.logName))
            }
            let rowBefore = try await Self.row(db, id: key.id)
            #expect(rowBefore.masterKeyID == oldMaster.identifier)
            #expect(rowBefore.rewrapped == false)

            let count = try await ScratchDatabase.withClient(db.owner) { client in
                try await DataKeyRing.rotate(client: client, from: oldMaster, to: newMaster, logger: ScratchDatabase.logger)
            }
            #expect(count == 2, "the two data keys")

            let rowAfter = try await Self.row(db, id: key.id)
            #expect(rowAfter.masterKeyID == newMaster.identifier)
            #expect(rowAfter.rewrapped)
            #expect(rowAfter.publicKey == key.publicKey)
            #expect(rowAfter.wrapped != rowBefore.wrapped)
            #expect(throws: (any Error).self) {
                try NoteSigningKey.unwrap(rowAfter.wrapped, publicKey: key.publicKey, master: oldMaster)
            }
            let unwrapped = try NoteSigningKey.unwrap(rowAfter.wrapped, publicKey: key.publicKey, master: newMaster)
            #expect(unwrapped.publicKey == key.publicKey)

            try await db.withStore(masterKey: newMaster) { _, store in
                _ = try await store.append(sampleEvent(5), to: "t")
                let after = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
                #expect(after.signingKeyID == key.id, "the same signing key, re-wrapped, still signs")
                let verifierKey = try key.verifierKey(logName: Self.logName, ledger: "t")
                #expect(verifierKey.verifies(try SignedNote(parsing: after.note)))
                #expect(verifierKey.verifies(try SignedNote(parsing: before.note)))
                let report = try await store.verify(ledger: "t")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
                #expect(report.checkpoints.count == 2)
            }
            try await db.withStore(masterKey: oldMaster) { _, store in
                await #expect(throws: (any Error).self) { try await store.makeCheckpoint(ledger: "t", logName: Self.logName) }
            }
            // Re-running finds nothing left under the old key and leaves the signing key alone.
            let again = try await ScratchDatabase.withClient(db.owner) { client in
                try await DataKeyRing.rotate(client: client, from: oldMaster, to: newMaster, logger: ScratchDatabase.logger)
            }
            #expect(again == 0)
            #expect(try await Self.row(db, id: key.id).wrapped == rowAfter.wrapped)
        }
    }

    @Test("a newer signing key the service role planted without the master key does not stop checkpoints: the real key signs")
    func plantedKeyIsPassedOver() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let key = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                _ = try await store.append(sampleEvent(1), to: "t")
                // The service role may insert signing keys; it cannot wrap one under the master key.
                let planted = NoteSigningKey.generate()
                try await store.client.perform(
                    """
                    INSERT INTO signing_keys (public_key, master_key_id, wrapped_seed)
                    VALUES (\(ByteBuffer(bytes: planted.publicKey)), \(ScratchDatabase.masterKey.identifier), \(ByteBuffer(bytes: [UInt8](repeating: 7, count: 60))))
                    """,
                    logger: ScratchDatabase.logger)
                let checkpoint = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
                #expect(checkpoint.signingKeyID == key.id, "the newest key that opens signs")
                #expect(try key.verifierKey(logName: Self.logName, ledger: "t").verifies(try SignedNote(parsing: checkpoint.note)))
                let report = try await store.verify(ledger: "t")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
            }
        }
    }

    @Test("the private key is stored only wrapped: no 32-byte run of it, raw, hex or base64, is in the row")
    func wrappedAtRest() async throws {
        try await withMigratedDatabase { db in
            let key = try await db.withStore { _, store in
                try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
            }
            let row = try await Self.row(db, id: key.id)
            let seed = try NoteSigningKey.unwrap(row.wrapped, publicKey: key.publicKey, master: ScratchDatabase.masterKey).seed
            #expect(seed.count == 32)
            #expect(row.wrapped.count == 12 + 32 + 16, "nonce ‖ AES-256-GCM(seed) ‖ tag")
            #expect(!Self.contains(row.wrapped, seed), "the wrapped seed contains the raw seed")
            #expect(!Self.contains(row.publicKey, seed))

            // The whole row as text (bytea shown as hex) and as stored bytes.
            let text = try await db.asSuperuser { client in
                try #require(
                    try await client.query(
                        "SELECT row_to_json(k)::text FROM signing_keys k WHERE id = \(key.id)", logger: ScratchDatabase.logger
                    ).collect().first
                ).decode(String.self)
            }
            let hex = Hex.encode(seed)
            #expect(!text.lowercased().contains(hex), "the row shows the seed in hex")
            #expect(!text.contains(Data(seed).base64EncodedString()), "the row shows the seed in base64")
            #expect(!Self.contains(Array(text.utf8), seed))
            let columns = try await db.asSuperuser { client in
                try #require(
                    try await client.query(
                        "SELECT public_key || wrapped_seed || convert_to(master_key_id, 'UTF8') FROM signing_keys WHERE id = \(key.id)",
                        logger: ScratchDatabase.logger
                    ).collect().first
                ).decode(ByteBuffer.self)
            }
            #expect(!Self.contains(Array(columns.readableBytesView), seed))

            // Only this master key opens it.
            #expect(throws: (any Error).self) {
                try NoteSigningKey.unwrap(row.wrapped, publicKey: key.publicKey, master: MasterKey.generate())
            }
            // And the wrap is bound to its public key.
            let other = NoteSigningKey.generate()
            #expect(throws: (any Error).self) {
                try NoteSigningKey.unwrap(row.wrapped, publicKey: other.publicKey, master: ScratchDatabase.masterKey)
            }
        }
    }

    @Test("the service role cannot delete signing keys or change their public key; the superuser is stopped by the trigger")
    func keysCannotBeAltered() async throws {
        try await withMigratedDatabase { db in
            let key = try await db.withStore { _, store in
                try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
            }
            let forged = Hex.encode(NoteSigningKey.generate().publicKey)
            let attempts = [
                "DELETE FROM signing_keys",
                "UPDATE signing_keys SET public_key = '\\x\(forged)' WHERE id = \(key.id)",
                "UPDATE signing_keys SET created_at = now() - interval '1 day'",
                "TRUNCATE signing_keys CASCADE",
                "DELETE FROM checkpoints",
                "UPDATE checkpoints SET note = 'x'",
            ]
            try await db.withStore { _, store in
                _ = try await store.append(sampleEvent(1), to: "t")
                _ = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
                for statement in attempts {
                    let state = await TreeTestSupport.sqlState(of: statement, on: store.client)
                    #expect(state == "42501" || state == "RK001", "service role: \(statement) → \(String(describing: state))")
                }
            }
            try await db.asSuperuser { client in
                for statement in attempts {
                    let state = await TreeTestSupport.sqlState(of: statement, on: client)
                    #expect(state == "RK001", "superuser: \(statement) → \(String(describing: state))")
                }
            }
            let row = try await Self.row(db, id: key.id)
            #expect(row.publicKey == key.publicKey)
            try await db.withStore { _, store in
                let keys = try await SigningKeyStore.list(client: store.client, logger: ScratchDatabase.logger)
                #expect(keys.map(\.id) == [key.id])
                let checkpoints = try await store.checkpoints(ledger: "t")
                #expect(checkpoints.count == 1)
                let report = try await store.verify(ledger: "t")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
            }
        }
    }

    struct KeyRow: Sendable {
        var publicKey: [UInt8]
        var masterKeyID: String
        var wrapped: [UInt8]
        var rewrapped: Bool
    }

    static func row(_ db: ScratchDatabase, id: Int32) async throws -> KeyRow {
        try await db.asSuperuser { client in
            let rows = try await client.query(
                "SELECT public_key, master_key_id, wrapped_seed, rewrapped_at IS NOT NULL FROM signing_keys WHERE id = \(id)",
                logger: ScratchDatabase.logger
            ).collect()
            let (publicKey, master, wrapped, rewrapped) = try #require(rows.first).decode((ByteBuffer, String, ByteBuffer, Bool).self)
            return KeyRow(
                publicKey: Array(publicKey.readableBytesView), masterKeyID: master, wrapped: Array(wrapped.readableBytesView),
                rewrapped: rewrapped)
        }
    }

    /// Whether `needle` occurs in `haystack` as a contiguous run.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
