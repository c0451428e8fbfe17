import API
public import Access
import Classification
import Foundation
public import Hummingbird
import Inbox
import KeyLookups
public import LedgerStore
public import Logging
import Messaging
import OpenAPIHummingbird
public import PostgresNIO
public import Requests
public import SchemaMigrator
public import ServiceLifecycle
import Web
import WebFoundation
public import WebhookRelay
public import WhatsApp

/// Where the HTTP server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the Recordkeeper HTTP application.
///
/// The database client and the ledger store run as services of the application's service
/// group, started before the HTTP server and shut down after it: on SIGTERM the server stops
/// accepting requests, then the store drains queued appends, then the database pool closes.
public enum RecordkeeperServer {
    /// The version string reported by `/healthz`.
    public static let version = "0.1.0"

    /// The application and its services (HTTP only: the process's composition root adds the
    /// workers as `background`, see `Background` in the Workers module).
    /// - Parameters:
    ///   - media: the Graph API (base URL and access token) the Graph proxy sends through; nil:
    ///     the proxy answers 503 `not_configured` for sends.
    ///   - relays: the webhook relay directory the webhook route queues deliveries with.
    ///   - projections: the projections the workers keep (readiness and `/metrics` report how far
    ///     each has come).
    ///   - staff: the staff directory (accounts, tokens, sessions); nil: only the bootstrap admin
    ///     token (`conversations.adminToken`) is accepted.
    ///   - appendStallLimit: `/healthz` answers 503 once an append has waited longer than this
    ///     for its commit, so that a supervisor restarts a process whose appends cannot complete.
    ///   - exports: where the installment routes write and read export bundles; nil: as the
    ///     environment says (``ExportSettings/fromEnvironment(_:)``).
    ///   - background: services to run beside HTTP (started after the database and the store,
    ///     stopped before them).
    ///   - credentials: the watch of the process's credential caches (a new one by default; tests
    ///     pass theirs to see when it listens).
    public static func makeApplication(
        configuration: ServerConfiguration,
        client: PostgresClient,
        store: LedgerStore,
        migrations: [Migration],
        projections: [any Projection],
        whatsApp: WhatsAppWebhookSettings? = nil,
        media graph: GraphAPIConfiguration? = nil,
        conversations: ConversationSettings = ConversationSettings(),
        relays: WebhookRelayDirectory? = nil,
        staff: StaffDirectory? = nil,
        staffSettings: StaffSettings = StaffSettings(),
        analytics: AnalyticsSettings = AnalyticsSettings(),
        appendStallLimit: Duration = .seconds(60),
        exports: ExportSettings? = nil,
        background: [any Service] = [],
        credentials: CredentialWatch = CredentialWatch(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // The API description (Sources/API/openapi.yaml); `serve` has loaded it before, so that a
        // missing or broken resource stops the service at startup with its message.
        let spec: OpenAPISpec
        do {
            spec = try OpenAPISpec.bundled()
        } catch {
            preconditionFailure(error.description)
        }
        let exports = exports ?? .fromEnvironment(ProcessInfo.processInfo.environment)
        // Verified staff and integration credentials are kept for a few seconds and dropped at
        // once on any change (docs/operations.md, "Cached credentials"); the listener below hears them.
        let staff = staff?.caching(CredentialCache(watch: credentials))
        // The recording Graph proxy: `/graph/…`, `POST /v1/media`, and the pages' reply files.
        let proxy = GraphProxy(
            store: store, ledger: conversations.ledger, graph: graph.map { GraphMessagesClient(configuration: $0, logger: logger) }, logger: logger)
        // The staff's pages (Sources/Web): a missing or broken template stops the service here, naming it.
        let web: WebApplication
        do {
            web = try WebApplication(
                store: store, staff: staff,
                settings: WebApplication.Settings(
                    ledger: conversations.ledger, requireMFA: staffSettings.requireMFA, sessionLifetime: staffSettings.sessionLifetime,
                    analyticsTimeZone: analytics.calendar.identifier, exports: exports),
                graph: proxy, logger: logger)
        } catch {
            preconditionFailure(error.description)
        }
        let router = Router(context: RecordkeeperRequestContext.self)
        router.middlewares.add(SecurityHeadersMiddleware(logger: logger, spec: spec))
        router.middlewares.add(web.notFoundMiddleware(context: RecordkeeperRequestContext.self))
        router.middlewares.add(LogRequestsMiddleware(.debug))
        let metrics = ServiceMetrics()
        router.middlewares.add(HTTPMetricsMiddleware(metrics: metrics))
        router.middlewares.add(TextInputValidationMiddleware())
        router.middlewares.add(
            AccessControlMiddleware(
                spec: spec, bootstrapToken: conversations.adminToken, authenticator: staff,
                auditor: AccessAuditor(store: store, ledger: conversations.ledger), logger: logger))
        router.middlewares.add(CurrentRequestMiddleware())
        router.middlewares.add(OpenAPIErrorMiddleware(spec: spec))
        router.addHealthRoutes(version: version, appendStall: { store.appendWait() }, appendStallLimit: appendStallLimit) {
            await readiness(
                client: client, migrations: migrations, logger: logger,
                projections: { try await ProjectionRunner(store: store, projections: projections, logger: logger).status() })
        }
        var services: [any Service] = [client, store]
        if store.appendClient !== client { services.insert(store.appendClient, at: 1) }
        if let lookups = store.keyLookups?.client { services.insert(lookups, at: 1) }
        services.append(CredentialChangeListener(watch: credentials, client: store.client, logger: logger))
        if let whatsApp {
            router.addWhatsAppWebhookRoutes(settings: whatsApp, store: store, logger: logger, relays: relays)
        }
        // Agents see their teams' conversations: the team comes from the inbox projection.
        let inbox = InboxQueries(store: store)
        let ledgerName = conversations.ledger
        let scope = ConversationScopeCheck(team: { try await inbox.team(ledger: ledgerName, conversation: $0) })
        router.addMediaRoutes(store: store, settings: conversations, scope: scope)
        router.addMediaUploadRoute(proxy: proxy, settings: conversations)
        let integrations = IntegrationRegistry(store: store, ledger: conversations.ledger, logger: logger).caching(CredentialCache(watch: credentials))
        router.addGraphProxyRoutes(proxy: proxy, registry: integrations)
        router.addMetricsRoute(store: store, settings: conversations, analytics: analytics, projections: projections, metrics: metrics, logger: logger)
        let api = APIOperations(
            store: store, ledger: conversations.ledger, scope: scope, staff: staff, requireMFA: staffSettings.requireMFA,
            sessionLifetime: staffSettings.sessionLifetime, analyticsCalendar: analytics.calendar,
            exports: exports, logger: logger)
        do {
            try api.register(on: router)
        } catch {
            preconditionFailure("the /v1 operations cannot be registered: \(error)")
        }
        router.addOpenAPIRoute(spec: spec)
        web.register(on: router)
        services += background
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "recordkeeper"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// Checks that the database answers and that its migrations match this build, and reads
    /// where the projections stand, within `timeout` (a readiness probe must get an answer, not
    /// hang while the pool retries).
    public static func readiness(
        client: PostgresClient, migrations: [Migration], logger: Logger, timeout: Duration = .seconds(2),
        projections: (@Sendable () async throws -> [ProjectionStatus])? = nil
    ) async -> ReadinessReport {
        do {
            // withDeadline, not a task group: a group would wait for a statement that never ends.
            let (pending, lags) = try await withDeadline(timeout) {
                let pending = try await Migrator.pendingMigrations(client: client, migrations: migrations, logger: logger)
                return (pending, pending.isEmpty ? try await projections?() ?? [] : [])
            }
            return ReadinessReport(ready: pending.isEmpty, database: "ok", pendingMigrations: pending, projections: lags)
        } catch {
            logger.warning("readiness check failed", metadata: ["error": "\(describeError(error))"])
            return ReadinessReport(ready: false, database: "unreachable", pendingMigrations: [])
        }
    }
}
