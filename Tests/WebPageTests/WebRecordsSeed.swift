import Disposition
import Foundation
import LedgerStore
import Retention
import ServiceTestSupport
import TestSupport

/// Retention data for the records officer's pages in a browser: the Washington core schedule
/// and three citizens' conversations of November 2022 (past the two years of GS2010-001),
/// filed by hand.
enum WebRecordsSeed {
    typealias F = WhatsAppFixtures

    static let citizens = ["16505550191", "16505550192", "16505550193"].map { FixtureCitizen(waID: $0) }
    /// 2022-11-02 in seconds after WhatsAppFixtures' epoch (2025-11-01).
    static let longAgo: Int64 = -(3 * 365 * 86_400) + 86_400

    static func record(_ citizen: FixtureCitizen) -> String { "\(F.stream(citizen))@2022-11" }

    /// Loads the schedule, records and files the three conversations.
    static func records(_ store: LedgerStore) async throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml")
        let catalog = try RetentionCatalog(yaml: String(contentsOf: url, encoding: .utf8), file: "config/retention/washington-core.yaml")
        _ = try await RetentionCatalogs(store: store, ledger: "main").load(catalog, actor: "test:officer")
        for (index, citizen) in citizens.enumerated() {
            _ = try await store.append(
                [F.message("wamid.web-records-\(index)", from: citizen, at: longAgo + Int64(index) * 3600, body: ["body": "case \(index)"])], to: "main")
        }
        try await makeRunner(store).catchUpAll()
        // The filer files them by default (the needs-filing queue), as `recordkeeper work` does.
        _ = try await RetentionFiler(ledger: "main", store: store, logger: testLogger).runUntilIdle()
        try await makeRunner(store).catchUpAll()
        let filing = RetentionFiling(store: store, ledger: "main")
        for citizen in citizens {
            guard let id = RetentionRecordID(record(citizen)) else { throw TestSetupError("\(record(citizen)) is not a record id") }
            _ = try await filing.file(record: id, series: "GS2010-001", reason: "routine correspondence", actor: "test:officer")
        }
    }

    /// ``records(_:)``, then what the page crawl needs to reach every page with a parameter: a
    /// hold on the third citizen, and a list of the other two, approved and destroyed (its
    /// certificate).
    static func crawl(_ store: LedgerStore) async throws {
        try await records(store)
        _ = try await LegalHolds(store: store, ledger: "main").place(
            LegalHoldRequest(
                type: .litigation, matter: "Case 26-2-00001-1", custodian: "Records office", reason: "complaint filed",
                scope: LegalHoldScope(citizens: ["+\(citizens[2].waID ?? "")"])), actor: "test:officer")
        let lists = DispositionLists(store: store, ledger: "main")
        for list in try await lists.make(actor: "test:officer") {
            try await lists.approve(list: list, actor: "test:officer")
            _ = try await RetentionDestroyer(store: store, ledger: "main").destroy(list: list, actor: "test:officer")
        }
    }
}
