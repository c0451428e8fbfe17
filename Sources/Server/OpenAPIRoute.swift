import API
import HTTPTypes
import Hummingbird
import NIOCore

/// What the service serves at `/openapi.json`, and the hook tests use to compare its routes
/// with the description (`Sources/API/openapi.yaml`, read by ``OpenAPISpec``).
public enum OpenAPIDocument {
    /// Told the method and path template (`GET /v1/sends/{position}`) of every route of an
    /// application as it is built: tests compare them with the document. Nil in the service.
    @TaskLocal public static var routeObserver: (@Sendable ([String]) -> Void)?
}

extension Router {
    /// `GET /openapi.json`: the OpenAPI 3.1 document (`spec`'s JSON), without authentication.
    /// Add it after every other route: it reports the router's routes to
    /// ``OpenAPIDocument/routeObserver``.
    func addOpenAPIRoute(spec: OpenAPISpec) {
        let body = ByteBuffer(string: spec.json)
        get("/openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                body: ResponseBody(byteBuffer: body))
        }
        OpenAPIDocument.routeObserver?(routes.map { "\($0.method.rawValue) \($0.path)" })
    }
}
