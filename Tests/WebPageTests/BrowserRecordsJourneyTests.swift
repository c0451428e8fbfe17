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
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            let directory = StaffDirectory(store: store, ledger: "main", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
            let background = testBackground(client: client, store: store, workers: nil)
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: directory,
                background: background.services, logger: testLogger)
            try await app.test(.live) { http in
                let port = try #require(http.port)
                try await WebRecordsSeed.records(store)
                let name = "web.records-journey"
                let password = "journey-\(TestEnvironment.randomHex(12))"
                let (_, enrollment) = try await directory.addUser(
                    name: name, roles: [.recordsOfficer], teams: [], password: password, enrollTOTP: true, actor: "test")
                let secret = try #require(enrollment?.secret)
                let held = WebRecordsSeed.citizens[2]

                let output = try await withTemporaryDirectory { work -> (Termination, String, String) in
                    let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Browser/journey_records.py").path
                    let child = try ChildProcess.spawn(
                        python,
                        [
                            script, "--base-url", "http://127.0.0.1:\(port)", "--name", name, "--password", password, "--totp-secret", secret,
                            "--citizen", "+\(held.waID ?? "")",
                        ], environment: ProcessInfo.processInfo.environment, workingDirectory: TestEnvironment.repositoryRoot.path,
                        outputDirectory: work, label: "journey")
                    let termination = try await child.waitForExit(timeout: .seconds(480))
                    return (termination, child.stdout, child.stderr)
                }
                let (termination, stdout, stderr) = output
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
}
