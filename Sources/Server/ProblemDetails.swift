import Foundation
import HTTPTypes
public import Hummingbird

/// An RFC 9457 problem details response (`application/problem+json`).
public struct ProblemDetails: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// A stable machine-readable code.
    public var code: String
    /// Sent as `Retry-After` (a 503 that the client should retry).
    public var retryAfterSeconds: Int?
    /// Extension members (RFC 9457 §3.2), e.g. `field` or `window_closed_at`.
    public var extensions: [String: String]
    /// Further headers of the answer, e.g. `Allow` on a 405 or `Connection: close` on a 408.
    public var headers: HTTPFields = [:]

    public init(
        status: HTTPResponse.Status, code: String, title: String, detail: String, retryAfterSeconds: Int? = nil,
        extensions: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
        self.extensions = extensions
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: Any] = extensions
        body.merge([
            "type": "https://recordkeeper.invalid/problems/\(code)", "title": title, "status": Int(status.code),
            "detail": detail, "code": code,
        ]) { _, standard in standard }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ProblemDetails {
    /// The answer to an unexpected error: 500 with a generic detail. What went wrong is logged,
    /// never shown (it may name tables, hosts or values).
    public static let internalError = ProblemDetails(
        status: .internalServerError, code: "internal_error", title: "Internal error",
        detail: "the service failed to answer this request; it has been logged: try again, and report it if it persists")

    /// Hummingbird's own error (no route, a body over the upload limit, …) as a problem, with its
    /// headers kept and its message, if any, as the detail.
    public init(_ error: HTTPError) {
        let code: String
        let detail: String
        switch error.status {
        case .notFound:
            (code, detail) = ("not_found", "there is no such route: see docs/api.md or /openapi.json")
        case .methodNotAllowed:
            (code, detail) = ("method_not_allowed", "this method is not served here: see docs/api.md or /openapi.json")
        case .contentTooLarge:
            (code, detail) = ("body_too_large", "the request body is larger than this service accepts")
        case .badRequest:
            (code, detail) = ("bad_request", "the request cannot be read")
        default:
            let phrase = error.status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
            (code, detail) = (phrase.isEmpty ? "http_\(error.status.code)" : phrase, error.status.reasonPhrase)
        }
        self.init(status: error.status, code: code, title: error.status.reasonPhrase, detail: error.body ?? detail)
        self.headers = error.headers
    }
}
