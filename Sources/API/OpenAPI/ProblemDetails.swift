public import HTTPTypes

/// An RFC 9457 problem details answer (`application/problem+json`): what every refusal of the
/// service is. `Server` writes it as the response (its `HTTPResponseError` conformance).
public struct ProblemDetails: Error, Sendable {
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

    /// A problem answered with `status`, its `code`, a short `title` and a `detail` that says
    /// what to do.
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

    /// The JSON members of the answer: the extensions, then the standard members over them.
    public var members: [String: any Sendable] {
        var body: [String: any Sendable] = extensions
        body.merge([
            "type": "https://recordkeeper.invalid/problems/\(code)", "title": title, "status": Int(status.code),
            "detail": detail, "code": code,
        ]) { _, standard in standard }
        return body
    }
}

extension ProblemDetails {
    /// The answer to an unexpected error: 500 with a generic detail. What went wrong is logged,
    /// never shown (it may name tables, hosts or values).
    public static let internalError = ProblemDetails(
        status: .internalServerError, code: "internal_error", title: "Internal error",
        detail: "the service failed to answer this request; it has been logged: try again, and report it if it persists")

    /// 401 with the `WWW-Authenticate` challenge: no caller on a staff route.
    public static var unauthorized: ProblemDetails {
        var problem = ProblemDetails(
            status: .unauthorized, code: "unauthorized", title: "Unauthorized",
            detail: "sign in, or send a staff API token (or the bootstrap admin token) as 'Authorization: Bearer <token>'")
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"recordkeeper\""
        return problem
    }
}
