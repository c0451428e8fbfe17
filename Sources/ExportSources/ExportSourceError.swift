/// Why messages could not be read from the database for an export. The module that produces the
/// export (`Requests`, `Transfers`) says it in its own words; nothing was written when one is thrown.
public enum ExportSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Selected positions that are not messages of a conversation (at most 11 named).
    case notMessages(positions: [Int64])
    /// A message's content cannot be released or redacted (its payload is destroyed, sealed or unreadable).
    case contentUnavailable(position: Int64, reason: String)
    /// A redaction does not fit its message's text.
    case invalidRedaction(position: Int64, reason: String)
    /// No checkpoint signing key exists, so no checkpoint can prove the messages.
    case noSigningKey

    public var description: String {
        switch self {
        case .notMessages(let positions):
            "position(s) \(positions.prefix(10).map(String.init).joined(separator: ", "))\(positions.count > 10 ? " …" : "") are not messages of a conversation; nothing was written"
        case .contentUnavailable(let position, let reason):
            "the message at position \(position) cannot be released: \(reason); nothing was written"
        case .invalidRedaction(let position, let reason):
            "a redaction of the message at position \(position) does not fit: \(reason); nothing was written"
        case .noSigningKey: "no checkpoint signing key exists: create one with `recordkeeper keys signing create`, then export again"
        }
    }
}
