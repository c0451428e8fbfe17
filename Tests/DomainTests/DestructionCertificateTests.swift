import Disposition
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import Retention
import TestSupport
import Testing

/// The destruction certificate built from real events on PostgreSQL: the Washington catalog,
/// three records, a disposition list (one record excluded), an approval, a `record.destroyed`
/// authority and its keys shredded through the database door; then the certificate lists exactly
/// the two destroyed records, cites the entries, and cites a signed checkpoint only once one
/// covers them.
@Suite("Destruction certificate: from the ledger")
struct DestructionCertificateTests {
    static let logName = "records.test.example"
    /// 2026-03-01T00:00:00Z, in microseconds.
    static let march: Int64 = 1_772_323_200_000_000
    static let day: Int64 = 86_400_000_000
    /// When disposition runs: 2028-06-01, past two years after every record.
    static let later = Date(timeIntervalSince1970: 1_843_603_200)

    static let first = RetentionRecordID(stream: "wa/100/p:15550001", period: "2026-03")
    static let second = RetentionRecordID(stream: "wa/100/p:15550002", period: "2026-03")
    static let kept = RetentionRecordID(stream: "wa/100/p:15550003", period: "2026-03")

    static func washingtonCore() throws -> RetentionCatalog {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/retention/washington-core.yaml")
        return try RetentionCatalog(yaml: String(contentsOf: url, encoding: .utf8), file: "config/retention/washington-core.yaml")
    }

    static func message(_ record: RetentionRecordID, day offset: Int64, _ text: String) -> NewEvent {
        NewEvent(
            stream: record.stream, eventType: "whatsapp.message.received", occurredAt: LedgerTimestamp(microseconds: march + offset * day),
            actor: "whatsapp:test", payload: Array(text.utf8))
    }

    @Test("the certificate of a destroyed list: exactly the destroyed records, the cited entries, and the covering checkpoint once made")
    func certificateFromLedger() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let catalog = try Self.washingtonCore()
                let series = try #require(catalog.series.first { $0.dan == "GS2010-001" })
                _ = try await RetentionCatalogs(store: store, ledger: "main").load(catalog, actor: "test:officer")
                _ = try await store.append(
                    [
                        Self.message(Self.first, day: 2, "first, one"), Self.message(Self.first, day: 5, "first, two"),
                        Self.message(Self.second, day: 19, "second"), Self.message(Self.kept, day: 3, "kept"),
                    ], to: "main")
                for record in [Self.first, Self.second, Self.kept] {
                    _ = try await store.append(
                        try RecordFiling(record: record, series: series.citation, source: .manual).event(actor: "test:officer"), to: "main")
                }

