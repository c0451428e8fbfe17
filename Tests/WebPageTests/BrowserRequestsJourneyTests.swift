import Access
import Foundation
import HummingbirdTesting
import LedgerStore
import Requests
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// The public-records officer's and the auditor's journey in Debian's Chromium
/// (Tests/Browser/journey_requests.py): an officer opens a request, searches, applies a
/// redaction with an exemption, approves it, produces an installment and downloads its bundle with
/// the keyboard (checked here: the file in a temporary export directory, the access recorded); an auditor verifies the ledger
/// and lists the officer's accesses. The ledger is then checked here. Skipped locally without
/// `RECORDKEEPER_BROWSER_PYTHON`, required in CI.
@Suite("requests journey in a real browser", .timeLimit(.minutes(10)))
struct BrowserRequestsJourneyTests {
    struct Outcome: Decodable {
        var ok: Bool
        var request: String?
        var failures: [String]
    }

    @Test("an officer redacts a request's search results with the keyboard; an auditor verifies and finds the officer's accesses")
    func journey() async throws {
        guard let python = BrowserTests.browserPython() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("RECORDKEEPER_BROWSER_PYTHON is not set: scripts/test.sh installs selenium and axe-core (scripts/browser-venv.sh)")
            }
            try Test.cancel("RECORDKEEPER_BROWSER_PYTHON is not set: run scripts/browser-venv.sh and set it to the python it prints")
        }
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("rk-journey-exports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: exports) }
        let options = BrowserApp.Options(
            workers: WorkerSet.Settings(ledger: "main", runClassifier: false),
            exports: ExportSettings(directory: exports, agency: "City of Example", contact: "records@example.gov"), requireMFA: false, signingKey: true)
        try await BrowserApp.with(options) { app in
            let store = app.store
            let citizen = "16505551234"
            _ = try await store.append(
                [
                    WhatsAppFixtures.message(
                        "wamid.journey-1", from: FixtureCitizen(waID: citizen), at: 100, body: ["body": "My card 4111 1111 1111 1111 was charged twice."]),
                    WhatsAppFixtures.message("wamid.journey-2", from: FixtureCitizen(waID: citizen), at: 200, body: ["body": "Thank you."]),
                ], to: "main")
            let directory = app.staff
            let password = "journey-\(TestEnvironment.randomHex(12))"
            _ = try await directory.addUser(name: "quinn.requests", roles: [.requestOfficer], password: password, actor: "test")
            _ = try await directory.addUser(name: "avery.audit", roles: [.auditor], password: password, actor: "test")
            let run = try await BrowserScript.run(
                python: python, script: "journey_requests.py", port: app.port, label: "journey-requests", timeout: .seconds(500)
            ) { _ in
                [
                    "--officer", "quinn.requests:\(password)", "--auditor", "avery.audit:\(password)", "--citizen", citizen, "--artifacts",
                    BrowserScript.artifacts("requests"),
                ]
            }
            let last = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
            guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(last.utf8)) else {
                throw TestSetupError("the journey ended with \(run.termination) and no JSON outcome:\n\(run.stdout)\n\(run.stderr)")
            }
            print(run.stdout)
            #expect(run.termination.exitCode == (outcome.ok ? 0 : 1), "the journey's exit status disagrees with its outcome: \(run.termination)")
            for failure in outcome.failures { Issue.record("journey step failed: \(failure)") }
            guard outcome.ok, let id = outcome.request else { return }

            // What the browser did is in the ledger: the redaction approved, the review viewed and on the record.
            let redactions = try await RequestRedactions(store: store, ledger: "main").list(id, role: .auditor)
            #expect(redactions.count == 1 && redactions.first?.state == .approved && redactions.first?.appliedBy == "staff:quinn.requests")
            let searches = try await RequestSearches(store: store, ledger: "main").list(id, role: .auditor)
            #expect(searches.count == 1 && searches.first?.resultCount == 2)
            try await eventually("the officer's review is not in the access log") {
                let viewed = try await AccessLogQueries(store: store).entries(
                    ledger: "main", user: "quinn.requests", record: "request:\(id)", since: nil, until: nil, before: nil, limit: 10)
                return viewed.contains { $0.route == "GET /requests/{id}/review" && $0.outcome == "viewed" }
            }
            // The installment produced from the page is in the export directory, and its download is on the record.
            let installments = try await RequestInstallments(store: store, ledger: "main", logName: "").list(id, role: .auditor)
            let installment = try #require(installments.first)
            #expect(installments.count == 1 && installment.producedBy == "staff:quinn.requests" && installment.redacted == 1, "\(installments)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: exports.path)) ?? []
            #expect(files == [installment.file], "\(files)")
            try await eventually("the officer's download is not in the access log") {
                let viewed = try await AccessLogQueries(store: store).entries(
                    ledger: "main", user: "quinn.requests", record: "installment:\(id)-1", since: nil, until: nil, before: nil, limit: 10)
                return viewed.contains { $0.route == "GET /requests/{id}/installments/{number}/bundle" && $0.outcome == "viewed" }
            }
        }
    }
}
