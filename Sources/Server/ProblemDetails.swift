public import Hummingbird
import Foundation
import HTTPTypes

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
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