                // Disposition: a list of the three, one excluded, approved.
                let lists = DispositionLists(store: store, ledger: "main")
                // The list as an eligibility run records it (appended directly: this test is about the certificate).
                let listed = try DispositionEvents.listed(
                    list: "DL-20280601-0c0ffee0", series: series.citation, action: .destroy, review: false,
                    records: [Self.first, Self.second, Self.kept], actor: "test:clerk", occurredAt: LedgerTimestamp(Self.later))
                _ = try await store.append(listed, to: "main")
                try await lists.catchUp()
                let list = try await lists.show(list: "DL-20280601-0c0ffee0")
                #expect(Set(list.items.map(\.record)) == [Self.first, Self.second, Self.kept])
                try await lists.review(
                    list: list.list, decision: .exclude, records: [Self.kept], reason: "still needed for a complaint", actor: "test:officer",
                    now: Self.later)
                let approved = try await lists.approve(list: list.list, actor: "test:officer", now: Self.later.addingTimeInterval(60))
                let approval = try #require(approved.approvals.first)
                let certificates = DestructionCertificates(store: store, ledger: "main")
                await #expect(throws: DestructionCertificateError.notDestroyed(list.list, status: "approved")) {
                    try await certificates.certificate(list: list.list)
                }

                // A checkpoint made before the destruction covers the list but not the authority.
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                let early = try await store.makeCheckpoint(ledger: "main", logName: Self.logName)

                // The destruction: the authority, then the keys through the door.
                let authorisation = try await lists.authorisation(list: list.list)
                #expect(Set(authorisation.records) == [Self.first, Self.second])
                let ledger = try #require(try await store.existingLedger(named: "main"))
                var keys: [Int64] = []
                for record in authorisation.records {
                    keys.append(
                        try #require(
                            try await client.query(
                                "SELECT id FROM data_keys WHERE stream = \(record.stream) AND period = \(record.period)", logger: ScratchDatabase.logger
                            ).collect().first?.decode(Int64.self)))
                }
                let authority = RecordDestroyedEvent(
                    dataKeyIDs: keys, records: authorisation.records, list: list.list, series: authorisation.series, dan: authorisation.dan,
                    revision: authorisation.revision, approvals: authorisation.approvals.map(\.position),
                    approvers: authorisation.approvals.map(\.actor))
                let destroyedAt = Self.later.addingTimeInterval(3600)
                let receipt = try await store.append(try authority.event(actor: "test:destroyer", occurredAt: LedgerTimestamp(destroyedAt)), to: "main")
                let shredded = try await store.withTransaction { connection in
                    try await DataKeyShredding.destroy(
                        keys: keys, authorisedBy: receipt.position, ledger: ledger, on: connection, logger: ScratchDatabase.logger)
                }
                #expect(shredded.payloadsRemoved == 3)

                let before = try await certificates.certificate(list: list.list, now: destroyedAt)
                #expect(before.records.map(\.id) == [Self.first.description, Self.second.description], "exactly the destroyed records, not the excluded one")
                #expect(before.records.map(\.messages) == [2, 1])
                #expect(before.records.allSatisfy { $0.destroyedBy == receipt.position && $0.kind == "correspondence" && $0.period == "2026-03" })
                #expect(before.volume == .init(records: 2, messages: 3, entries: 3, payloads: 3, dataKeys: 2))
                #expect(before.complete)
                #expect(before.series.citation == series.citation && before.series.title == series.title && before.series.retention == "2 years")
                #expect(before.schedule?.name == "washington-core")
                #expect(before.datesCovered?.from == LedgerTimestamp(microseconds: Self.march + 2 * Self.day).date)
                #expect(before.datesCovered?.to == LedgerTimestamp(microseconds: Self.march + 19 * Self.day).date)
                // Retention met: the latest message (2026-03-20) plus two years.
                #expect(before.retentionMet.map(DestructionCertificate.day) == "2028-03-20")
                #expect(before.inventoried?.actor == "test:clerk" && before.inventoried?.position == list.listedPosition)
                #expect(before.approvals.map(\.actor) == ["test:officer"] && before.approvals.map(\.position) == [approval.position])
                #expect(before.destroyed.map(\.actor) == ["test:destroyer"] && before.destroyed.map(\.at) == [destroyedAt])
                let cited = Dictionary(uniqueKeysWithValues: before.citations.map { ($0.position, $0.eventType) })
                #expect(cited[receipt.position] == "record.destroyed")
                #expect(cited[list.listedPosition] == "retention.disposition.listed")
                #expect(cited[approval.position] == "retention.disposition.approved")
                #expect(before.lastCitedPosition == receipt.position)
                #expect(early.treeSize < receipt.position)
                #expect(before.checkpoint == nil, "the checkpoint made before the destruction does not cover the authority")
                #expect(before.checkpointText.contains("No signed checkpoint covers these entries yet"))
                #expect(before.checkpointText.contains("recordkeeper checkpoint --ledger main"))

                // A checkpoint now covers them; a later one does not replace it.
                let covering = try await store.makeCheckpoint(ledger: "main", logName: Self.logName)
                _ = try await store.append(Self.message(Self.kept, day: 6, "later"), to: "main")
                _ = try await store.makeCheckpoint(ledger: "main", logName: Self.logName)
                let after = try await certificates.certificate(list: list.list, now: destroyedAt)
                #expect(after.checkpoint?.id == covering.id, "the earliest checkpoint whose tree covers the last cited position")
                #expect(after.checkpoint?.treeSize == covering.treeSize)
                #expect(after.checkpoint?.note == covering.note)
                #expect(after.html().contains(Self.first.description))
                #expect(try after.json().contains("\"tree_size\" : \(covering.treeSize)"))

                // The authority alone, the log, and an unknown list.
                let alone = try await certificates.certificate(authority: receipt.position, now: destroyedAt)
                #expect(alone.records.map(\.id) == before.records.map(\.id) && alone.list == list.list)
                let log = try await certificates.log()
                #expect(
                    log == [
                        DestructionLogEntry(
                            list: list.list, series: series.citation, records: 2, firstAt: destroyedAt, lastAt: destroyedAt, positions: [receipt.position])
                    ])
                await #expect(throws: DestructionCertificateError.unknownList("DL-nope", known: [list.list])) {
                    try await certificates.certificate(list: "DL-nope")
                }
                await #expect(throws: DestructionCertificateError.notAnAuthority(approval.position)) {
                    try await certificates.certificate(authority: approval.position)
                }
            }
        }
    }
}
