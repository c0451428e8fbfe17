public import Access
public import Inbox
public import LedgerStore
public import Logging
import Messaging
public import OpenAPIRuntime
public import Requests

/// The `/v1` operations, ready to be mounted on an HTTP server (`Server` mounts them on its
/// Hummingbird router through swift-openapi-hummingbird).
public struct APIOperations: Sendable {
    private let handler: APIHandler

    /// - Parameters:
    ///   - store: the ledger store every operation reads and appends through.
    ///   - ledger: the ledger of the service (`RECORDKEEPER_LEDGER`).
    ///   - scope: keeps callers to their conversations (agents: their teams').
    ///   - staff: the staff directory; nil: sign-in answers 503 `not_configured`.
    ///   - requireMFA: refuse browser sign-in without a TOTP second factor.
    ///   - sessionLifetime: how long a browser session lasts.
    ///   - analyticsCalendar: the time zone the days of `/v1/analytics` are counted in.
    ///   - exports: where installments' bundles are written and downloaded from.
    public init(
        store: LedgerStore, ledger: String, scope: ConversationScopeCheck, staff: StaffDirectory?, requireMFA: Bool, sessionLifetime: Duration,
        analyticsCalendar: AnalyticsCalendar, exports: ExportSettings, logger: Logger
    ) {
        handler = APIHandler(
            store: store, serviceLedger: ledger, scope: scope, staff: staff, requireMFA: requireMFA, sessionLifetime: sessionLifetime,
            analyticsCalendar: analyticsCalendar, ids: ConversationIDCodec(masterKey: store.masterKey), exports: exports, logger: logger)
    }

    /// Registers every operation on `transport`, behind ``ResponseHeadersMiddleware``,
    /// ``SessionRequestMiddleware`` and ``RequestBodyMiddleware``.
    public func register(on transport: any ServerTransport) throws {
        try handler.registerHandlers(
            on: transport,
            configuration: Configuration(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [ResponseHeadersMiddleware(), SessionRequestMiddleware(staffConfigured: handler.staff != nil), RequestBodyMiddleware()])
    }
}
