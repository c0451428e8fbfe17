import Classification
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import Retention
import TestSupport
import Testing

/// Filing records into series over a real database: the rules loaded as events, the filer
/// worker on real message events, filing by hand, the needs-filing queue.
@Suite("Retention filing")
struct RetentionFilingTests {
    static let logger = ScratchDatabase.logger

    @Test("loading rules naming an unknown or superseded series is refused with the DANs that exist, and writes nothing; the same rules twice record once")
    func loadRefusesUnknownSeries() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let rules = RetentionFilingRules(store: store, ledger: FilingFixture.ledger)
                let wrong = try FilingRules(
                    yaml: """
                        rules:
                          - id: council
                            series: GS9999-999
                            when: {teams: [council]}
                          - id: old-permits
                            series: LONG-001 Rev. 1
                            when: {keywords: [permit]}
                          - id: fine
                            series: LONG-001
                            when: {teams: [planning]}
                        """, file: "wrong.yaml")
                await #expect(throws: FilingRulesLoadError([.noCatalog])) { try await rules.load(wrong, actor: "cli:officer") }
                _ = try await RetentionCatalogs(store: store, ledger: FilingFixture.ledger).load(try FilingFixture.catalog(), actor: "cli:officer")
                let head = try await FilingFixture.head(store)
                do {
                    _ = try await rules.load(wrong, actor: "cli:officer")
                    Issue.record("rules naming an unknown series were loaded")
                } catch let error as FilingRulesLoadError {
                    #expect(error.conflicts.count == 2)
                    let text = error.description
                    #expect(text.contains("rule council") && text.contains("`GS9999-999`"))
                    #expect(text.contains("`GS2010-001`") && text.contains("`LONG-001`") && text.contains("`GS50-02-01`"), "names the DANs that exist")
                    #expect(text.contains("rule old-permits"))
                }
                #expect(try await FilingFixture.head(store) == head, "nothing written")
                #expect(try await rules.current() == nil)

                let good = try FilingRules(yaml: FilingFixture.rules, file: "rules.yaml")
                #expect(try await rules.load(good, actor: "cli:officer").recorded)
                let after = try await FilingFixture.head(store)
                #expect(try await rules.load(good, actor: "cli:officer").recorded == false)
                #expect(try await FilingFixture.head(store) == after, "the same rules twice append nothing")
                #expect(try await rules.current()?.rules == good)

