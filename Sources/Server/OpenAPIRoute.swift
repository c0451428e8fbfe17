import HTTPTypes
import Hummingbird
import NIOCore

extension OpenAPIDocument {
    /// Told the method and path template (`GET /v1/sends/{position}`) of every route of an
    /// application as it is built: tests compare them with the document. Nil in the service.
    @TaskLocal public static var routeObserver: (@Sendable ([String]) -> Void)?
}

extension Router {
    /// `GET /openapi.json`: the OpenAPI 3.1 document (``OpenAPIDocument``), without
    /// authentication. Add it after every other route: it reports the router's routes to
    /// ``OpenAPIDocument/routeObserver``.
    func addOpenAPIRoute() {
        let body = ByteBuffer(string: OpenAPIDocument.json)
        get("/openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                body: ResponseBody(byteBuffer: body))
        }
        OpenAPIDocument.routeObserver?(routes.map { "\($0.method.rawValue) \($0.path)" })
    }
}
