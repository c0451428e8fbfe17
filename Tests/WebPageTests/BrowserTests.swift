import Access
import Deadlines
import Foundation
import Hummingbird
import HummingbirdTesting
import Inbox
import LedgerStore
import NIOCore
import PostgresNIO
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WebFoundation
import Workers

/// The web application in Debian's Chromium (Tests/Browser/run_browser_tests.py): the real
/// application on loopback over a migrated test database with a few conversations, one member
/// of staff per role signing in with password and TOTP, every page checked with axe-core (WCAG
/// 2.1 A/AA), for console errors, at 360 px and 200% zoom, with the keyboard, and the sign-out
/// journey. Screenshots go to `.build/browser-artifacts/`. Required in CI, skipped locally
/// without `RECORDKEEPER_BROWSER_PYTHON` (scripts/browser-venv.sh).
@Suite("web pages in a real browser", .timeLimit(.minutes(15)))
struct BrowserTests {
    /// The runner's `--json` summary.
    struct Summary: Decodable {
        struct Check: Decodable {
            var status: String
            var account: String
            var page: String
            var check: String
            var detail: String
        }

        var ok: Bool
        var passed: Int
        var failed: Int
        var skipped: Int
        var artifacts: String
        var checks: [Check]
    }

    /// An account the runner signs in as.
    struct Account: Encodable {
        var label: String
        var name: String
        var password: String
        var totpSecret: String

        enum CodingKeys: String, CodingKey {
            case label, name, password
            case totpSecret = "totp_secret"
        }
    }

    /// Citizens writing to the city (the kind of messages `recordkeeper demo` records).
    static let messages: [(citizen: String, text: String)] = [
        ("12065550101", "Hi, my street light on Pine St has been out for a week."),
        ("12065550102", "Tôi cần gia hạn giấy phép đỗ xe. Làm thế nào?"),
        ("12065550103", "When is the next council meeting about the park levy?"),
        ("12065550101", "It is still out tonight."),
    ]

