public import API
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging

/// The outermost middleware: every answer leaves through it, so every answer carries the same
/// security headers and every failure is a problem+json answer.
///
/// - Headers on every answer: `Strict-Transport-Security: max-age=31536000` (the service runs
///   behind a TLS-terminating proxy, docs/operations.md; browsers ignore the header on a plain
///   http answer, RFC 6797 §8.1, so sending it always is harmless), `X-Content-Type-Options:
///   nosniff`, `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` unless the
///   route chose its own (the staff's pages, `Web`, allow their own stylesheet and script and
///   still forbid framing; JSON and text need nothing), `Referrer-Policy: no-referrer`, and
///   `Cache-Control: no-store` unless the route chose its own (`/openapi.json` is cacheable).
/// - A method the service never serves (`TRACE`, `OPTIONS`, `CONNECT`, …) is 405
///   `method_not_allowed` before anything else runs.
/// - A thrown error becomes its problem details; Hummingbird's own errors (no route: 404
///   `not_found`) are rewritten as problem details; any other error is logged here and answered
///   500 `internal_error` without its text.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods some route of the service answers to (HEAD and PATCH get a plain 404 when no
    /// route has them).
    static var servedMethods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .patch, .delete] }
    /// The `Allow` header of a 405: the methods the service's routes use.
    static var allowed: String { "GET, POST, PUT, DELETE" }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    private let logger: Logger
    private let spec: OpenAPISpec

    /// - Parameters:
    ///   - logger: receives unexpected errors (answered 500 without their text).
    ///   - spec: the API description, whose methods for a path a 405 lists in `Allow`.
    public init(logger: Logger, spec: OpenAPISpec) {
        self.logger = logger
        self.spec = spec
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if !Self.servedMethods.contains(request.method) {
            response = try Self.methodNotAllowed(request, context: context, documented: spec.documentedMethods(forPath: request.uri.path))
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                response = try ProblemDetails(error).response(from: request, context: context)
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            } catch {
                logger.error(
                    "unexpected error: answered 500",
                    metadata: ["route": "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)", "error": "\(String(reflecting: error))"])
                response = try ProblemDetails.internalError.response(from: request, context: context)
            }
        }
        // No route for this method, but the path is one of the document's: 405 with its methods.
        if response.status == .notFound, let methods = spec.documentedMethods(forPath: request.uri.path),
            !methods.contains(request.method.rawValue), !(request.method == .head && methods.contains("GET"))
        {
            response = try Self.methodNotAllowed(request, context: context, documented: methods)
        }
        Self.addHeaders(to: &response)
        return response
    }

    /// 405 `method_not_allowed`, with `Allow` listing the methods /openapi.json documents for the
    /// path (`documented`; the methods of the service's routes when it documents none).
    static func methodNotAllowed(_ request: Request, context: Context, documented: [String]?) throws -> Response {
        let allow = documented?.joined(separator: ", ") ?? allowed
        var refusal = ProblemDetails(
            status: .methodNotAllowed, code: "method_not_allowed", title: "Method not allowed",
            detail: "\(request.method.rawValue) is not served here: this path answers \(allow) (see docs/api.md or /openapi.json)")
        refusal.headers[.allow] = allow
        return try refusal.response(from: request, context: context)
    }

    /// Sets the security headers (a route's own `Cache-Control` and `Content-Security-Policy` are kept).
    static func addHeaders(to response: inout Response) {
        response.headers[.strictTransportSecurity] = "max-age=31536000"
        response.headers[.xContentTypeOptions] = "nosniff"
        // A page (Sources/Web) sends its own policy, which lets it load its stylesheet and script.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
        }
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
    }
}
