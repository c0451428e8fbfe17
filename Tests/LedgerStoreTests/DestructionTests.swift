import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("The narrow door for lawful destruction")
struct DestructionTests {
    static func keyID(_ client: PostgresClient, stream: String) async throws -> Int64 {
        let rows = try await client.query("SELECT id FROM data_keys WHERE stream = \(stream)", logger: ScratchDatabase.logger).collect()
        return try #require(try rows.first?.decode(Int64.self))
    }

    @Test("rk_destroy_data_key removes a key's payloads only with an authorising record.destroyed entry")
    func destroyWithAuthorisation() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append(
                    [sampleEvent(1, stream: "conversation/old"), sampleEvent(2, stream: "conversation/keep"), sampleEvent(3, stream: "conversation/old")],
                    to: "l"
                )
                let key = try await Self.keyID(store.client, stream: "conversation/old")

                // No authorising entry: refused.
                await #expect(throws: (any Error).self) {
                    try await store.client.perform("SELECT rk_destroy_data_key(\(key), 2)", logger: ScratchDatabase.logger)
                }
                // A record.destroyed entry that names another key: refused.
                let wrong = try await store.append(
                    NewEvent(
                        stream: "retention", eventType: "record.destroyed", actor: "records-officer",
                        header: #"{"data_key_ids":[\#(key + 100)]}"#, payload: []), to: "l")
                do {
                    try await store.client.perform("SELECT rk_destroy_data_key(\(key), \(wrong.position))", logger: ScratchDatabase.logger)
                    Issue.record("destruction without the key in data_key_ids was allowed")
                } catch {
                    #expect(error.sqlState == "RK002")
                }
                // The authorising entry: two payloads removed, the chain still verifies.
                let authorising = try await store.append(
                    NewEvent(
                        stream: "retention", eventType: "record.destroyed", actor: "records-officer",
                        header: #"{"data_key_ids":[\#(key)],"disposition_authority":"GS2016-009"}"#, payload: []), to: "l")
                let rows = try await store.client.query(
                    "SELECT rk_destroy_data_key(\(key), \(authorising.position))", logger: ScratchDatabase.logger
                ).collect()
                #expect(try rows.first?.decode(Int64.self) == 2)

                let records = try await allRecords(store, ledger: "l")
                #expect(records[0].payload == .destroyed(authorisedBy: authorising.position))
                #expect(records[1].payload == .bytes(sampleEvent(2).payload))
                #expect(records[2].payload == .destroyed(authorisedBy: authorising.position))
                let report = try await store.verify(ledger: "l")
                #expect(report.ok, "\(String(describing: report.failure))")
                #expect(report.payloadsDestroyed == 2)
                #expect(report.entries == 5)
                // A key is destroyed once.
                await #expect(throws: (any Error).self) {
                    try await store.client.perform("SELECT rk_destroy_data_key(\(key), \(authorising.position))", logger: ScratchDatabase.logger)
                }
            }
        }
    }

    @Test("rk_destroy_data_keys destroys many keys under one record.destroyed entry, and a second call finishes an interrupted run")
    func bulkDestruction() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append(
                    [
                        sampleEvent(1, stream: "wa/1/p:1"), sampleEvent(2, stream: "wa/1/p:2"), sampleEvent(3, stream: "wa/1/p:3"),
                        sampleEvent(4, stream: "wa/1/p:1"),
                    ],
                    to: "l")
                let ledger = try #require(try await store.existingLedger(named: "l"))
                let one = try await Self.keyID(store.client, stream: "wa/1/p:1")
                let two = try await Self.keyID(store.client, stream: "wa/1/p:2")
                let three = try await Self.keyID(store.client, stream: "wa/1/p:3")
                let authorising = try await store.append(
                    NewEvent(
                        stream: "retention/destruction", eventType: "record.destroyed", actor: "records-officer",
                        header: #"{"data_key_ids":[\#(one),\#(two)],"v":1}"#, payload: []), to: "l")

                // A key the entry does not name: refused, nothing destroyed.
                do {
                    _ = try await store.withTransaction { c in
                        try await DataKeyShredding.destroy(
                            keys: [one, three], authorisedBy: authorising.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                    }
                    Issue.record("a key missing from data_key_ids was destroyed")
                } catch {
                    #expect(error.sqlState == "RK002")
                }
                // Interrupted after the first key; the second call skips it and finishes; a third does nothing.
                let first = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(keys: [one], authorisedBy: authorising.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                }
                #expect(first == DataKeyShredding(keysDestroyed: 1, payloadsRemoved: 2))
                let rest = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(
                        keys: [one, two], authorisedBy: authorising.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                }
                #expect(rest == DataKeyShredding(keysDestroyed: 1, payloadsRemoved: 1))
                let again = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(
                        keys: [one, two], authorisedBy: authorising.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                }
                #expect(again == DataKeyShredding(keysDestroyed: 0, payloadsRemoved: 0))

                let records = try await allRecords(store, ledger: "l")
                #expect(
                    records.map(\.payload) == [
                        .destroyed(authorisedBy: authorising.position), .destroyed(authorisedBy: authorising.position),
                        .bytes(sampleEvent(3).payload), .destroyed(authorisedBy: authorising.position), .bytes([]),
                    ])
                let report = try await store.verify(ledger: "l")
                #expect(report.ok, "\(String(describing: report.failure))")
                #expect(report.payloadsDestroyed == 3)

                // Another record.destroyed cannot claim keys already destroyed.
                let later = try await store.append(
                    NewEvent(
                        stream: "retention/destruction", eventType: "record.destroyed", actor: "records-officer",
                        header: #"{"data_key_ids":[\#(one)],"v":1}"#, payload: []), to: "l")
                do {
                    _ = try await store.withTransaction { c in
                        try await DataKeyShredding.destroy(keys: [one], authorisedBy: later.position, ledger: ledger, on: c, logger: ScratchDatabase.logger)
                    }
                    Issue.record("a key destroyed by one entry was claimed by another")
                } catch {
                    #expect(error.sqlState == "RK002")
                }
            }
        }
    }

    @Test("a payload deleted behind the door's back is reported by verify")
    func unauthorisedDeletionIsDetected() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in _ = try await store.append((1...5).map { sampleEvent($0) }, to: "l") }
            try await db.asSuperuser { client in
                try await client.withTransaction(logger: ScratchDatabase.logger) { c in
                    try await c.perform("ALTER TABLE ledger_payloads DISABLE TRIGGER ALL", logger: ScratchDatabase.logger)
                    try await c.perform("DELETE FROM ledger_payloads WHERE position = 4", logger: ScratchDatabase.logger)
                    try await c.perform("ALTER TABLE ledger_payloads ENABLE TRIGGER ALL", logger: ScratchDatabase.logger)
                }
            }
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "l")
                #expect(report.failure?.position == 4)
                #expect(report.failure?.reason == .payloadMissing)
            }
            // Without the master key the missing payload is still noticed.
            try await db.withStore(masterKey: nil) { _, store in
                let report = try await store.verify(ledger: "l")
                #expect(report.failure?.position == 4)
            }
        }
    }
}
