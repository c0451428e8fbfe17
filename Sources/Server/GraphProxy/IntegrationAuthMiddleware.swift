public import Access
public import Hummingbird
import LedgerStore
import Logging

/// Authenticates the recording proxy's requests: `Authorization: Bearer <integration token>`
/// must be the token of an active integration (``IntegrationRegistry/authenticate(_:)``).
///
/// Missing, unknown or revoked: 401 with Graph error 190. When the database cannot tell (it is
/// unreachable), 503 with Graph error 2: the request is neither recorded nor forwarded.
public struct IntegrationAuthMiddleware: RouterMiddleware {
    public typealias Context = GraphProxyContext

    let registry: IntegrationRegistry
    /// How long the token lookup may take before the request is refused (503).
    let timeout: Duration

    public init(registry: IntegrationRegistry, timeout: Duration = .seconds(10)) {
        self.registry = registry
        self.timeout = timeout
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = BearerTokenMiddleware<Context>.bearerToken(request.headers[.authorization]) else {
            throw GraphProxyError.unauthorized()
        }
        let name: String?
        do {
            name = try await withDeadline(timeout) { [registry] in try await registry.authenticate(IntegrationToken(text: presented)) }
        } catch {
            context.logger.warning("integration lookup failed", metadata: ["error": "\(String(describing: error).prefix(300))"])
            throw GraphProxyError.cannotRecord("its token cannot be checked, the database is unavailable")
        }
        guard let name else { throw GraphProxyError.unauthorized() }
        var context = context
        context.integration = name
        context.logger[metadataKey: "integration"] = "\(name)"
        return try await next(request, context)
    }
}
