import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends the response headers of the `/v1` operations as the handlers wrote them.
///
/// The generated code writes a string header in the URI "simple" style, percent-encoding it
/// (`Location: %2Fv1%2Fsends%2F12`, `Set-Cookie: rk_session%3D…%3B%20Path%3D%2F`), which no
/// client follows and no browser reads as a cookie. The headers the operations write are plain
/// text, so the encoding is undone exactly.
struct ResponseHeadersMiddleware: ServerMiddleware {
    /// The headers the operations write, per `openapi.yaml`.
    static let plainTextHeaders: [HTTPField.Name] = [.location, .setCookie, .cacheControl, .retryAfter, .contentDisposition]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, body) = try await next(request, body, metadata)
        for name in Self.plainTextHeaders {
            if let encoded = response.headerFields[name], let text = encoded.removingPercentEncoding {
                response.headerFields[name] = text
            }
        }
        return (response, body)
    }
}
