import API
import Foundation
public import Hummingbird
import HummingbirdCore

/// Refuses, before any handler runs, a request whose path or query carries text that cannot be
/// stored or shown safely: after percent-decoding, a path segment, a query parameter's name or
/// its value containing a C0 control character (U+0000 to U+001F) other than tab.
///
/// PostgreSQL rejects NUL in text, so such a value would otherwise fail deep in a query; the
/// other control characters (line breaks, escape sequences) have no place in an id, a name or a
/// filter and would only end up in logs and records. The answer is 400 `invalid_text`, naming the
/// parameter in `field` (`path` for a path segment). JSON bodies are checked where they are read
/// (``Request/collectBody(upTo:tooLarge:)``): there only NUL is refused, since a message text
/// may well hold a line break.
public struct TextInputValidationMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let field = Self.invalidField(in: request.uri) {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_text", title: "Invalid text",
                detail: field == "path"
                    ? "the path contains a control character (such as %00): ids and names may not contain NUL or other control characters"
                    : "the query parameter \"\(field)\" contains a control character (such as %00): text may not contain NUL or other control characters except tab",
                extensions: ["field": field])
        }
        return try await next(request, context)
    }

    /// `path`, or the name of the first query parameter whose name or value holds a refused
    /// character; nil when the URI is clean.
    static func invalidField(in uri: URI) -> String? {
        for segment in uri.path.split(separator: "/") where hasControlCharacter(decoded(segment)) {
            return "path"
        }
        guard let query = uri.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decoded(parts[0])
            let value = parts.count > 1 ? decoded(parts[1]) : ""
            if hasControlCharacter(name) || hasControlCharacter(value) {
                let shown = name.unicodeScalars.filter { !isRefused($0) }.map(String.init).joined()
                return String(shown.prefix(64))
            }
        }
        return nil
    }

    /// Whether `text` holds a C0 control character other than tab.
    public static func hasControlCharacter(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isRefused)
    }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar != "\t"
    }

    /// The percent-decoded text (`+` is a space in a query); the raw text when it does not decode.
    private static func decoded(_ text: Substring) -> String {
        let plain = text.replacingOccurrences(of: "+", with: " ")
        return plain.removingPercentEncoding ?? plain
    }
}
