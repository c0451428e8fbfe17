public import Hummingbird
import Foundation

/// An RFC 9457 problem details response (`application/problem+json`).
public struct ProblemDetails: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// A stable machine-readable code.
    public var code: String

    public init(status: HTTPResponse.Status, code: String, title: String, detail: String) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] = [
            "type": "https://recordkeeper.invalid/problems/\(code)", "title": title, "status": Int(status.code),
            "detail": detail, "code": code,
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
