/// What became of the content an entry's (encrypted) payload holds: the requester, the request's
/// text, the due date's explanation, reasons, questions, answers and notes. The `requests`
/// projection holds none of it; ``RecordsRequests/show(_:role:)`` and the request log read it
/// from the payloads, so a payload destroyed lawfully shows as destroyed, never as a stale copy.
public enum RequestContentState: Sendable, Hashable {
    /// Not read (lists and the answers of actions carry no content).
    case notRead
    /// Read from the payload.
    case present
    /// The payload is there, but this process has no master key to open it.
    case sealed
    /// Lawfully destroyed by the entry at this position.
    case destroyed(authorisedBy: Int64)
    /// Missing or unreadable (see `recordkeeper verify`).
    case unavailable(String)

    /// `present`, `not_read`, `sealed`, `destroyed`, `unavailable`: the JSON `content` member.
    public var code: String {
        switch self {
        case .notRead: "not_read"
        case .present: "present"
        case .sealed: "sealed"
        case .destroyed: "destroyed"
        case .unavailable: "unavailable"
        }
    }

    /// What a person reads in place of the content when it is not present.
    public var placeholder: String {
        switch self {
        case .notRead: "(not read)"
        case .present: ""
        case .sealed: "(sealed: no master key)"
        case .destroyed(let position): "(destroyed by the entry at position \(position))"
        case .unavailable: "(unavailable: see `recordkeeper verify`)"
        }
    }
}
