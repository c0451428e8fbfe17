import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import Logging
import Messaging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WebhookRelay
import Workers

/// The admin's integration and relay pages (issue 16 item 7): the same registry and relay store
/// as `recordkeeper integrations …` and `recordkeeper relays …`, with the signed-in admin as the
/// ledger's actor; on a real database, over loopback HTTP.
@Suite("Web admin integration and relay pages", .timeLimit(.minutes(5)))
struct WebAdminIntegrationPagesTests {
    typealias C = WebPageClient
    static let password = "a long enough passphrase"

    /// A Cloud API send as an integration makes it through the recording proxy.
    static func proxySend(_ app: any TestClientProtocol, token: String) async throws -> (HTTPResponse.Status, String) {
        let body = #"{"messaging_product":"whatsapp","to":"12065550101","type":"text","text":{"body":"Your permit is ready."}}"#
        return try await app.execute(
            uri: "/graph/v23.0/106540352242922/messages", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: body)
        ) { ($0.status, String(buffer: $0.body)) }
    }

    @Test("an admin adds an integration (token shown once, the proxy takes it), lists it, revokes it: the proxy refuses the token at once")
    func integrations() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            for (name, role) in [("ada.admin", StaffRole.admin), ("sam.super", .supervisor), ("alice", .agent)] {
                _ = try await directory.addUser(name: name, roles: [role], password: Self.password, actor: "test")
            }
            let admin = try await C.session(store, name: "ada.admin", password: Self.password)
            let empty = try await C.get(app, "/admin/integrations", session: admin)
            #expect(empty.status == .ok && empty.body.contains("No integration has been added yet.") && empty.body.contains("Add an integration"))
            C.expectPageHeaders(empty, "GET /admin/integrations")
            let csrf = try #require(C.csrf(in: empty.body))

            // A bad name is a field error and adds nothing; a forged form is refused.
            let bad = try await C.post(app, "/admin/integrations", session: admin, csrf: csrf, [("name", "Notification Bot")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("id=\"name-error\"") && bad.body.contains("aria-invalid=\"true\""))
            #expect(try await C.post(app, "/admin/integrations", session: admin, csrf: "forged", [("name", "notification-bot")]).status == .forbidden)
            let registry = IntegrationRegistry(store: store, ledger: "main", logger: testLogger)
            #expect(try await registry.list().isEmpty)

            // Added: the token is shown once, and the recording proxy lets it in.
            let added = try await C.post(app, "/admin/integrations", session: admin, csrf: csrf, [("name", "notification-bot")])
            #expect(added.status == .ok && added.body.contains("shown only this once"), "\(added.body)")
            let token = try #require(
                added.body.range(of: "<code>rki_").map { String(added.body[added.body.index($0.lowerBound, offsetBy: 6)...].prefix { $0 != "<" }) })
            let integration = try #require(try await registry.list().first)
            #expect(integration.name == "notification-bot" && integration.isActive)
            // (This test service has no Graph API token: past the token check, the proxy says so.)
            let (before, accepted) = try await Self.proxySend(app, token: token)
            #expect(before == .serviceUnavailable && accepted.contains("has no Graph API access token"), "\(before) \(accepted)")

            // Listed without its token; the same name again is refused while it is active.
            let listed = try await C.get(app, "/admin/integrations", session: admin)
            #expect(listed.body.contains("<th scope=\"row\">notification-bot</th>") && listed.body.contains(integration.tokenID))
            #expect(listed.body.contains("<td>active</td>") && !listed.body.contains(token))
            let twice = try await C.post(app, "/admin/integrations", session: admin, csrf: csrf, [("name", "notification-bot")])
            #expect(twice.status == .unprocessableContent && twice.body.contains("revoke it first"))

            // Revoked: the very next proxy request with the token is refused (Graph error 190).
            let revoked = try await C.post(app, "/admin/integrations/notification-bot/revocation", session: admin, csrf: csrf, [])
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/admin/integrations?revoked=notification-bot")
            let (after, answer) = try await Self.proxySend(app, token: token)
            #expect(after == .unauthorized && answer.contains("190"), "\(after) \(answer)")
            let page = try await C.get(app, "/admin/integrations?revoked=notification-bot", session: admin)
            #expect(page.body.contains("Revoked integration notification-bot") && page.body.contains("<td>revoked "))
            #expect(try await C.post(app, "/admin/integrations/notification-bot/revocation", session: admin, csrf: csrf, []).status == .notFound)
            #expect(try await C.post(app, "/admin/integrations/no-such-bot/revocation", session: admin, csrf: csrf, []).status == .notFound)

            // The ledger names the admin as the actor of both changes.
            let events = try await store.client.query(
                "SELECT event_type FROM ledger_entries WHERE actor = 'staff:ada.admin' AND stream = 'config/integrations' ORDER BY position",
                logger: testLogger
            ).collect().map { try $0.decode(String.self) }
            #expect(events == ["integration.added", "integration.revoked"])

            // A supervisor reads the list without forms and may not change it; an agent may not open it.
            let supervisor = try await C.session(store, name: "sam.super", password: Self.password)
            let read = try await C.get(app, "/admin/integrations", session: supervisor)
            #expect(read.status == .ok && read.body.contains("notification-bot") && !read.body.contains("Add an integration"))
            let refused = try await C.post(app, "/admin/integrations", session: supervisor, csrf: C.csrf(in: read.body), [("name", "other-bot")])
            #expect(refused.status == .forbidden && refused.body.contains("Not allowed"))
            let agent = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, "/admin/integrations", session: agent).status == .forbidden)
            #expect(try await C.get(app, "/admin/relays", session: agent).status == .forbidden)
            #expect(try await registry.list().count == 1)
        }
    }

    @Test("an admin adds, replaces and removes a relay; its secret is sealed and in no page or log; waiting deliveries and the last failure show")
    func relays() async throws {
        let logs = CapturedLogs()
        try await Self.withLoggedWebApp(logs) { app, store in
            let directory = TestStaff.directory(store)
            for (name, role) in [("ada.admin", StaffRole.admin), ("sam.super", .supervisor)] {
                _ = try await directory.addUser(name: name, roles: [role], password: Self.password, actor: "test")
            }
            let admin = try await C.session(store, name: "ada.admin", password: Self.password)
            let secret = "relay-secret-\(TestEnvironment.randomHex(16))"
            var pages: [String] = []
            let empty = try await C.get(app, "/admin/relays", session: admin)
            #expect(empty.status == .ok && empty.body.contains("No relay has been added yet.") && empty.body.contains("without a restart"))
            C.expectPageHeaders(empty, "GET /admin/relays")
            let csrf = try #require(C.csrf(in: empty.body))

            // Refused input: each error on its field, the secret field empty again, nothing saved.
            let bad = try await C.post(
                app, "/admin/relays", session: admin, csrf: csrf,
                [("name", "case-app"), ("url", "ftp://hooks.example.org/wa"), ("numbers", "106540352242922"), ("secret", secret)])
            pages.append(bad.body)
            #expect(bad.status == .unprocessableContent && bad.body.contains("id=\"url-error\""), "\(bad.body)")
            let noSecret = try await C.post(
                app, "/admin/relays", session: admin, csrf: csrf,
                [("name", "case-app"), ("url", "https://hooks.example.org/wa"), ("numbers", ""), ("secret", "  ")])
            pages.append(noSecret.body)
            #expect(noSecret.body.contains("id=\"numbers-error\"") && noSecret.body.contains("id=\"secret-error\""))
            #expect(try await WebhookRelayStore.list(client: store.client, logger: testLogger).isEmpty)

            // Added (to a closed loopback port, so that its deliveries fail), then listed.
            let url = "http://127.0.0.1:9/webhooks?token=downstream"
            let saved = try await C.post(
                app, "/admin/relays", session: admin, csrf: csrf,
                [("name", "case-app"), ("url", url), ("numbers", "106540352242922, 106540352242923"), ("secret", " \(secret) ")])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/admin/relays?saved=case-app")
            let targets = try await WebhookRelayStore.targets(client: store.client, master: ScratchDatabase.masterKey, logger: testLogger)
            #expect(targets.map(\.relay.name) == ["case-app"] && targets.first?.relay.phoneNumberIDs == ["106540352242922", "106540352242923"])
            let listed = try await C.get(app, "/admin/relays?saved=case-app", session: admin)
            pages.append(listed.body)
            #expect(listed.body.contains("Saved relay case-app.") && listed.body.contains("<th scope=\"row\">case-app</th>"), "\(listed.body)")
            #expect(listed.body.contains("106540352242922, 106540352242923") && listed.body.contains("http://127.0.0.1:9/webhooks?…"))
            #expect(!listed.body.contains("token=downstream"))

            // The same name again: refused unless "replace" is ticked; replaced, it serves one number.
            let again = try await C.post(
                app, "/admin/relays", session: admin, csrf: csrf, [("name", "case-app"), ("url", url), ("numbers", "106540352242922"), ("secret", secret)])
            pages.append(again.body)
            #expect(again.status == .unprocessableContent && again.body.contains("id=\"name-error\"") && again.body.contains("A relay named case-app exists"))
            let replaced = try await C.post(
                app, "/admin/relays", session: admin, csrf: csrf,
                [("name", "case-app"), ("url", url), ("numbers", "106540352242922"), ("secret", secret), ("replace", "on")])
            #expect(replaced.status == .seeOther)
            let relays = try await WebhookRelayStore.list(client: store.client, logger: testLogger)
            #expect(relays.first?.phoneNumberIDs == ["106540352242922"])

            // A delivery queued for it, tried once by the relay service (nobody listens): the page shows it waiting and why.
            let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
            _ = try await store.append(
                try RelayEvents.queued(
                    relay: "case-app", body: body, bodySHA256: String(repeating: "ab", count: 32), phoneNumberIDs: ["106540352242922"], app: "test",
                    contentType: "application/json", receivedAt: .now()), to: "main")
            let runner = ProjectionRunner(store: store, projections: [RelayQueueProjection()], logger: testLogger)
            _ = try await runner.catchUp(RelayQueueProjection(), ledger: "main")
            let service = WebhookRelayService(
                ledger: "main", store: store,
                directory: WebhookRelayDirectory(client: store.client, masterKey: ScratchDatabase.masterKey, logger: store.logger), logger: store.logger)
            let outcomes = try await service.runRound()
            #expect(outcomes.map(\.kind) == [.failed])
            _ = try await runner.catchUp(RelayQueueProjection(), ledger: "main")
            let health = try await C.get(app, "/admin/relays", session: admin)
            pages.append(health.body)
            #expect(health.body.contains("<td>1</td>") && health.body.contains("no answer"), "\(health.body)")

            // A supervisor reads it without forms; removing is the admin's, recorded with the admin as actor.
            let supervisor = try await C.session(store, name: "sam.super", password: Self.password)
            let read = try await C.get(app, "/admin/relays", session: supervisor)
            pages.append(read.body)
            #expect(read.status == .ok && read.body.contains("case-app") && !read.body.contains("Add or replace a relay"))
            #expect(try await C.post(app, "/admin/relays/case-app/removal", session: supervisor, csrf: C.csrf(in: read.body), []).status == .forbidden)
            let removed = try await C.post(app, "/admin/relays/case-app/removal", session: admin, csrf: csrf, [])
            #expect(removed.status == .seeOther && removed.headers[.location] == "/admin/relays?removed=case-app")
            #expect(try await WebhookRelayStore.list(client: store.client, logger: testLogger).isEmpty)
            #expect(try await C.post(app, "/admin/relays/case-app/removal", session: admin, csrf: csrf, []).status == .notFound)
            let events = try await store.client.query(
                "SELECT event_type FROM ledger_entries WHERE actor = 'staff:ada.admin' AND stream = 'config/relays' ORDER BY position", logger: testLogger
            ).collect().map { try $0.decode(String.self) }
            #expect(events == ["relay.configured", "relay.configured", "relay.removed"])

            // The secret: in no page, no ledger event's header, no log line (the log was kept at trace level).
            for page in pages { #expect(!page.contains(secret)) }
            let headers = try await store.client.query("SELECT header FROM ledger_entries", logger: testLogger).collect().map { try $0.decode(String.self) }
            #expect(!headers.contains { $0.contains(secret) })
            #expect(logs.count > 0, "nothing was logged: the log capture does not work")
            #expect(!logs.contains(secret), "the relay's secret was logged")
        }
    }

    /// ``WebPageClient/withWebApp(requireMFA:runProjections:logger:_:)`` with every log line of the
    /// application and its store kept in `logs`, at trace level.
    static func withLoggedWebApp<T: Sendable>(
        _ logs: CapturedLogs, _ body: @escaping @Sendable (any TestClientProtocol, LedgerStore) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "recordkeeper.tests.captured") { _ in CapturingLogHandler(logs: logs) }
        logger.logLevel = .trace
        return try await WebPageClient.withWebApp(logger: logger, body)
    }
}

/// Log lines kept in memory: each message with its metadata, as text.
final class CapturedLogs: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }

    var count: Int { lines.withLockedValue { $0.count } }

    /// Whether any line holds `text`.
    func contains(_ text: String) -> Bool { lines.withLockedValue { $0.contains { $0.contains(text) } } }
}

/// A log handler that writes into ``CapturedLogs``.
struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let error = event.error.map { " error=\(String(reflecting: $0))" } ?? ""
        logs.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.joined(separator: " "))\(error)")
    }
}
