public import Records

/// Keeps callers to the conversations of their scope (``StaffPrincipal/scope``): agents see only
/// their teams' conversations. A conversation outside the scope answers 404 `no_conversation`,
/// exactly as one that does not exist, so its existence is not revealed.
public struct ConversationScopeCheck: Sendable {
    /// The team a conversation (id or any of its streams) is routed to; nil: not routed yet.
    let team: @Sendable (String) async throws -> String?

    public init(team: @escaping @Sendable (String) async throws -> String?) {
        self.team = team
    }

    /// Whether `principal` may see the conversation `id`.
    public func allows(_ id: String, for principal: StaffPrincipal) async throws -> Bool {
        let scope = principal.scope
        if scope == .all { return true }
        return scope.includes(team: try await team(id))
    }

    /// Throws 404 `no_conversation` unless `principal` may see the conversation `id`.
    func require(_ id: String, for principal: StaffPrincipal) async throws {
        guard try await allows(id, for: principal) else { throw ProblemDetails.noConversation }
    }
}