                // A newer revision supersedes GS2010-001: rules naming the old one are refused, naming the new one.
                _ = try await RetentionCatalogs(store: store, ledger: FilingFixture.ledger).load(
                    try FilingFixture.catalog(version: "2", extra: FilingFixture.nonExecutive(revision: 1), defaultSeries: "GS2010-001 Rev. 1"),
                    actor: "cli:officer")
                let old = try FilingRules(yaml: "rules:\n  - id: everyday\n    series: GS2010-001\n    when: {teams: [a]}\n", file: "old.yaml")
                await #expect(throws: FilingRulesLoadError([.supersededSeries(rule: "everyday", series: "GS2010-001", by: "GS2010-001 Rev. 1")])) {
                    try await rules.load(old, actor: "cli:officer")
                }
            }
        }
    }

    @Test(
        "the filer files a record by keyword into the longer series and a later acknowledgement never shortens it; an unmatched message goes to default and the queue"
    )
    func filesByRuleAndRank() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await FilingFixture.setUp(store)
                let filer = RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger)
                let filing = RetentionFiling(store: store, ledger: FilingFixture.ledger)
                let ana = FixtureCitizen(waID: "15550000001")
                let ben = FixtureCitizen(waID: "15550000002")

                try await FilingFixture.message("wamid.a1", from: ana, at: 100, text: "Thanks!", category: .publicInformation, store: store)
                try await FilingFixture.message(
                    "wamid.b1", from: ben, at: 110, text: "When is the council meeting?", category: .publicInformation, store: store)
                #expect(try await filer.runUntilIdle() == 2)
                try await filing.catchUp()
                var anaRecord = try #require(try await filing.record(FilingFixture.record(ana)))
                #expect(anaRecord.series == "GS50-02-01" && anaRecord.source == .rule && anaRecord.rule == "acknowledgements")
                let benRecord = try #require(try await filing.record(FilingFixture.record(ben)))
                #expect(benRecord.series == "GS2010-001" && benRecord.source == .default)
                #expect(try await filing.needsFiling().map(\.record) == [FilingFixture.record(ben)])

                // A message about a permit: the 6-year series outranks "until no longer needed".
                try await FilingFixture.message(
                    "wamid.a2", from: ana, at: 200, text: "About my building PERMIT application", category: .publicInformation, store: store)
                #expect(try await filer.runUntilIdle() == 1)
                // An acknowledgement afterwards never shortens it.
                try await FilingFixture.message("wamid.a3", from: ana, at: 300, text: "ok thank you", category: .publicInformation, store: store)
                #expect(try await filer.runUntilIdle() == 0)
                try await filing.catchUp()
                anaRecord = try #require(try await filing.record(FilingFixture.record(ana)))
                #expect(anaRecord.series == "LONG-001" && anaRecord.rule == "permits")
                #expect(anaRecord.messages == 3)
                #expect(anaRecord.history.map(\.series) == ["GS50-02-01", "LONG-001"], "re-filing keeps the history")
                #expect(anaRecord.history.allSatisfy { $0.actor == RetentionFiler.actor })

                // Another filer (a restart) appends nothing again.
                #expect(try await RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger).runUntilIdle() == 0)
                #expect(try await FilingFixture.filings(store).count == 3)
            }
        }
    }

    @Test("an unclassified message counts as special handling (fail closed) until its classification re-decides it")
    func unclassifiedCountsAsSpecialHandling() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await FilingFixture.setUp(store)
                let filer = RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger)
                let filing = RetentionFiling(store: store, ledger: FilingFixture.ledger)
                let cleo = FixtureCitizen(waID: "15550000003")
                let dan = FixtureCitizen(waID: "15550000004")
                let position = try await FilingFixture.message("wamid.c1", from: cleo, at: 100, text: "hello there", category: nil, store: store)
                try await FilingFixture.message("wamid.d1", from: dan, at: 100, text: "hello there", category: .publicInformation, store: store)
                try await filer.runUntilIdle()
                try await filing.catchUp()
                #expect(try await filing.record(FilingFixture.record(cleo))?.rule == "special-handling", "not yet classified: treated as sensitive")
                #expect(try await filing.record(FilingFixture.record(dan))?.source == .default, "the same words classified public: default")

                _ = try await store.append(
                    try ClassificationEvents.classified(
                        stream: WhatsAppFixtures.stream(cleo), targetPosition: position, category: .publicInformation, reasons: [], source: .automatic,
                        occurredAt: WhatsAppFixtures.time(500)), to: FilingFixture.ledger)
                #expect(try await filer.runUntilIdle() == 1)
                try await filing.catchUp()
                let summary = try #require(try await filing.record(FilingFixture.record(cleo)))
                #expect(summary.series == "GS2010-001" && summary.source == .default, "classified public: the message's own series")
                #expect(summary.history.map(\.series) == ["LONG-001", "GS2010-001"], "the fail-closed filing stays in the history")
            }
        }
    }

    @Test(
        "a filing by hand with a reason replaces the rule filing, is kept in the history, and the filer never overrides it; faulty filings are refused and write nothing"
    )
    func filingByHand() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await FilingFixture.setUp(store)
                let filer = RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger)
                let filing = RetentionFiling(store: store, ledger: FilingFixture.ledger)
                let eve = FixtureCitizen(waID: "15550000005")
                let record = FilingFixture.record(eve)
                try await FilingFixture.message("wamid.e1", from: eve, at: 100, text: "I want to complain", category: .publicInformation, store: store)
                try await filer.runUntilIdle()
                try await filing.catchUp()
                #expect(try await filing.needsFiling().map(\.record) == [record])

                let head = try await FilingFixture.head(store)
                await #expect(throws: RetentionFilingError.emptyReason) {
                    try await filing.file(record: record, series: "LONG-001", reason: "  ", actor: "cli:officer")
                }
                await #expect(throws: RetentionFilingError.unknownSeries("GS1-1", known: ["GS2010-001", "GS50-02-01", "LONG-001"])) {
                    try await filing.file(record: record, series: "GS1-1", reason: "complaint", actor: "cli:officer")
                }
                let nobody = RetentionRecordID(stream: WhatsAppFixtures.stream(FixtureCitizen(waID: "15559999999")), period: "2025-11")
                await #expect(throws: RetentionFilingError.unknownRecord(nobody.description)) {
                    try await filing.file(record: nobody, series: "LONG-001", reason: "complaint", actor: "cli:officer")
                }
                #expect(try await FilingFixture.head(store) == head, "refusals write nothing")

                try await filing.file(record: record, series: "LONG-001", reason: "A complaint about a permit decision", actor: "cli:officer")
                var summary = try #require(try await filing.record(record))
                #expect(summary.series == "LONG-001" && summary.source == .manual)
                #expect(summary.history.map(\.source) == [.default, .manual], "the rule filing stays in the history")
                #expect(try await filing.needsFiling().isEmpty, "filed by hand: out of the queue")
                let reason = try #require(try await store.record(ledger: FilingFixture.ledger, position: summary.history[1].position))
                guard case .bytes(let bytes) = reason.payload else {
                    Issue.record("the filing's payload does not open")
                    return
                }
                #expect(try JSONValue.parse(bytes)["reason"]?.string == "A complaint about a permit decision", "the reason is in the payload")
                #expect(!reason.entry.fields.header.contains("complaint"), "the reason is not in the retained header")

                // New messages, even a permit one or an acknowledgement, do not make the filer re-file it.
                let before = try await FilingFixture.filings(store).count
                try await FilingFixture.message("wamid.e2", from: eve, at: 200, text: "ok thanks", category: .publicInformation, store: store)
                try await FilingFixture.message("wamid.e3", from: eve, at: 300, text: "my permit", category: .publicInformation, store: store)
                try await filer.runUntilIdle()
                #expect(try await FilingFixture.filings(store).count == before)
                try await filing.catchUp()
                summary = try #require(try await filing.record(record))
                #expect(summary.series == "LONG-001" && summary.source == .manual)

                // A superseded series is refused, naming its newer revision.
                _ = try await RetentionCatalogs(store: store, ledger: FilingFixture.ledger).load(
                    try FilingFixture.catalog(version: "2", extra: FilingFixture.nonExecutive(revision: 1), defaultSeries: "GS2010-001 Rev. 1"),
                    actor: "cli:officer")
                await #expect(throws: RetentionFilingError.supersededSeries("GS2010-001", by: "GS2010-001 Rev. 1")) {
                    try await filing.file(record: record, series: "GS2010-001", reason: "everyday", actor: "cli:officer")
                }
            }
        }
    }

    @Test("a month with no message is filed by the business-number rule (else by default) until its first message decides")
    func recordsWithoutMessages() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                _ = try await RetentionCatalogs(store: store, ledger: FilingFixture.ledger).load(try FilingFixture.catalog(), actor: "cli:officer")
                let rules = try FilingRules(
                    yaml: """
                        transitory_phrases: [thanks]
                        rules:
                          - id: acknowledgements
                            series: GS50-02-01
                            when: {transitory: true}
                          - id: permits-line
                            series: LONG-001
                            when: {business_numbers: ["\(WhatsAppFixtures.phoneNumberID)"]}
                        """, file: "rules.yaml")
                _ = try await RetentionFilingRules(store: store, ledger: FilingFixture.ledger).load(rules, actor: "cli:officer")
                let filer = RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger)
                let filing = RetentionFiling(store: store, ledger: FilingFixture.ledger)
                let gus = FixtureCitizen(waID: "15550000007")
                let december: Int64 = 31 * 86_400 + 100
                // Only a delivery receipt in December (of a November message): no message in that month.
                _ = try await store.append(WhatsAppFixtures.status("read", of: "wamid.g0", to: gus, at: december), to: FilingFixture.ledger)
                _ = try await store.append(
                    WhatsAppFixtures.status("read", of: "wamid.h0", to: gus, at: december, number: "999000111"), to: FilingFixture.ledger)
                try await filer.runUntilIdle()
                try await filing.catchUp()
                let onLine = RetentionRecordID(stream: WhatsAppFixtures.stream(gus), period: "2025-12")
                let elsewhere = RetentionRecordID(stream: WhatsAppFixtures.stream(gus, number: "999000111"), period: "2025-12")
                var record = try #require(try await filing.record(onLine))
                #expect(record.messages == 0 && record.series == "LONG-001" && record.rule == "permits-line")
                #expect(try await filing.record(elsewhere)?.source == .default, "no business-number rule for this number: default")

                // The month's first message decides: an acknowledgement (the first rule) replaces the placeholder.
                try await FilingFixture.message("wamid.g1", from: gus, at: december + 100, text: "thanks", category: .publicInformation, store: store)
                try await filer.runUntilIdle()
                try await filing.catchUp()
                record = try #require(try await filing.record(onLine))
                #expect(record.series == "GS50-02-01" && record.rule == "acknowledgements")
                #expect(record.history.map(\.series) == ["LONG-001", "GS50-02-01"])
            }
        }
    }

    @Test("two filers on the same ledger at once append each decision once")
    func twoFilers() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                try await FilingFixture.setUp(store)
                for index in 0..<20 {
                    let citizen = FixtureCitizen(waID: "1555100\(String(format: "%04d", index))")
                    let text = index.isMultiple(of: 2) ? "about my permit" : "a question"
                    try await FilingFixture.message(
                        "wamid.t\(index)", from: citizen, at: Int64(100 + index), text: text, category: .publicInformation, store: store)
                    try await FilingFixture.message(
                        "wamid.u\(index)", from: citizen, at: Int64(200 + index), text: "thanks", category: .publicInformation, store: store)
                }
                let first = RetentionFiler(ledger: FilingFixture.ledger, store: store, batchSize: 7, logger: Self.logger)
                let second = RetentionFiler(ledger: FilingFixture.ledger, store: store, batchSize: 7, logger: Self.logger)
                async let a = first.runUntilIdle()
                async let b = second.runUntilIdle()
                _ = try await (a, b)
                // Whichever skipped a window because the other held it: one more pass each.
                try await first.runUntilIdle()
                try await second.runUntilIdle()
                // Windows may end between a message and its classification: the message counts as
                // special handling until then (fail closed), so a record may be filed twice, but
                // never the same decision twice in a row.
                let filings = try await FilingFixture.filings(store)
                let byRecord = Dictionary(grouping: filings, by: \.record)
                #expect(byRecord.count == 20, "every record filed")
                for (record, list) in byRecord {
                    #expect(zip(list, list.dropFirst()).allSatisfy { $0.series != $1.series || $0.source != $1.source }, "\(record): \(list.map(\.series))")
                }
                let filing = RetentionFiling(store: store, ledger: FilingFixture.ledger)
                try await filing.catchUp()
                var series: [String: Int] = [:]
                for record in byRecord.keys { series[try await filing.record(record)?.series ?? "none", default: 0] += 1 }
                #expect(series == ["LONG-001": 10, "GS2010-001": 10])
                #expect(try await RetentionFiler(ledger: FilingFixture.ledger, store: store, logger: Self.logger).runUntilIdle() == 0)
                #expect(try await FilingFixture.filings(store).count == filings.count, "a third filer appends nothing")
            }
        }
    }
}
