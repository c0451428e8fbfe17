public import Access
public import Foundation
public import Hummingbird
public import LedgerStore
public import Logging
public import Messaging
public import Requests

/// The web application: the staff's pages, mounted by `Server` on its router
/// (`register(on:)`, in the `Web` module) beside the `/v1` API. Pages call the same domain
/// modules as the API's handlers; no business rule lives in a template or a route.
///
/// This module (`WebFoundation`) holds the value, the page framework (gate, renderer, forms,
/// the page table) and the templates and static files; the area modules (`WebTeamPages`,
/// `WebRecordsPages`, `WebAdminPages`) extend it with their pages, and `Web` lists their routes.
/// Adding a page: see `Sources/Web/README.md`.
public struct WebApplication: Sendable {
    /// What the pages need to know of the service.
    public struct Settings: Sendable {
        /// The service's ledger (`RECORDKEEPER_LEDGER`).
        public var ledger: String
        /// Refuse sign-in to accounts without a TOTP second factor (`RECORDKEEPER_REQUIRE_MFA`).
        public var requireMFA: Bool
        /// How long a session lasts (`RECORDKEEPER_SESSION_HOURS`).
        public var sessionLifetime: Duration
        /// Rows a listing page (the inbox) shows at once.
        public var pageSize: Int
        /// The IANA time zone the analytics page counts days in (`RECORDKEEPER_ANALYTICS_TIMEZONE`).
        public var analyticsTimeZone: String
        /// Where installments' bundles are written and downloaded from, as the `/v1` routes use.
        public var exports: ExportSettings

        public init(
            ledger: String = "main", requireMFA: Bool = true, sessionLifetime: Duration = .seconds(12 * 3600), pageSize: Int = 50,
            analyticsTimeZone: String = "UTC", exports: ExportSettings = .fromEnvironment(ProcessInfo.processInfo.environment)
        ) {
            self.analyticsTimeZone = analyticsTimeZone
            self.exports = exports
            self.ledger = ledger
            self.requireMFA = requireMFA
            self.sessionLifetime = sessionLifetime
            self.pageSize = pageSize
        }
    }

    package let store: LedgerStore
    /// The staff directory; nil: nobody can sign in (the pages say so).
    package let staff: StaffDirectory?
    package let settings: Settings
    package let resources: WebResources
    package let gate: PageGate
    /// The API ids of conversations, as `/v1` shows them.
    package let ids: ConversationIDCodec
    /// Records who saw what (`access.viewed`, `access.denied`), as the API's access control does.
    package let auditor: AccessAuditor
    /// The recording Graph proxy that uploads a reply's file as `POST /v1/media` does; nil:
    /// replies carry no files (the form says why).
    package let graph: GraphProxy?
    package let logger: Logger

    package var renderer: PageRenderer { gate.renderer }

    /// Reads the templates and static files (once: call it at startup).
    /// - Parameter graph: the recording Graph proxy that uploads replies' files; nil: no files.
    /// - Throws: ``WebResourceError`` naming a missing or broken template or file.
    public init(store: LedgerStore, staff: StaffDirectory?, settings: Settings, graph: GraphProxy? = nil, logger: Logger) throws(WebResourceError) {
        self.store = store
        self.staff = staff
        self.settings = settings
        self.graph = graph
        let resources = try WebResources.bundled()
        self.resources = resources
        self.ids = ConversationIDCodec(masterKey: store.masterKey)
        self.logger = logger
        let auditor = AccessAuditor(store: store, ledger: settings.ledger)
        self.auditor = auditor
        self.gate = PageGate(
            authenticator: staff,
            recordDenied: { record, principal in
                do {
                    _ = try await auditor.denied(record, by: principal)
                } catch {
                    logger.error("refused page access not recorded", metadata: ["route": "\(record.route)", "error": "\(String(reflecting: error))"])
                }
            }, renderer: PageRenderer(templates: resources.templates, assets: resources.assets), logger: logger)
    }

    /// Records that `principal` was shown content (`access.viewed`), before the page is
    /// answered: a page whose view cannot be recorded is not shown (503), as in the API.
    package func recordViewed(_ record: AccessRecord, by principal: StaffPrincipal) async throws(PageError) {
        do {
            _ = try await auditor.viewed(record, by: principal)
        } catch {
            logger.error("page view not recorded: page withheld", metadata: ["route": "\(record.route)", "error": "\(String(reflecting: error))"])
            throw PageError.unavailable("The view could not be recorded in the ledger, so nothing is shown. Try again in a moment.")
        }
    }

    /// The middleware that answers unknown page paths with the HTML 404 page.
    public func notFoundMiddleware<Context: RequestContext>(context: Context.Type = Context.self) -> WebNotFoundMiddleware<Context> {
        WebNotFoundMiddleware(renderer: renderer)
    }

    /// The staff directory. - Throws: 503 when this service has none.
    package func directory() throws(PageError) -> StaffDirectory {
        guard let staff else { throw PageError.unavailable("Staff accounts are not configured in this service.") }
        return staff
    }
}

/// One page route.
package struct PageRoute: Sendable {
    package let method: HTTPRequest.Method
    /// The path template, as in ``WebPages/table`` (`{name}` there is `:name` here).
    package let path: String
    /// The largest `multipart/form-data` form (with a file) the route takes; nil: urlencoded
    /// forms only (``PageGate/serve(_:route:parameters:multipartLimit:handler:)``).
    package let multipartLimit: Int?
    package let handler: PageHandler

    package init(_ method: HTTPRequest.Method, _ path: String, multipartLimit: Int? = nil, _ handler: @escaping PageHandler) {
        self.method = method
        self.path = path
        self.multipartLimit = multipartLimit
        self.handler = handler
    }

    /// The names of the path's parameters (`id` of `/conversations/:id`).
    package var parameterNames: [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The route's key in ``WebPages/table``: `GET /conversations/{id}`.
    package var key: String {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
        return "\(method.rawValue) \(template)"
    }
}

/// The templates and static files, read once from the module's resources.
package struct WebResources: Sendable {
    package let templates: WebTemplates
    package let assets: StaticAssets

    /// The resources shipped with this module (`Templates/`, `Static/`).
    static func bundled() throws(WebResourceError) -> WebResources {
        WebResources(templates: try WebTemplates(directory: try directory("Templates")), assets: try StaticAssets(directory: try directory("Static")))
    }

    /// A folder of the module's resource bundle (`Templates`, `Static`).
    static func directory(_ name: String) throws(WebResourceError) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw WebResourceError("the folder \(name) is missing from the resource bundle \(Bundle.module.bundlePath)")
        }
        return url
    }
}
