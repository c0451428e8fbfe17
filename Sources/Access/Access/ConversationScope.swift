/// Which conversations a caller may see.
public enum ConversationScope: Sendable, Hashable {
    /// Every conversation of the ledger.
    case all
    /// Only conversations routed to one of these teams (agents). An empty set sees nothing.
    case teams(Set<String>)

    /// Whether a conversation routed to `team` (nil: not routed yet) is within the scope.
    public func includes(team: String?) -> Bool {
        switch self {
        case .all: true
        case .teams(let teams): team.map { teams.contains($0) } ?? false
        }
    }

    /// The team names for a SQL filter: nil means no filter (``all``).
    public var teamFilter: [String]? {
        switch self {
        case .all: nil
        case .teams(let teams): teams.sorted()
        }
    }
}
