import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("Append: positions, chain, idempotency, group commit")
struct AppendTests {
    @Test("positions are 1, 2, 3 … and the chain verifies")
    func gaplessPositionsAndChain() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                var positions: [Int64] = []
                for i in 0..<3 { positions.append(try await store.append(sampleEvent(i), to: "agency").position) }
                let batch = try await store.append((3..<8).map { sampleEvent($0) }, to: "agency")
                positions += batch.map(\.position)
                #expect(positions == Array(1...8))
                #expect(batch.allSatisfy { !$0.alreadyRecorded })

                let records = try await allRecords(store, ledger: "agency")
                #expect(records.map(\.entry.fields.position) == Array(1...8))
                #expect(records[0].entry.previousHash == .genesis)
                for (previous, next) in zip(records, records.dropFirst()) {
                    #expect(next.entry.previousHash == previous.entry.entryHash)
                }
                #expect(records[4].payload == .bytes(Array(#"{"text":{"body":"message 4"}}"#.utf8)))

                let head = try await store.head(of: try await store.ledger(named: "agency"))
                #expect(head.position == 8)
                #expect(head.hash == records[7].entry.entryHash)

                let report = try await store.verify(ledger: "agency")
                #expect(report.ok)
                #expect(report.entries == 8)
                #expect(report.payloadsVerified == 8)
                #expect(report.level == .chainAndPayloads)
            }
        }
    }

    @Test("concurrent appenders get distinct gapless positions, batched into fewer transactions")
    func concurrentAppenders() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let receipts = try await withThrowingTaskGroup(of: [AppendReceipt].self) { group in
                    for worker in 0..<16 {
                        group.addTask {
                            var mine: [AppendReceipt] = []
                            for i in 0..<25 {
                                mine.append(try await store.append(sampleEvent(worker * 100 + i, stream: "conversation/\(worker)"), to: "busy"))
                            }
                            return mine
                        }
                    }
                    var all: [AppendReceipt] = []
                    for try await part in group { all += part }
                    return all
                }
                #expect(receipts.map(\.position).sorted() == Array(1...400))
                let statistics = store.appendStatistics()
                #expect(statistics.events == 400)
                #expect(statistics.transactions < 400, "group commit should put several callers' events in one transaction")
                let report = try await store.verify(ledger: "busy")
                #expect(report.ok)
                #expect(report.entries == 400)
            }
        }
    }

    @Test("two stores (two processes) appending to one ledger keep one gapless chain")
    func twoWritersOneLedger() async throws {
        try await withMigratedDatabase { db in
            try await withThrowingTaskGroup(of: [Int64].self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        try await db.withStore { _, store in
                            var positions: [Int64] = []
                            for i in 0..<60 {
                                let batch = (0..<3).map { sampleEvent(writer * 1000 + i * 3 + $0) }
                                positions += try await store.append(batch, to: "shared").map(\.position)
                            }
                            return positions
                        }
                    }
                }
                var all: [Int64] = []
                for try await part in group { all += part }
                #expect(all.sorted() == Array(1...360))
            }
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "shared")
                #expect(report.ok, "\(String(describing: report.failure))")
                #expect(report.entries == 360)
            }
        }
    }

    @Test("appending the same event id again returns the original position")
    func idempotentByEventID() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let id = UUID()
                let first = try await store.append(sampleEvent(1, id: id), to: "l")
                _ = try await store.append(sampleEvent(2), to: "l")
                let again = try await store.append(sampleEvent(1, id: id), to: "l")
                #expect(first.position == 1)
                #expect(!first.alreadyRecorded)
                #expect(again.position == 1)
                #expect(again.alreadyRecorded)

                // The same id twice inside one batch, and a retried batch.
                let other = UUID()
                let batch = try await store.append([sampleEvent(3, id: other), sampleEvent(4), sampleEvent(3, id: other)], to: "l")
                #expect(batch.map(\.position) == [3, 4, 3])
                #expect(batch.map(\.alreadyRecorded) == [false, false, true])
                let retried = try await store.append([sampleEvent(3, id: other), sampleEvent(9, id: id)], to: "l")
                #expect(retried.map(\.position) == [3, 1])
                #expect(retried.allSatisfy { $0.alreadyRecorded })

                #expect(try await store.head(of: try await store.ledger(named: "l")).position == 4)
                #expect(try await store.verify(ledger: "l").ok)
            }
        }
    }

    @Test("a dedupe key already recorded returns the original entry")
    func dedupeKey() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let first = try await store.append(sampleEvent(1, dedupeKey: "wamid.ABC"), to: "l")
                let redelivered = try await store.append(sampleEvent(2, dedupeKey: "wamid.ABC"), to: "l")
                let other = try await store.append(sampleEvent(3, dedupeKey: "wamid.DEF"), to: "l")
                #expect(first.position == 1)
                #expect(redelivered.position == 1)
                #expect(redelivered.alreadyRecorded)
                #expect(other.position == 2)
                let records = try await allRecords(store, ledger: "l")
                #expect(records.map(\.entry.fields.dedupeKey) == ["wamid.ABC", "wamid.DEF"])
            }
        }
    }

    @Test("canonically equivalent but different strings stay different (no Unicode normalisation)")
    func noNormalisation() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let nfc = "conversation/Jos\u{00E9}"
                let nfd = "conversation/Jose\u{0301}"
                let receipts = try await store.append(
                    [sampleEvent(1, stream: nfc, dedupeKey: "k-\u{00E9}"), sampleEvent(2, stream: nfd, dedupeKey: "k-e\u{0301}")], to: "l"
                )
                #expect(receipts.map(\.position) == [1, 2])
                #expect(receipts.allSatisfy { !$0.alreadyRecorded })
                let nfcRecords = try await allRecords(store, ledger: "l", stream: nfc)
                #expect(nfcRecords.map(\.entry.fields.position) == [1])
                #expect(Array(nfcRecords[0].entry.fields.stream.utf8) == Array(nfc.utf8))
                #expect(try await store.verify(ledger: "l").ok)
            }
        }
    }

    @Test("invalid events are refused and nothing of their batch is written")
    func invalidInputLeavesNothing() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append(sampleEvent(0), to: "l")
                var empty = sampleEvent(1)
                empty.stream = ""
                await #expect(throws: LedgerFormatError.emptyField("stream")) {
                    _ = try await store.append([sampleEvent(2), empty], to: "l")
                }
                // The retained header must be a JSON object: not other text, not another JSON value.
                for header in ["direction=inbound", "[1]", "\"inbound\"", "{\"direction\":\"inbound\"", "{\"a\":1} x"] {
                    var notObject = sampleEvent(3)
                    notObject.header = header
                    await #expect(throws: HeaderValidation.HeaderError.notAJSONObject, "\(header)") { _ = try await store.append(notObject, to: "l") }
                }
                var nul = sampleEvent(4)
                nul.actor = "agent\u{0}"
                await #expect(throws: LedgerFormatError.nulCharacter("actor")) { _ = try await store.append(nul, to: "l") }
                await #expect(throws: LedgerFormatError.invalidLedgerName("Bad Name")) {
                    _ = try await store.append(sampleEvent(5), to: "Bad Name")
                }
                #expect(try await store.head(of: try await store.ledger(named: "l")).position == 1)
                #expect(try await allRecords(store, ledger: "l").count == 1)
            }
        }
    }

    @Test("a 3 MB payload round-trips exactly")
    func largePayload() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                var event = sampleEvent(1)
                event.payload = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
                let receipt = try await store.append(event, to: "media")
                let records = try await allRecords(store, ledger: "media")
                #expect(receipt.position == 1)
                #expect(records.first?.payload == .bytes(event.payload))
                #expect(try await store.verify(ledger: "media").payloadsVerified == 1)
            }
        }
    }

    @Test("without a master key nothing can be appended, and the chain still verifies")
    func withoutMasterKey() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append([sampleEvent(1), sampleEvent(2)], to: "l")
            }
            try await db.withStore(masterKey: nil) { _, store in
                await #expect(throws: (any Error).self) { _ = try await store.append(sampleEvent(3), to: "l") }
                let report = try await store.verify(ledger: "l")
                #expect(report.ok)
                #expect(report.level == .chain)
                #expect(report.entries == 2)
                #expect(report.payloadsVerified == 0)
                #expect(try await allRecords(store, ledger: "l").map(\.payload) == [.sealed, .sealed])
            }
            try await db.withStore(masterKey: MasterKey.generate()) { _, store in
                // A wrong master key is a set-up mistake ("could not run"), not tampering.
                do {
                    _ = try await store.verify(ledger: "l")
                    Issue.record("verification with a wrong master key must not report a result")
                } catch let error as LedgerStoreError {
                    guard case .masterKeyMismatch = error else {
                        Issue.record("unexpected error \(error)")
                        return
                    }
                }
            }
        }
    }

    @Test("shutdown drains queued appends: every acknowledged event is committed, later ones are refused")
    func shutdownDrains() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append(sampleEvent(0), to: "l")
                let outcomes = await withTaskGroup(of: Int64?.self) { group in
                    for i in 1...40 {
                        group.addTask { try? await store.append(sampleEvent(i, stream: "conversation/\(i % 4)"), to: "l").position }
                    }
                    group.addTask {
                        await Task.yield()
                        await store.shutdown()
                        return nil
                    }
                    var positions: [Int64] = []
                    for await outcome in group { if let outcome { positions.append(outcome) } }
                    return positions
                }
                await #expect(throws: LedgerStoreError.self) { _ = try await store.append(sampleEvent(99), to: "l") }
                let committed = try await allRecords(store, ledger: "l").map(\.entry.fields.position)
                #expect(committed == Array(1...Int64(committed.count)))
                #expect(Set(outcomes).isSubset(of: Set(committed)), "every acknowledged position is in the ledger")
                #expect(committed.count == outcomes.count + 1, "nothing was committed that was not acknowledged")
                #expect(try await store.verify(ledger: "l").ok)
            }
        }
    }
}
