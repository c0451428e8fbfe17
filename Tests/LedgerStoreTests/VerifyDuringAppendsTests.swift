import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// An auditor's scheduled `verify` runs while `serve` appends: it must verify one consistent
/// snapshot (up to the head it read) and never raise a false alarm, while entries beyond the head
/// within one snapshot are still tampering.
@Suite("Verification during appends")
struct VerifyDuringAppendsTests {
    @Test("verification while events (and checkpoints) are appended passes every time and reports the head it verified")
    func verifyWhileAppending() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await store.append((1...400).map { sampleEvent($0, stream: "conversation/\($0 % 3)") }, to: "t")
                _ = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                _ = try await store.makeCheckpoint(ledger: "t", logName: TreeTestSupport.logName)
                let appender = Task {
                    var index = 1000
                    while !Task.isCancelled {
                        _ = try await store.append((index..<index + 3).map { sampleEvent($0, stream: "conversation/\($0 % 3)") }, to: "t")
                        if (index / 3) % 10 == 0 { _ = try await store.makeCheckpoint(ledger: "t", logName: TreeTestSupport.logName) }
                        index += 3
                    }
                }
                var reports: [LedgerVerificationReport] = []
                for _ in 0..<6 {
                    // Small pages: many round trips, so appends land between the first read and the last.
                    reports.append(try await store.verify(ledger: "t", pageSize: 25))
                }
                appender.cancel()
                _ = try? await appender.value
                for report in reports {
                    #expect(report.ok, "a false alarm while appending: \(String(describing: report.firstProblem))")
                    #expect(report.failure == nil)
                    #expect(report.findings.isEmpty)
                    #expect(report.checkpoints.allSatisfy { $0.verified == true }, "\(report.checkpoints)")
                    #expect(report.headPosition >= 400)
                    #expect(report.entries == report.headPosition, "every entry up to the verified head was checked")
                }
                let heads = reports.map(\.headPosition)
                #expect(Set(heads).count > 1, "the appender did append while verifying: heads \(heads)")
                #expect(heads == heads.sorted(), "each run verifies a later (or the same) head: \(heads)")
                let final = try await store.verify(ledger: "t")
                #expect(final.ok)
                #expect(final.headPosition >= heads.last!)
            }
        }
    }

    @Test("an entry beyond the recorded head in the same snapshot is still entries_beyond_head")
    func entryBeyondHeadInSnapshot() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            // Entry 20 stays, the head says 19: the row lies beyond the head the snapshot holds.
            try await TamperTests.tamper(
                db,
                [
                    "UPDATE ledger_heads SET position = 19, head_hash = (SELECT entry_hash FROM ledger_entries WHERE position = 19)"
                ])
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t", pageSize: 7)
                let failure = try #require(report.failure)
                #expect(failure.position == 20, "\(failure)")
                #expect(failure.reason.code == "entries_beyond_head", "\(failure)")
                #expect(report.headPosition == 19)
            }
        }
    }
}
