import API
import Crypto
import Foundation
public import Hummingbird

/// Requires `Authorization: Bearer <token>` with the configured admin token
/// (`RECORDKEEPER_ADMIN_TOKEN`), compared in constant time.
///
/// Without a configured token every request is refused with 503 `not_configured`: routes that
/// show citizens' messages are never open by default. A missing or wrong token is 401
/// `unauthorized` with `WWW-Authenticate: Bearer`.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: SHA256Digest?

    /// - Parameter token: the admin token; nil or empty means not configured.
    public init(token: String?) {
        self.expected = token.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Array($0.utf8)) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected else {
            throw ProblemDetails(
                status: .serviceUnavailable, code: "not_configured", title: "Not configured",
                detail: "these routes need an admin token: set RECORDKEEPER_ADMIN_TOKEN and restart the service")
        }
        guard let presented = Self.bearerToken(request.headers[.authorization]),
            Self.constantTimeEqual(SHA256.hash(data: Array(presented.utf8)), expected)
        else {
            throw Unauthorized()
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Compares two digests without an early exit: the time taken does not depend on where
    /// they differ. Hashing first makes both sides the same length whatever was sent.
    static func constantTimeEqual(_ a: SHA256Digest, _ b: SHA256Digest) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(Array(a), Array(b)) { difference |= x ^ y }
        return difference == 0
    }
}

/// 401 problem details with the `WWW-Authenticate` challenge.
struct Unauthorized: Error, HTTPResponseError {
    var status: HTTPResponse.Status { .unauthorized }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try ProblemDetails(
            status: .unauthorized, code: "unauthorized", title: "Unauthorized",
            detail: "sign in, or send a staff API token (or the bootstrap admin token) as 'Authorization: Bearer <token>'"
        ).response(from: request, context: context)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"recordkeeper\""
        return response
    }
}
