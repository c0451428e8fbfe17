import Foundation
import HTTPTypes
import OpenAPIRuntime

/// What the session operations need of the request as sent, which their generated input does
/// not carry. Added before ``RequestBodyMiddleware`` (which reads every body as JSON):
/// - `signIn` answers 503 `not_configured` without a staff directory, then takes only a body
///   sent as `Content-Type: application/json` (415 `unsupported_media_type` otherwise): a page
///   of another site can post a form (`text/plain`, urlencoded, multipart) without a CORS
///   preflight, but not JSON.
/// - `signOut` makes the `rk_session` cookie ``sessionCookie`` for the handler, which ends
///   that session.
struct SessionRequestMiddleware: ServerMiddleware {
    /// Whether a staff directory is configured.
    let staffConfigured: Bool

    /// The `rk_session` cookie of the sign-out being answered.
    @TaskLocal static var sessionCookie: String?

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        switch operationID {
        case "signIn":
            guard staffConfigured else { throw APIHandler.signInNotConfigured }
            guard Self.isJSON(request.headerFields[.contentType]) else {
                throw ProblemDetails(
                    status: .unsupportedMediaType, code: "unsupported_media_type", title: "Unsupported media type",
                    detail: "send the sign-in as a JSON object with Content-Type: application/json")
            }
            return try await next(request, body, metadata)
        case "signOut":
            return try await Self.$sessionCookie.withValue(SessionCookie.cookie(SessionCookie.name, in: request.headerFields)) {
                try await next(request, body, metadata)
            }
        default:
            return try await next(request, body, metadata)
        }
    }

    /// Whether a `Content-Type` is `application/json` (any parameters, e.g. `charset`, allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType, let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first else {
            return false
        }
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}
