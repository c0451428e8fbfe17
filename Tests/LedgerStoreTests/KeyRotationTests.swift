import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("Master key rotation")
struct KeyRotationTests {
    @Test("rotation re-wraps data keys without re-encrypting payloads")
    func rotate() async throws {
        try await withMigratedDatabase { db in
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            try await db.withStore(masterKey: old) { _, store in
                _ = try await store.append((1...6).map { sampleEvent($0, stream: "conversation/\($0 % 3)") }, to: "l")
            }
            let sealedBefore = try await db.asSuperuser { client in
                try await client.query("SELECT md5(string_agg(sealed, '' ORDER BY position)) FROM ledger_payloads", logger: ScratchDatabase.logger)
                    .collect().first?.decode(String.self)
            }
            let count = try await ScratchDatabase.withClient(db.owner) { client in
                try await DataKeyRing.rotate(client: client, from: old, to: new, logger: ScratchDatabase.logger)
            }
            #expect(count == 3)
            let sealedAfter = try await db.asSuperuser { client in
                try await client.query("SELECT md5(string_agg(sealed, '' ORDER BY position)) FROM ledger_payloads", logger: ScratchDatabase.logger)
                    .collect().first?.decode(String.self)
            }
            #expect(sealedBefore == sealedAfter, "payload ciphertext must not change")
            let census = try await ScratchDatabase.withClient(db.service) { client in
                try await DataKeyRing.census(client: client, logger: ScratchDatabase.logger)
            }
            #expect(census == [new.identifier: 3])
            try await db.withStore(masterKey: new) { _, store in
                let report = try await store.verify(ledger: "l")
                #expect(report.ok)
                #expect(report.payloadsVerified == 6)
                _ = try await store.append(sampleEvent(7, stream: "conversation/1"), to: "l")
            }
            try await db.withStore(masterKey: old) { _, store in
                await #expect(throws: (any Error).self) { _ = try await store.append(sampleEvent(8, stream: "conversation/1"), to: "l") }
            }
            // Re-running the rotation finds nothing left under the old key.
            let again = try await ScratchDatabase.withClient(db.owner) { client in
                try await DataKeyRing.rotate(client: client, from: old, to: new, logger: ScratchDatabase.logger)
            }
            #expect(again == 0)
        }
    }

    @Test("the service role cannot re-wrap keys: a rotation needs the schema owner, and the keys stay as they were")
    func serviceRoleCannotRotate() async throws {
        try await withMigratedDatabase { db in
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            try await db.withStore(masterKey: old) { _, store in
                _ = try await store.append(sampleEvent(1, stream: "conversation/1"), to: "l")
            }
            await #expect(throws: (any Error).self) {
                try await ScratchDatabase.withClient(db.service) { client in
                    try await DataKeyRing.rotate(client: client, from: old, to: new, logger: ScratchDatabase.logger)
                }
            }
            let census = try await ScratchDatabase.withClient(db.service) { client in
                try await DataKeyRing.census(client: client, logger: ScratchDatabase.logger)
            }
            #expect(census == [old.identifier: 1])
            try await db.withStore(masterKey: old) { _, store in
                let report = try await store.verify(ledger: "l")
                #expect(report.ok, "\(String(describing: report.firstProblem))")
            }
        }
    }
}
