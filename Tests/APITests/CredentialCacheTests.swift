import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import PostgresNIO
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// The short-lived cache of verified staff credentials (docs/operations.md, "Cached
/// credentials") in the real application against the real PostgreSQL: repeated requests cost no
/// lookup, and a change made by another connection (as the CLI makes it) refuses the very next
/// request once its notification is heard; expiry is kept to the moment; a lost LISTEN
/// connection empties the cache until it listens again.
@Suite("Credential cache", .timeLimit(.minutes(5)))
struct CredentialCacheTests {
    static let user = "casey.diaz"
    static let password = "a passphrase long enough"

    /// What another connection changes, and the answer the next request then gets.
    enum Change: String, CaseIterable, Sendable {
        case tokenRevoked, sessionEnded, userDisabled, roleRemoved
    }

    /// The statements that look a staff token or session up.
    static func lookups(_ statements: [String]) -> Int {
        statements.filter { $0.contains("FROM staff_tokens t JOIN staff_users") || $0.contains("FROM staff_sessions s JOIN staff_users") }.count
    }

    @Test("repeated requests with a cached token or session make no lookup")
    func cachedRequestsMakeNoLookup() async throws {
        try await withMigratedDatabase { db in
            let (token, session) = try await Self.credentials(db)
            try await Self.withApp(db) { app, proxy, _, _ in
                for headers in [Self.bearer(token.token), Self.cookie(session)] {
                    let (first, firstStatements) = try await proxy.statementsSent { try await Self.status(app, headers) }
                    #expect(first == .ok)
                    #expect(Self.lookups(firstStatements) == 1, "the first request looks the credential up")
                    let (statuses, statements) = try await proxy.statementsSent {
                        var statuses: [HTTPResponse.Status] = []
                        for _ in 0..<20 { statuses.append(try await Self.status(app, headers)) }
                        return statuses
                    }
                    #expect(statuses.allSatisfy { $0 == .ok })
                    #expect(Self.lookups(statements) == 0, "20 requests with a cached credential: \(Self.lookups(statements)) lookups")
                }
            }
        }
    }

    @Test("a change made by another connection refuses the very next request once it is heard", arguments: Change.allCases)
    func changedElsewhere(_ change: Change) async throws {
        try await withMigratedDatabase { db in
            let (token, session) = try await Self.credentials(db)
            let headers = change == .sessionEnded ? Self.cookie(session) : Self.bearer(token.token)
            try await Self.withApp(db) { app, proxy, watch, _ in
                #expect(try await Self.status(app, headers) == .ok)
                let (cached, statements) = try await proxy.statementsSent { try await Self.status(app, headers) }
                #expect(cached == .ok && Self.lookups(statements) == 0, "the credential is cached before the change")

                let heard = watch.generation
                // The change, through its own client: what `recordkeeper tokens revoke` (or `users …`, or an operator's SQL) does.
                // When it returned, and whether the watch had heard it by then.
                let committed: (at: ContinuousClock.Instant, heard: Bool)
                if change == .userDisabled {
                    committed = try await db.asSuperuser { client in
                        try await client.query("UPDATE staff_users SET disabled_at = now() WHERE name = \(Self.user)", logger: testLogger)
                        return (ContinuousClock.now, watch.generation > heard)
                    }
                } else {
                    committed = try await db.withStore { _, store in
                        let directory = TestStaff.directory(store)
                        switch change {
                        case .tokenRevoked: _ = try await directory.revokeToken(id: token.info.id, actor: "cli:test")
                        case .sessionEnded: try await directory.endSession(session, user: Self.user)
                        case .roleRemoved, .userDisabled: try await directory.setRole(.supervisor, granted: false, user: Self.user, actor: "cli:test")
                        }
                        return (ContinuousClock.now, watch.generation > heard)
                    }
                }
                guard try await eventually("the change is notified", timeout: .seconds(10), interval: .milliseconds(1), { watch.generation > heard })
                else { return }
                print(
                    "credential cache: \(change) heard \(committed.heard ? "before the change's call returned" : "\(ContinuousClock.now - committed.at) after it returned")"
                )
                let (status, after) = try await proxy.statementsSent { try await Self.status(app, headers) }
                #expect(status == (change == .roleRemoved ? .forbidden : .unauthorized), "\(change): \(status)")
                #expect(Self.lookups(after) == 1, "the credential is looked up again")
            }
        }
    }

