import Access
import Deadlines
import Events
import Exports
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import PostgresNIO
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// Producing and downloading an installment from the request page (issue 16, item 5): the form
/// calls the same domain code as `POST /v1/requests/{id}/installments`, the download is recorded
/// as `access.viewed` before its bytes are sent, and the bytes verify offline.
@Suite("Web request installments", .timeLimit(.minutes(5)))
struct WebRequestInstallmentPagesTests {
    typealias C = WebPageClient
    typealias F = WhatsAppFixtures
    static let password = "a long enough passphrase"

    /// The web application (its projections run when `runProjections`) with a signing key and the installments' export directory `exports`.
    static func withWebApp(
        exports: URL, runProjections: Bool = false, _ body: @escaping @Sendable (any TestClientProtocol, LedgerStore) async throws -> Void
    ) async throws {
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            try await db.withStore { client, _ in
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
            }
            let background = testBackground(
                client: client, store: store, workers: runProjections ? WorkerSet.Settings(ledger: "main", runClassifier: false) : nil)
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, conversations: ConversationSettings(ledger: "main"),
                relays: background.relays, staff: TestStaff.directory(store), staffSettings: StaffSettings(requireMFA: false),
                exports: ExportSettings(directory: exports, agency: "City of Example", contact: "records@example.gov"),
                background: background.services, logger: testLogger)
            try await app.test(.live) { client in try await body(client, store) }
        }
    }

    static func head(_ store: LedgerStore) async throws -> Int64 {
        guard let ref = try await store.existingLedger(named: "main") else { return 0 }
        return try await store.head(of: ref).position
    }

    static func files(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test("an officer produces an installment from a search on the request page and downloads a bundle that verifies; refusals write nothing")
    func produceAndDownload() async throws {
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("rk-web-exports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: exports) }
        try await Self.withWebApp(exports: exports) { app, store in
            let receipts = try await store.append(
                [
                    F.message("wamid.web-inst-1", from: FixtureCitizen(waID: "16505551234"), at: 100, body: ["body": "Hello, about my permit."]),
                    F.message("wamid.web-inst-2", from: FixtureCitizen(waID: "16505550000"), at: 200, body: ["body": "A question about fees."]),
                ], to: "main")
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "quinn", roles: [.requestOfficer], password: Self.password, actor: "test")
            _ = try await directory.addUser(name: "avery", roles: [.auditor], password: Self.password, actor: "test")
            let clock = try ResponseClock.fromEnvironment(ProcessInfo.processInfo.environment)
            let request = try await RecordsRequests(store: store, ledger: "main", clock: clock).open(
                NewRecordsRequest(channel: .email, text: "All messages about permits and fees."), actor: "staff:quinn", role: .requestOfficer)
            let quinn = try await C.session(store, name: "quinn", password: Self.password)
            let path = "/requests/\(request.id)"
            let csrf = try #require(C.csrf(in: try await C.get(app, path, session: quinn).body))
            // Search 1 finds the first message, which gets a redaction not reviewed yet; search 2 the second.
            #expect(try await C.post(app, "\(path)/searches", session: quinn, csrf: csrf, [("search-citizen", "16505551234")]).status == .seeOther)
            #expect(try await C.post(app, "\(path)/searches", session: quinn, csrf: csrf, [("search-citizen", "16505550000")]).status == .seeOther)
            let code = try #require(ExemptionList.washington.exemptions.first?.code)
            _ = try await RequestRedactions(store: store, ledger: "main").apply(
                NewRedaction(
                    messagePosition: receipts[0].position, target: .span(start: 0, length: 5), exemption: code,
                    explanation: "the opening words of the resident's private message"),
                to: request.id, actor: "staff:quinn", role: .requestOfficer)

            let page = try await C.get(app, path, session: quinn)
            #expect(page.body.contains("action=\"\(path)/installments\""), "\(page.body)")
            #expect(page.body.contains("<option value=\"2\">Search 2: 1 messages</option>"), "\(page.body)")
            let auditorPage = try await C.get(app, path, session: try await C.session(store, name: "avery", password: Self.password))
            #expect(!auditorPage.body.contains("Produce the installment"), "an auditor sees no installment form")

            // Forged, empty and refused forms write nothing: no entry, no file.
            let before = try await Self.head(store)
            let forged = try await C.post(app, "\(path)/installments", session: quinn, csrf: nil, [("installment-search", "2")])
            #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"), "\(forged.status)")
            let none = try await C.post(app, "\(path)/installments", session: quinn, csrf: csrf, [("installment-search", "")])
            #expect(none.status == .unprocessableContent && none.body.contains("id=\"installment-search-error\""), "\(none.body)")
            #expect(none.body.contains("aria-describedby=\"installment-search-hint installment-search-error\""))
            let unknown = try await C.post(app, "\(path)/installments", session: quinn, csrf: csrf, [("installment-search", "9")])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("id=\"installment-search-error\""), "\(unknown.body)")
            let unreviewed = try await C.post(app, "\(path)/installments", session: quinn, csrf: csrf, [("installment-search", "1")])
            #expect(unreviewed.status == .unprocessableContent, "\(unreviewed.body)")
            #expect(unreviewed.body.contains("position(s) \(receipts[0].position) have redactions not approved yet"), "\(unreviewed.body)")
            #expect(unreviewed.body.contains("<a href=\"\(path)/review\">Review the redactions</a>"))
            let noRequest = try await C.post(app, "/requests/PRR-2020-9999/installments", session: quinn, csrf: csrf, [("installment-search", "2")])
            #expect(noRequest.status == .notFound)
            #expect(try await Self.head(store) == before, "a refused form wrote an entry")
            #expect(Self.files(exports).isEmpty, "a refused form left a file")

            // Produced from search 2: 303 to the request page, which says so and links the download.
            let produced = try await C.post(
                app, "\(path)/installments", session: quinn, csrf: csrf, [("installment-search", "2"), ("installment-summary", "The fee messages.")])
            #expect(produced.status == .seeOther && produced.headers[.location] == "\(path)?produced=1", "\(produced.body)")
            let installments = try await RequestInstallments(store: store, ledger: "main", logName: "").list(request.id, role: .auditor)
            let installment = try #require(installments.first)
            #expect(installments.count == 1 && installment.messages == 1 && installment.producedBy == "staff:quinn")
            #expect(Self.files(exports) == [installment.file])
            let after = try await C.get(app, "\(path)?produced=1", session: quinn)
            #expect(after.body.contains("Installment 1 was produced and logged"))
            #expect(after.body.contains("<a href=\"\(path)/installments/1/bundle\" download>Download installment 1</a>"), "\(after.body)")

            // The download: recorded first, then the bundle's bytes, which verify offline.
            let beforeDownload = try await Self.head(store)
            let headers: HTTPFields = [.cookie: "rk_session=\(quinn)"]
            let (status, fields, bytes) = try await app.execute(uri: "\(path)/installments/1/bundle", method: .get, headers: headers) {
                ($0.status, $0.headers, Array($0.body.readableBytesView))
            }
            #expect(status == .ok && fields[.contentType] == "application/zstd", "\(status)")
            #expect(fields[.contentDisposition] == "attachment; filename=\"\(installment.file)\"")
            #expect(fields[.contentSecurityPolicy] != nil && fields[.cacheControl] == "no-store", "the page headers apply")
            #expect(Int64(bytes.count) == installment.bundleBytes)
            #expect(try await Self.head(store) == beforeDownload + 1, "the download was recorded as one access")
            let entry = try #require(try await store.record(ledger: "main", position: beforeDownload + 1))
            #expect(entry.entry.fields.eventType == EventType.Access.viewed, "\(entry.entry.fields.eventType)")
            #expect(entry.entry.fields.header.contains("installment:\(request.id)-1"), "\(entry.entry.fields.header)")
            #expect(entry.entry.fields.header.contains("GET /requests/{id}/installments/{number}/bundle"), "\(entry.entry.fields.header)")
            let downloaded = FileManager.default.temporaryDirectory.appendingPathComponent("rk-web-downloaded-\(UUID().uuidString)-\(installment.file)")
            defer { try? FileManager.default.removeItem(at: downloaded) }
            try Data(bytes).write(to: downloaded)
            let report = ExportVerifier.verify(bundle: downloaded)
            #expect(report.ok, "\(report.problems)")

            // An unknown installment is the 404 page, and nothing is recorded.
            let beforeMissing = try await Self.head(store)
            for missing in ["\(path)/installments/5/bundle", "\(path)/installments/one/bundle", "/requests/PRR-2020-9999/installments/1/bundle"] {
                let answer = try await C.get(app, missing, session: quinn)
                #expect(answer.status == .notFound && answer.body.contains("<h1>Page not found</h1>"), "\(missing): \(answer.status)")
            }
            #expect(try await Self.head(store) == beforeMissing)
        }
    }
}
