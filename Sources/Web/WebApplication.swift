public import Access
public import Foundation
public import Hummingbird
public import LedgerStore
public import Logging
public import Messaging
public import Requests

/// The web application: the staff's pages, mounted by `Server` on its router
/// (``register(on:)``) beside the `/v1` API. Pages call the same domain modules as the API's
/// handlers; no business rule lives in a template or a route.
///
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

    let store: LedgerStore
    /// The staff directory; nil: nobody can sign in (the pages say so).
    let staff: StaffDirectory?
    let settings: Settings
    let resources: WebResources
    let gate: PageGate
    /// The API ids of conversations, as `/v1` shows them.
    let ids: ConversationIDCodec
    /// Records who saw what (`access.viewed`, `access.denied`), as the API's access control does.
    let auditor: AccessAuditor
    /// The recording Graph proxy that uploads a reply's file as `POST /v1/media` does; nil:
    /// replies carry no files (the form says why).
    let graph: GraphProxy?
    let logger: Logger

    var renderer: PageRenderer { gate.renderer }

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
    func recordViewed(_ record: AccessRecord, by principal: StaffPrincipal) async throws(PageError) {
        do {
            _ = try await auditor.viewed(record, by: principal)
        } catch {
            logger.error("page view not recorded: page withheld", metadata: ["route": "\(record.route)", "error": "\(String(reflecting: error))"])
            throw PageError.unavailable("The view could not be recorded in the ledger, so nothing is shown. Try again in a moment.")
        }
    }

    /// Every page route: method, path template (Hummingbird's `:name` parameters) and handler.
    /// Each must have its entry in ``WebPages/table``.
    var routes: [PageRoute] {
        [
            PageRoute(.get, "/signin", { try await self.signInForm($0) }),
            PageRoute(.post, "/signin", { try await self.signIn($0) }),
            PageRoute(.post, "/signout", { try await self.signOut($0) }),
            PageRoute(.get, "/", { try await self.home($0) }),
            PageRoute(.get, "/account", { try await self.account($0) }),
            PageRoute(.post, "/account/password", { try await self.changePassword($0) }),
            PageRoute(.post, "/account/totp", { try await self.reenrollTOTP($0) }),
            PageRoute(.get, "/inbox", { try await self.inbox($0) }),
            PageRoute(.get, "/admin/staff", { try await self.staffList($0) }),
            PageRoute(.post, "/admin/staff", { try await self.addStaff($0) }),
            PageRoute(.get, "/admin/staff/:name", { try await self.staffMember($0) }),
            PageRoute(.post, "/admin/staff/:name/roles", { try await self.changeStaffRole($0) }),
            PageRoute(.post, "/admin/staff/:name/teams", { try await self.changeStaffTeam($0) }),
            PageRoute(.get, "/admin/tokens", { try await self.tokenList($0) }),
            PageRoute(.post, "/admin/tokens", { try await self.issueToken($0) }),
            PageRoute(.post, "/admin/tokens/:id/revocation", { try await self.revokeToken($0) }),
            PageRoute(.get, "/admin/integrations", { try await self.integrationList($0) }),
            PageRoute(.post, "/admin/integrations", { try await self.addIntegration($0) }),
            PageRoute(.post, "/admin/integrations/:name/revocation", { try await self.revokeIntegration($0) }),
            PageRoute(.get, "/admin/relays", { try await self.relayList($0) }),
            PageRoute(.post, "/admin/relays", { try await self.saveRelay($0) }),
            PageRoute(.post, "/admin/relays/:name/removal", { try await self.removeRelay($0) }),
            PageRoute(.get, "/retention", { try await self.retentionOverview($0) }),
            PageRoute(.get, "/retention/catalog", { try await self.retentionCatalog($0) }),
            PageRoute(.get, "/retention/holds", { try await self.legalHolds($0) }),
            PageRoute(.post, "/retention/holds", { try await self.placeLegalHold($0) }),
            PageRoute(.get, "/retention/holds/:id", { try await self.legalHold($0) }),
            PageRoute(.post, "/retention/holds/:id/release", { try await self.releaseLegalHold($0) }),
            PageRoute(.get, "/retention/lists", { try await self.dispositionLists($0) }),
            PageRoute(.post, "/retention/lists", { try await self.runDisposition($0) }),
            PageRoute(.get, "/retention/lists/:list", { try await self.dispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/review", { try await self.reviewDispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/approval", { try await self.approveDispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/destruction", { try await self.destroyDispositionList($0) }),
            PageRoute(.get, "/retention/destructions", { try await self.destructionLog($0) }),
            PageRoute(.get, "/retention/destructions/:list/certificate", { try await self.destructionCertificate($0) }),
            PageRoute(.get, "/retention/queue", { try await self.filingQueue($0) }),
            PageRoute(.post, "/retention/queue/filing", { try await self.fileRecord($0) }),
            PageRoute(.get, "/requests", { try await self.requestList($0) }),
            PageRoute(.post, "/requests", { try await self.openRequest($0) }),
            PageRoute(.get, "/requests/:id", { try await self.requestPage($0) }),
            PageRoute(.post, "/requests/:id/searches", { try await self.runRequestSearch($0) }),
            PageRoute(.get, "/requests/:id/review", { try await self.redactionReview($0) }),
            PageRoute(.post, "/requests/:id/redactions", { try await self.applyRedaction($0) }),
            PageRoute(.post, "/requests/:id/redactions/:number/review", { try await self.reviewRedaction($0) }),
            PageRoute(.post, "/requests/:id/redactions/:number/withdrawal", { try await self.withdrawRedaction($0) }),
            PageRoute(.post, "/requests/:id/installments", { try await self.produceInstallment($0) }),
            PageRoute(.get, "/requests/:id/installments/:number/bundle", { try await self.downloadInstallment($0) }),
            PageRoute(.get, "/audit", { try await self.auditHome($0) }),
            PageRoute(.post, "/audit/verification", { try await self.startVerification($0) }),
            PageRoute(.get, "/audit/verification", { try await self.verificationPage($0) }),
            PageRoute(.get, "/audit/proofs", { try await self.inclusionProofPage($0) }),
            PageRoute(.get, "/audit/checkpoints", { try await self.checkpointsPage($0) }),
            PageRoute(.get, "/audit/accesses", { try await self.accessLogPage($0) }),
            PageRoute(.get, "/conversations/:id", { try await self.conversation($0) }),
            PageRoute(.post, "/conversations/:id/reply", { try await self.reply($0) }),
            PageRoute(.get, "/conversations/:id/media/:media", { try await self.conversationMedia($0) }),
            PageRoute(.post, "/conversations/:id/assignment", { try await self.assignConversation($0) }),
            PageRoute(.post, "/conversations/:id/state", { try await self.changeConversationState($0) }),
            PageRoute(.post, "/conversations/:id/notes", { try await self.addConversationNote($0) }),
            PageRoute(.post, "/conversations/:id/read", { try await self.markConversationRead($0) }),
            PageRoute(.get, "/routing", { try await self.routing($0) }),
            PageRoute(.post, "/routing", { try await self.changeRouting($0) }),
            PageRoute(.get, "/analytics", { try await self.analytics($0) }),
            PageRoute(.get, "/automation", { try await self.automation($0) }),
            PageRoute(.post, "/automation", { try await self.changeAutomation($0) }),
            PageRoute(.get, "/assignments", { try await self.assignments($0) }),
            PageRoute(.get, "/conversations/:id/messages/:position/classification", { try await self.classification($0) }),
            PageRoute(.post, "/conversations/:id/messages/:position/classification", { try await self.changeClassification($0) }),
        ]
    }

    /// Adds the pages and the static files to `router`, each page through the gate.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let gate = self.gate
        for route in routes {
            let key = route.key
            let handler = route.handler
            let names = route.parameterNames
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                var parameters: [String: String] = [:]
                for name in names { parameters[name] = context.parameters.get(name).flatMap { $0.removingPercentEncoding } }
                return await gate.serve(request, route: key, parameters: parameters, handler: handler)
            }
        }
        resources.assets.register(on: router)
    }

    /// The middleware that answers unknown page paths with the HTML 404 page.
    public func notFoundMiddleware<Context: RequestContext>(context: Context.Type = Context.self) -> WebNotFoundMiddleware<Context> {
        WebNotFoundMiddleware(renderer: renderer)
    }
}

/// One page route.
struct PageRoute: Sendable {
    let method: HTTPRequest.Method
    /// The path template, as in ``WebPages/table`` (`{name}` there is `:name` here).
    let path: String
    let handler: PageHandler

    init(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping PageHandler) {
        self.method = method
        self.path = path
        self.handler = handler
    }

    /// The names of the path's parameters (`id` of `/conversations/:id`).
    var parameterNames: [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The route's key in ``WebPages/table``: `GET /conversations/{id}`.
    var key: String {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
        return "\(method.rawValue) \(template)"
    }
}

/// The templates and static files, read once from the module's resources.
struct WebResources: Sendable {
    let templates: WebTemplates
    let assets: StaticAssets

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
