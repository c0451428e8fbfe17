import Classification
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import Retention
import TestSupport
import Testing

/// A catalog, rules and message helpers for the filing tests: real events on a real ledger.
enum FilingFixture {
    static let ledger = "main"

    /// GS2010-001 (2 years, the default), LONG-001 (6 years), GS50-02-01 (until no longer needed).
    static func catalog(version: String = "1", extra: String = "", defaultSeries: String = "GS2010-001") throws -> RetentionCatalog {
        try RetentionCatalog(
            yaml: """
                name: filing-test
                version: "\(version)"
                default_series: \(defaultSeries)
                series:
                  - dan: LONG-001
                    title: Permits
                    description: Permit correspondence.
                    retention: P6Y
                    trigger: communication
                    final_action: destroy
                    designation: {archival: non_archival, essential: false, office: OPR}
                  - dan: GS50-02-01
                    title: Routine information
                    description: Routine answers.
                    retention: until no longer needed
                    trigger: communication
                    final_action: destroy
                    designation: {archival: non_archival, essential: false, office: OPR}
                \(extra.isEmpty ? Self.nonExecutive(revision: nil) : extra)
                """, file: "filing-test.yaml")
    }

    static func nonExecutive(revision: Int?) -> String {
        """
          - dan: GS2010-001
        \(revision.map { "    revision: \($0)\n" } ?? "")    title: Communications – Non-Executive
            description: Everyday communications.
            retention: P2Y
            trigger: communication
            final_action: destroy
            designation: {archival: non_archival, essential: false, office: OPR}
        """
    }

    static let rules = """
        transitory_phrases: [ok, thanks, thank you]
        rules:
          - id: permits
            series: LONG-001
            when: {keywords: [permit]}
          - id: special-handling
            series: LONG-001
            when: {categories: [special_handling]}
          - id: acknowledgements
            series: GS50-02-01
            when: {transitory: true}
        """

    /// Loads the catalog and the rules.
    static func setUp(_ store: LedgerStore) async throws {
        _ = try await RetentionCatalogs(store: store, ledger: ledger).load(try catalog(), actor: "cli:officer")
        _ = try await RetentionFilingRules(store: store, ledger: ledger).load(try FilingRules(yaml: rules, file: "rules.yaml"), actor: "cli:officer")
    }

    /// Appends a citizen message and, unless `category` is nil, its classification.
    @discardableResult
    static func message(
        _ id: String, from citizen: FixtureCitizen, at seconds: Int64, text: String, category: DataCategory?, store: LedgerStore
    )
        async throws -> Int64
    {
        let receipt = try await store.append(
            WhatsAppFixtures.message(id, from: citizen, at: seconds, body: ["body": text]), to: ledger)
        if let category {
            _ = try await store.append(
                try ClassificationEvents.classified(
                    stream: WhatsAppFixtures.stream(citizen), targetPosition: receipt.position, category: category, reasons: [], source: .automatic,
                    occurredAt: WhatsAppFixtures.time(seconds + 1)), to: ledger)
        }
        return receipt.position
    }

    /// The record of a citizen's November 2025 (the fixtures' month).
    static func record(_ citizen: FixtureCitizen) -> RetentionRecordID {
        RetentionRecordID(stream: WhatsAppFixtures.stream(citizen), period: "2025-11")
    }

    /// Every `record.scheduled` header, in ledger order.
    static func filings(_ store: LedgerStore) async throws -> [RecordFiling] {
        var found: [RecordFiling] = []
        let rows = try await store.client.query(
            "SELECT header FROM ledger_entries WHERE event_type = 'record.scheduled' ORDER BY position", logger: ScratchDatabase.logger)
        for try await header in rows.decode(String.self) {
            if let filing = RecordFiling(header: header) { found.append(filing) }
        }
        return found
    }

    static func head(_ store: LedgerStore) async throws -> Int64 {
        let rows = try await store.client.query("SELECT coalesce(max(position), 0) FROM ledger_entries", logger: ScratchDatabase.logger)
        for try await head in rows.decode(Int64.self) { return head }
        return 0
    }
}
