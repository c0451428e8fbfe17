import Foundation
import HTTPTypes
public import Hummingbird

/// An error Recordkeeper itself answers on the recording proxy (`/graph/...`), shaped as Meta's
/// Graph errors are (`{"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}`),
/// because the clients in front of it (pywa, the Node SDK, …) parse exactly that.
///
/// Answers that come from Meta are never wrapped: they pass through unchanged. These are only
/// for what happens before or instead of Meta's answer: no or a revoked token (401, code 190),
/// the request cannot be recorded (503, code 2: nothing was forwarded), Meta did not answer
/// (502/504, code 2: the attempt is recorded), a body too large (413, code 100).
public struct GraphProxyError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    /// The Graph error code: 190 (token), 2 (temporarily unavailable), 100 (invalid parameter).
    public var code: Int
    /// Meta's style: `(#code) title`.
    public var title: String
    /// What happened and what to do (pywa shows it as the error's `details`).
    public var details: String
    /// Sent as `Retry-After` when set.
    public var retryAfterSeconds: Int?

    public init(status: HTTPResponse.Status, code: Int, title: String, details: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// 401: no token, or one that is unknown or revoked.
    static func unauthorized() -> GraphProxyError {
        GraphProxyError(
            status: .unauthorized, code: 190, title: "Invalid OAuth access token - Cannot parse access token",
            details: "Recordkeeper's recording proxy needs the integration's own token as 'Authorization: Bearer <token>' "
                + "(issued by `recordkeeper integrations add NAME`); this one is missing, unknown or revoked")
    }

    /// 503: the request cannot be recorded (so it was not forwarded).
    static func cannotRecord(_ reason: String) -> GraphProxyError {
        GraphProxyError(
            status: .serviceUnavailable, code: 2, title: "Service temporarily unavailable",
            details: "Recordkeeper could not record this request, so it was not sent to Meta: \(reason). Try again later.",
            retryAfterSeconds: 5)
    }

    /// The JSON body, with a fresh `fbtrace_id` (prefixed `RK`: Recordkeeper answered, not Meta).
    public func body() -> [UInt8] {
        let error: [String: Any] = [
            "message": "(#\(code)) \(title)", "type": "OAuthException", "code": code,
            "error_data": ["messaging_product": "whatsapp", "details": details],
            "is_transient": code == 2, "fbtrace_id": "RK" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=UTF-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "OAuth \"Facebook Platform\" \"invalid_token\" \"\(title)\"" }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body())))
    }
}
