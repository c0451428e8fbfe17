import Access
import Disposition
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerStore
import PostgresNIO
import Retention
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// The records officer's journey in Debian's Chromium (Tests/Browser/journey_records.py): sign
/// in, a litigation hold on one citizen, a disposition run, the list opened and approved with
/// the keyboard alone; then the ledger holds the hold and the approval, and the held citizen's
/// record is not on the list. Skipped locally without `RECORDKEEPER_BROWSER_PYTHON`.
@Suite("records officer's journey in a real browser", .timeLimit(.minutes(10)))
struct BrowserRecordsJourneyTests {
    @Test("a records officer holds a citizen, runs disposition and approves the list with the keyboard")
    func journey() async throws {
        let python = try BrowserTests.requirePython()
        try await BrowserApp.with(.init()) { app in
            let store = app.store
            try await WebRecordsSeed.records(store)
            let account = try await app.enroll(.recordsOfficer, name: "web.records-journey", teams: [], passwordPrefix: "journey")
            let name = account.name
            let held = WebRecordsSeed.citizens[2]

            let run = try await BrowserScript.run(python: python, script: "journey_records.py", port: app.port, label: "journey", timeout: .seconds(480)) { _ in
                ["--name", name, "--password", account.password, "--totp-secret", account.totpSecret, "--citizen", "+\(held.waID ?? "")"]
            }
            let (termination, stdout, stderr) = (run.termination, run.stdout, run.stderr)
            print(stdout)
            let failed = stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
            #expect(termination.exitCode == 0 && failed.isEmpty, "the journey failed at: \(failed.joined(separator: "; "))\n\(stderr.suffix(2000))")
            let listID = try #require(
                stdout.split(separator: "\n").last { $0.hasPrefix("LIST ") }.map { String($0.dropFirst(5)) }, "the journey named no list")

            // The ledger: the hold (litigation, on the citizen, by the officer) and the approval.
            let holds = try await LegalHolds(store: store, ledger: "main").list()
            #expect(holds.count == 1, "\(holds)")
            #expect(holds.first?.type == .litigation && holds.first?.actor == "staff:\(name)", "\(holds)")
            #expect(holds.first?.scope.citizens.isEmpty == false, "\(holds)")
            let lists = DispositionLists(store: store, ledger: "main")
            try await lists.catchUp()
            let list = try await lists.show(list: listID)
            #expect(list.approvals.map(\.actor) == ["staff:\(name)"] && list.approved, "\(list.approvals)")
            let listed = Set(list.items.map(\.record.description))
            #expect(listed == Set(WebRecordsSeed.citizens.prefix(2).map(WebRecordsSeed.record)), "\(listed)")
            #expect(!listed.contains(WebRecordsSeed.record(held)), "the held citizen's record is on the list")
        }
    }
}
