import Foundation

/// URL-safe encodings of page cursors (conversation ids: ``ConversationIDCodec``).
public enum OpaqueToken {
    /// A cursor of one listing (`kind`) holding `fields` (none may contain a newline).
    public static func cursor(kind: String, _ fields: [String]) -> String {
        Base64URL.encode(Array(([kind] + fields).joined(separator: "\n").utf8))
    }

    /// The fields of a cursor of `kind` with `count` fields.
    /// - Throws: ``ConversationQueryError/invalidCursor``.
    public static func fields(of cursor: String, kind: String, count: Int) throws -> [String] {
        guard let bytes = Base64URL.decode(cursor), let text = String(bytes: bytes, encoding: .utf8) else {
            throw ConversationQueryError.invalidCursor
        }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // No field holds NUL (PostgreSQL text cannot): a cursor with one was not made here.
        guard parts.count == count + 1, parts[0] == kind, !text.unicodeScalars.contains("\u{0}") else {
            throw ConversationQueryError.invalidCursor
        }
        return Array(parts.dropFirst())
    }
}
