import Disposition
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import Retention
import TestSupport
import Testing

/// A backup taken before a destruction (issue 14, item 7; docs/records-officer.md, "Backups and
/// destruction"): once the surviving data keys are re-wrapped under a new master key and the old
/// key is gone, restoring that backup with the current key reveals nothing of what was destroyed.
@Suite("Retention: a backup taken before destruction")
struct RetentionBackupTests {
    static let destroyedText = "the building permit for 12 Elm Street is approved"
    static let keptText = "please send the form again"

    /// The text of the payload at `position` of the restored database `db`, read with `masterKey`;
    /// nil when it cannot be read.
    static func readable(_ db: ScratchDatabase, position: Int64, masterKey: MasterKey) async throws -> String? {
        try await db.asSuperuser { client in
            try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: ScratchDatabase.logger) { store in
                guard let record = try? await store.record(ledger: "main", position: position), case .bytes(let bytes) = record.payload else {
                    return nil
                }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    @Test("the pre-destruction pg_dump, restored, still reveals the destroyed text with the old master key, and nothing with the current one")
    func preDestructionDump() async throws {
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("rk-backup-\(UUID().uuidString).dump").path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let newKey = MasterKey.generate()
        try await withMigratedDatabase { db in
            let (destroyedAt, keptAt) = try await db.withStore { _, store in
                let march = LedgerTimestamp(microseconds: 1_772_323_200_000_000)  // 2026-03-01
                let receipts = try await store.append(
                    [
                        NewEvent(
                            stream: "wa/100/p:15550001", eventType: "whatsapp.message.received", occurredAt: march, actor: "whatsapp:test",
                            payload: Array(Self.destroyedText.utf8)),
                        NewEvent(
                            stream: "wa/100/p:15550002", eventType: "whatsapp.message.received", occurredAt: march, actor: "whatsapp:test",
                            payload: Array(Self.keptText.utf8)),
                    ], to: "main")
                return (receipts[0].position, receipts[1].position)
            }
            // The nightly backup, taken before the destruction.
            try PostgresPrograms.run("pg_dump", ["--format=custom", "--file=\(dump)", db.superuserURL])

            // Destroy the first record (its data key) and purge; then re-wrap the survivors under a new master key.
            try await db.withStore { _, store in
                let ledger = try #require(try await store.existingLedger(named: "main"))
                let key = try #require(
                    try await store.client.query("SELECT id FROM data_keys WHERE stream = 'wa/100/p:15550001'", logger: ScratchDatabase.logger)
                        .collect().first?.decode(Int64.self))
                let authority = RecordDestroyedEvent(
                    dataKeyIDs: [key], records: [RetentionRecordID(stream: "wa/100/p:15550001", period: "2026-03")], list: "D-1",
                    series: "GS2010-001", dan: "GS2010-001", revision: 0, approvals: [], approvers: [])
                let receipt = try await store.append(try authority.event(actor: "test:officer"), to: "main")
                _ = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(keys: [key], authorisedBy: receipt.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                }
            }
            let rewrapped = try await db.asSuperuser { client in
                try await DataKeyRing.rotate(client: client, from: ScratchDatabase.masterKey, to: newKey, logger: ScratchDatabase.logger)
            }
            #expect(rewrapped == 2, "the kept record's key and the destruction stream's key are re-wrapped; the destroyed one has nothing to re-wrap")
            // The live database: the destroyed payload is gone, the kept one reads with the new key.
            #expect(try await Self.readable(db, position: destroyedAt, masterKey: newKey) == nil)
            #expect(try await Self.readable(db, position: keptAt, masterKey: newKey) == Self.keptText)

            // Restore the old backup into a new database.
            try await withScratchDatabase { restored in
                try PostgresPrograms.run("pg_restore", ["--no-owner", "--dbname=\(restored.superuserURL)", dump])
                // With the old master key — which must be deleted after the rotation — the backup reveals the destroyed text:
                // this is what the rotation protects against.
                #expect(try await Self.readable(restored, position: destroyedAt, masterKey: ScratchDatabase.masterKey) == Self.destroyedText)
                // With the current key, the backup reveals nothing: its data keys are wrapped under the retired key.
                #expect(try await Self.readable(restored, position: destroyedAt, masterKey: newKey) == nil)
                #expect(try await Self.readable(restored, position: keptAt, masterKey: newKey) == nil)
            }
        }
    }
}