    @Test("a change made in the process, by any directory on the service's client, refuses the very next request without waiting")
    func changedHere() async throws {
        try await withMigratedDatabase { db in
            let (token, _) = try await Self.credentials(db)
            try await Self.withApp(db) { app, proxy, _, store in
                #expect(try await Self.status(app, Self.bearer(token.token)) == .ok)
                let (cached, statements) = try await proxy.statementsSent { try await Self.status(app, Self.bearer(token.token)) }
                #expect(cached == .ok && Self.lookups(statements) == 0)
                // As a page or the API does it, through a directory of its own over the service's store.
                _ = try await TestStaff.directory(store).revokeToken(id: token.info.id, actor: "test")
                #expect(try await Self.status(app, Self.bearer(token.token)) == .unauthorized)
            }
        }
    }

    @Test("a cached token is refused from the moment it expires, well within the cache's lifetime")
    func expiryKept() async throws {
        try await withMigratedDatabase { db in
            let token = try await db.withStore { _, store in
                let directory = TestStaff.directory(store)
                _ = try await directory.addUser(name: Self.user, roles: [.supervisor], actor: "test")
                return try await directory.issueToken(user: Self.user, expiresIn: .seconds(2), actor: "test")
            }
            let expires = try #require(token.info.expiresAtUs)
            try await Self.withApp(db) { app, proxy, _, _ in
                let (statuses, statements) = try await proxy.statementsSent {
                    [try await Self.status(app, Self.bearer(token.token)), try await Self.status(app, Self.bearer(token.token))]
                }
                #expect(statuses == [.ok, .ok] && Self.lookups(statements) == 1)
                // Until the expiry the cached answer serves; from it on, the token is refused.
                let remaining = Double(expires) / 1e6 - Date().timeIntervalSince1970
                try await Task.sleep(for: .milliseconds(max(0, Int(remaining * 1000)) + 50))
                #expect(try await Self.status(app, Self.bearer(token.token)) == .unauthorized)
            }
        }
    }

    @Test("a lost LISTEN connection: nothing is served from the cache until the watch listens again")
    func lostConnection() async throws {
        try await withMigratedDatabase { db in
            let (token, _) = try await Self.credentials(db)
            try await Self.withApp(db) { app, proxy, watch, _ in
                #expect(try await Self.status(app, Self.bearer(token.token)) == .ok)
                let heard = watch.generation
                // The listening backend goes away (a failover, a restart, a network cut).
                try await db.asSuperuser { client in
                    let rows = try await client.query(
                        "SELECT count(pg_terminate_backend(pid))::int8 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%rk_credentials_changed%'",
                        logger: testLogger)
                    for try await killed in rows.decode(Int64.self) { #expect(killed == 1) }
                }
                guard try await eventually("the watch notices", timeout: .seconds(10), interval: .milliseconds(5), { watch.generation > heard })
                else { return }
                // Whatever was cached before is not served again: the next request looks the token up.
                let (status, statements) = try await proxy.statementsSent { try await Self.status(app, Self.bearer(token.token)) }
                #expect(status == .ok && Self.lookups(statements) == 1)
                #expect(try await eventually("it listens again", timeout: .seconds(30)) { watch.isListening })
            }
        }
    }

    // MARK: Helpers

    /// A supervisor (and auditor) with a token and a browser session, made through the directory.
    static func credentials(_ db: ScratchDatabase) async throws -> (token: IssuedToken, session: String) {
        try await db.withStore { _, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: user, roles: [.supervisor, .auditor], password: password, actor: "test")
            let token = try await directory.issueToken(user: user, actor: "test")
            let session = try await directory.signIn(name: user, password: password, totp: nil, requireMFA: false).id
            return (token, session)
        }
    }

    /// The real application, its database client relayed through a statement-counting proxy,
    /// once its credential watch listens.
    static func withApp(
        _ db: ScratchDatabase,
        _ test: @escaping @Sendable (any TestClientProtocol, StatementCountingProxy, CredentialWatch, LedgerStore) async throws -> Void
    ) async throws {
        try await StatementCountingProxy.with(to: db.service) { proxy in
            let client = PostgresClient(configuration: try proxy.url(for: db.service).clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            let background = testBackground(client: client, store: store, workers: nil)
            let watch = CredentialWatch()
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, relays: background.relays,
                staff: TestStaff.directory(store), background: background.services, credentials: watch, logger: testLogger)
            try await app.test(.router) { client in
                guard try await eventually("the credential watch listens", timeout: .seconds(30), { watch.isListening }) else { return }
                try await test(client, proxy, watch, store)
            }
        }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func cookie(_ session: String) -> HTTPFields { [.cookie: "\(AccessControlMiddleware.sessionCookie)=\(session)"] }

    /// The status of `GET /v1/conversations` (a supervisor's route).
    static func status(_ app: any TestClientProtocol, _ headers: HTTPFields) async throws -> HTTPResponse.Status {
        try await app.execute(uri: "/v1/conversations", method: .get, headers: headers) { $0.status }
    }
}
