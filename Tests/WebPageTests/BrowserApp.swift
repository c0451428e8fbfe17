import Access
import Foundation
import Hummingbird
import HummingbirdTesting
import Inbox
import LedgerStore
import PostgresNIO
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// The application as the browser suites run it (``BrowserTests`` and the journeys): the real
/// server on loopback over a migrated test database, webhooks signed as the test deliveries
/// sign them, a staff directory whose passwords hash fast, and what a suite chooses in
/// ``Options``.
struct BrowserApp: Sendable {
    /// What differs between the suites' applications.
    struct Options: Sendable {
        /// The workers running beside the server (projections, classifier, send dispatcher with
        /// its Graph API); nil runs none.
        var workers: WorkerSet.Settings?
        /// Where installments are written and downloaded from; nil: no exports.
        var exports: ExportSettings?
        /// Whether signing in needs a TOTP code (the service's default).
        var requireMFA = true
        /// Whether a checkpoint signing key is made first (producing an installment needs one).
        var signingKey = false
    }

    /// The client of the running application (webhook deliveries go through it).
    let http: any TestClientProtocol
    /// The loopback port the browser opens.
    let port: Int
    let store: LedgerStore
    /// The application's staff directory (``enroll(_:name:teams:passwordPrefix:)`` adds to it).
    let staff: StaffDirectory

    /// The application's address, as the scripts' `--base-url`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` with the application started as `options` say, then stops it and drops the
    /// database.
    static func with<T: Sendable>(_ options: Options, _ body: @escaping @Sendable (BrowserApp) async throws -> T) async throws -> T {
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            if options.signingKey {
                try await db.withStore { client, _ in
                    _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                }
            }
            let staff = StaffDirectory(store: store, ledger: "main", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
            let background = testBackground(client: client, store: store, workers: options.workers)
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: staff,
                staffSettings: StaffSettings(requireMFA: options.requireMFA), exports: options.exports, background: background.services,
                logger: testLogger)
            return try await app.test(.live) { http in
                try await body(BrowserApp(http: http, port: try #require(http.port), store: store, staff: staff))
            }
        }
    }

    /// Adds `name` with `role` and `teams`, a random password starting with `passwordPrefix`
    /// and an enrolled TOTP; returns the account as the browser signs in with it (labelled with
    /// the role).
    func enroll(
        _ role: StaffRole, name: String, teams: Set<String> = [RoutingRuleSet.defaultTeamName], passwordPrefix: String
    ) async throws -> BrowserTests.Account {
        let password = "\(passwordPrefix)-\(TestEnvironment.randomHex(12))"
        let (_, enrollment) = try await staff.addUser(name: name, roles: [role], teams: teams, password: password, enrollTOTP: true, actor: "test")
        return BrowserTests.Account(label: role.rawValue, name: name, password: password, totpSecret: try #require(enrollment?.secret))
    }
}

/// A Python script of Tests/Browser run against an application on loopback.
enum BrowserScript {
    /// How a script run ended, and what it printed.
    struct Run: Sendable {
        var termination: Termination
        var stdout: String
        var stderr: String
    }

    /// Runs `Tests/Browser/<script>` with the browser venv's `python`: `--base-url
    /// http://127.0.0.1:<port>`, then `--accounts FILE` when `accounts` are given (written to a
    /// temporary file), then `arguments(work)` (`work`: a temporary directory, dropped after).
    /// Its output is collected as `label`; it is stopped after `timeout`.
    static func run(
        python: String, script: String, port: Int, accounts: [BrowserTests.Account]? = nil, label: String, timeout: Duration,
        arguments: (URL) -> [String] = { _ in [] }
    ) async throws -> Run {
        try await withTemporaryDirectory { work in
            let root = TestEnvironment.repositoryRoot
            var all = [root.appendingPathComponent("Tests/Browser/\(script)").path, "--base-url", "http://127.0.0.1:\(port)"]
            if let accounts {
                let file = work.appendingPathComponent("accounts.json")
                try JSONEncoder().encode(accounts).write(to: file)
                all += ["--accounts", file.path]
            }
            all += arguments(work)
            let child = try ChildProcess.spawn(
                python, all, environment: ProcessInfo.processInfo.environment, workingDirectory: root.path, outputDirectory: work, label: label)
            let termination = try await child.waitForExit(timeout: timeout)
            return Run(termination: termination, stdout: child.stdout, stderr: child.stderr)
        }
    }

    /// Where a journey keeps its screenshots: `.build/browser-artifacts/<name>` in the checkout.
    static func artifacts(_ name: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent(".build/browser-artifacts/\(name)").path
    }
}