    @Test("every page for every role: axe WCAG 2.1 AA, no console error, 360 px and 200% zoom, keyboard, sign-in and sign-out journeys")
    func everyPage() async throws {
        let python = try Self.requirePython()
        // Every page of the web's page table; a page with a path parameter is reached through
        // links. An installment's bundle and a conversation's file are downloads, not pages (their tests fetch them).
        let pages = WebPages.table.keys.filter { $0.hasPrefix("GET ") && !$0.hasSuffix("/bundle") && !$0.hasSuffix("/media/{media}") }
            .map { String($0.dropFirst(4)) }.sorted()
        let summary = try await Self.withBrowserApp { port, accounts in
            try await Self.run(
                python: python, port: port, accounts: accounts, pages: pages.filter { !$0.contains("{") && $0 != "/signin" },
                routes: pages.filter { $0 != "/signin" })
        }
        for check in summary.checks where check.status == "fail" {
            Issue.record("\(check.page) (\(check.account)) \(check.check): \(check.detail)")
        }
        let skips = summary.checks.filter { $0.status == "skip" }
        for skip in skips { print("BrowserTests: skipped \(skip.page) (\(skip.account)): \(skip.detail)") }
        print("BrowserTests: \(summary.passed) checks passed, \(summary.failed) failed, \(summary.skipped) skipped; screenshots in \(summary.artifacts)")
        #expect(summary.ok == (summary.failed == 0))
        let signIn = summary.checks.filter { $0.page == "/signin" && $0.account == "anonymous" }
        if signIn.allSatisfy({ $0.status == "skip" }) {
            try Test.cancel("GET /signin answers 404: the web application is not built yet, no page was checked")
        }
        // Every check ran on the sign-in page, and every role signed in with the keyboard.
        for name in ["load", "axe", "console", "screenshot", "reflow-360", "zoom-200", "keyboard"] {
            #expect(signIn.contains { $0.check == name && $0.status == "pass" }, "the sign-in page's \(name) check did not pass")
        }
        for page in pages {
            let pattern = try Regex("^" + page.replacing(/\{[^}]+\}/, with: "[^/]+") + "(\\?.*)?$")
            #expect(
                summary.checks.contains { $0.check == "load" && $0.status == "pass" && $0.page.wholeMatch(of: pattern) != nil },
                "GET \(page) is a page (WebPages.table) that no account's browser run loaded: link it from a page a role can open")
        }
        for role in StaffRole.allCases {
            #expect(
                summary.checks.contains { $0.account == role.rawValue && $0.check == "keyboard-sign-in" && $0.status == "pass" },
                "\(role.rawValue) did not sign in with the keyboard")
            #expect(
                summary.checks.contains { $0.account == role.rawValue && $0.check == "back-after-sign-out" && $0.status == "pass" },
                "\(role.rawValue): Back after sign-out was not checked")
        }
    }

    /// Runs the runner against `127.0.0.1:port` and decodes its summary. `pages`: its `--page`
    /// list (empty: its default); `routes`: its `--route` list (one address of each is checked
    /// per account); `artifacts`: nil keeps the screenshots in
    /// `.build/browser-artifacts`, a name puts them in a temporary directory dropped afterwards.
    static func run(
        python: String, port: Int, accounts: [Account], pages: [String] = [], routes: [String] = [], artifacts: String? = nil
    ) async throws -> Summary {
        let run = try await BrowserScript.run(
            python: python, script: "run_browser_tests.py", port: port, accounts: accounts, label: "browser", timeout: .seconds(840)
        ) { work in
            var arguments = ["--json"]
            for page in pages { arguments += ["--page", page] }
            for route in routes { arguments += ["--route", route] }
            if let artifacts { arguments += ["--artifacts", work.appendingPathComponent(artifacts).path] }
            return arguments
        }
        guard let summary = try? JSONDecoder().decode(Summary.self, from: Data(run.stdout.utf8)) else {
            throw TestSetupError("the browser runner ended with \(run.termination) and no JSON summary:\n\(run.stdout)\n\(run.stderr)")
        }
        #expect(run.termination.exitCode == (summary.ok ? 0 : 1), "the runner's exit status disagrees with its summary: \(run.termination)")
        return summary
    }

    /// The application on loopback with a few conversations and one member of staff per role
    /// (password and enrolled TOTP; the runner computes the codes from the secrets).
    static func withBrowserApp<T: Sendable>(_ body: @escaping @Sendable (Int, [Account]) async throws -> T) async throws -> T {
        try await BrowserApp.with(.init(workers: WorkerSet.Settings(ledger: "main", graph: nil, runClassifier: false))) { app in
            let store = app.store
            let now = Int64(Date().timeIntervalSince1970)
            for (index, message) in messages.enumerated() {
                let delivery = WebhookDeliveries.textDelivery(
                    wamid: "wamid.BROWSER\(index)", waID: message.citizen, text: message.text, timestamp: now - 600 + Int64(index) * 60)
                try await app.http.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            }
            var accounts: [Account] = []
            for role in StaffRole.allCases {
                accounts.append(try await app.enroll(role, name: "web.\(role.rawValue.replacingOccurrences(of: "_", with: "-"))", passwordPrefix: "browser"))
            }
            try await eventually("the inbox projection did not take in the conversations") {
                try await Self.conversations(store) == 3
            }
            // What the pages with a parameter need to be reached by a link: a hold, a list
            // destroyed (its certificate), and a request with a search (its review page).
            try await WebRecordsSeed.crawl(store)
            let request = try await RecordsRequests(
                store: store, ledger: "main", clock: try ResponseClock.fromEnvironment(ProcessInfo.processInfo.environment)
            ).open(NewRecordsRequest(channel: .email, text: "Messages about street lights."), actor: "test", role: .requestOfficer)
            _ = try await RequestSearches(store: store, ledger: "main").run(
                request.id, filters: try RequestSearchFilters.parse([("citizen", messages[0].citizen)]), actor: "test", role: .requestOfficer)
            return try await body(app.port, accounts)
        }
    }

    /// How many conversations the inbox projection holds.
    static func conversations(_ store: LedgerStore) async throws -> Int {
        let rows = try await store.client.query("SELECT count(*)::int8 FROM inbox_conversations", logger: testLogger)
        var count: Int64 = 0
        for try await value in rows.decode(Int64.self) { count = value }
        return Int(count)
    }

    static func browserPython() -> String? {
        ProcessInfo.processInfo.environment["RECORDKEEPER_BROWSER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The browser venv's python (``browserPython()``). Without it the test is cancelled with
    /// what to do, and in CI (`CI=true`, where scripts/test.sh sets it) that is also a failure.
    static func requirePython() throws -> String {
        if let python = browserPython() { return python }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("RECORDKEEPER_BROWSER_PYTHON is not set: scripts/test.sh installs selenium and axe-core (scripts/browser-venv.sh)")
        }
        try Test.cancel("RECORDKEEPER_BROWSER_PYTHON is not set: run scripts/browser-venv.sh and set it to the python it prints")
    }
}
