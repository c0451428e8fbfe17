import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// Verification must not stop where tampering could hide: a deleted head row or a data key
/// that no longer unwraps is reported as a finding, and the rest of the ledger is still checked
/// (another tamper elsewhere is still named).
@Suite("Verification reports every problem it can name")
struct VerifyTamperReportingTests {
    @Test("a deleted head row is head_missing (not 'no such ledger'), and the chain is still checked")
    func headRowDeleted() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await TamperTests.tamper(db, ["DELETE FROM ledger_heads"])
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                #expect(!report.ok)
                #expect(report.findings.map(\.code) == ["head_missing"], "\(report.findings)")
                #expect(report.headMissing)
                #expect(report.failure == nil, "the chain itself is intact: \(String(describing: report.failure))")
                #expect(report.entries == 20, "every entry was still checked")
                #expect(report.firstProblem?.code == "head_missing")
            }
        }
    }

    @Test("a deleted head row does not hide an altered entry")
    func headRowDeletedAndEntryAltered() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await TamperTests.tamper(db, ["DELETE FROM ledger_heads", "UPDATE ledger_entries SET actor = 'mallory' WHERE position = 7"])
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                #expect(!report.ok)
                #expect(report.findings.map(\.code) == ["head_missing"], "\(report.findings)")
                let failure = try #require(report.failure, "the altered entry is still reported")
                #expect(failure.position == 7)
                #expect(failure.reason.code == "entry_hash_mismatch")
                #expect(Set(report.problems.map(\.code)) == ["head_missing", "entry_hash_mismatch"])
            }
        }
    }

    @Test("a data key re-labelled to another master key: payload_key_unavailable for each of its entries, the chain still checked")
    func dataKeyMasterChanged() async throws {
        try await withMigratedDatabase { db in
            // Seeded on two streams: conversation/1 holds the odd positions, conversation/0 the even ones.
            try await TamperTests.seed(db)
            try await TamperTests.tamper(db, ["UPDATE data_keys SET master_key_id = 'tampered' WHERE stream = 'conversation/1'"])
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                #expect(!report.ok)
                #expect(report.failure == nil, "\(String(describing: report.failure))")
                #expect(report.findings.allSatisfy { $0.code == "payload_key_unavailable" }, "\(report.findings)")
                #expect(report.findings.map(\.position) == stride(from: Int64(1), through: 19, by: 2).map { $0 })
                #expect(report.findings.first?.reason.contains("tampered") == true, "\(report.findings)")
                #expect(report.entries == 20, "every entry's hash was still checked")
                #expect(report.payloadsVerified == 10, "the other stream's payloads were still opened")
            }
        }
    }

    @Test("a re-labelled data key does not hide an altered entry on another stream")
    func dataKeyMasterChangedAndEntryAltered() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await TamperTests.tamper(
                db,
                [
                    "UPDATE data_keys SET master_key_id = 'tampered' WHERE stream = 'conversation/1'",
                    "UPDATE ledger_entries SET actor = 'mallory' WHERE position = 18",
                ])
            try await db.withStore { _, store in
                let report = try await store.verify(ledger: "t")
                let failure = try #require(report.failure)
                #expect(failure.position == 18)
                #expect(failure.reason.code == "entry_hash_mismatch")
                #expect(report.findings.map(\.position) == stride(from: Int64(1), through: 17, by: 2).map { $0 })
                #expect(report.firstProblem?.code == "entry_hash_mismatch")
            }
        }
    }

    @Test("a master key that wraps none of the ledger's data keys is still 'could not run', not tampering")
    func wrongMasterKeyStillCouldNotRun() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await db.withStore(masterKey: MasterKey.generate()) { _, store in
                await #expect(throws: LedgerStoreError.self) { _ = try await store.verify(ledger: "t") }
            }
        }
    }

    @Test("a ledger missing from ledgers is still 'could not run'")
    func noSuchLedger() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await db.withStore { _, store in
                await #expect(throws: LedgerStoreError.self) { _ = try await store.verify(ledger: "nope") }
            }
        }
    }
}
