public import API
import Foundation
import HTTPTypes
public import Hummingbird

// A problem (``ProblemDetails``, from `API`) as Hummingbird's answer: `application/problem+json`
// with its headers and `Retry-After`.
extension ProblemDetails: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ProblemDetails {
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
