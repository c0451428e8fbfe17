import Foundation

/// URL-safe, opaque encodings for the read API: conversation ids in paths and page cursors.
public enum OpaqueToken {
    /// The URL path segment of a conversation id (a stream name holds `/` and `:`):
    /// base64url without padding.
    public static func conversationPathID(_ id: String) -> String {
        base64url(Data(id.utf8))
    }

    /// The conversation id of a path segment, or nil if it is not one.
    public static func conversationID(fromPath text: String) -> String? {
        guard let data = data(base64url: text), let id = String(data: data, encoding: .utf8), !id.isEmpty else { return nil }
        return id
    }

    /// A cursor of one listing (`kind`) holding `fields` (none may contain a newline).
    public static func cursor(kind: String, _ fields: [String]) -> String {
        base64url(Data(([kind] + fields).joined(separator: "\n").utf8))
    }

    /// The fields of a cursor of `kind` with `count` fields.
    /// - Throws: ``ConversationQueryError/invalidCursor``.
    public static func fields(of cursor: String, kind: String, count: Int) throws -> [String] {
        guard let data = data(base64url: cursor), let text = String(data: data, encoding: .utf8) else {
            throw ConversationQueryError.invalidCursor
        }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == count + 1, parts[0] == kind else { throw ConversationQueryError.invalidCursor }
        return Array(parts.dropFirst())
    }

    private static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64url text: String) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
