public import Hummingbird

/// Answers "no such route" with the HTML 404 page when a browser asks (`Accept` names
/// `text/html`, as every page load does) for a path outside the service's machine routes.
/// `/v1`, `/graph`, `/webhooks`, health, metrics and `/openapi.json`, and every client that does
/// not ask for HTML, keep the problem+json 404. Added to the router right inside
/// `SecurityHeadersMiddleware`.
public struct WebNotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The first path segments of the service's machine routes.
    static var servicePaths: Set<String> { ["v1", "graph", "webhooks", "healthz", "readyz", "metrics", "openapi.json"] }

    let renderer: PageRenderer

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && Self.isPagePath(request.uri.path) && Self.wantsHTML(request) {
            return renderer.error(.notFound, frame: PageFrame(principal: nil, csrfToken: "", path: request.uri.path))
        }
    }

    /// Whether the client asks for HTML.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    /// Whether `path` is outside the service's machine routes.
    static func isPagePath(_ path: String) -> Bool {
        guard let first = path.split(separator: "/").first else { return true }
        return !servicePaths.contains(String(first))
    }
}
