public import Access

/// Keeps callers to the conversations of their scope (``RequestCaller/scope()``):
/// agents see only their teams' conversations. A conversation outside the scope answers 404
/// `no_conversation`, exactly as one that does not exist, so its existence is not revealed; the
/// refusal is noted for the access control, which records it as `access.denied`.
public struct ConversationScopeCheck: Sendable {
    /// The team a conversation (id or any of its streams) is routed to; nil: not routed yet.
    let team: @Sendable (String) async throws -> String?

    public init(team: @escaping @Sendable (String) async throws -> String?) {
        self.team = team
    }

    /// Whether `scope` includes the conversation `id` (or the conversation of stream `id`).
    public func allows(_ id: String, scope: ConversationScope) async throws -> Bool {
        if scope == .all { return true }
        return scope.includes(team: try await team(id))
    }

    /// Throws 404 `no_conversation` unless `caller` may reach the conversation `id`, noting the
    /// refusal as `conversation:<id>`.
    func require(_ id: String, in caller: RequestCaller) async throws {
        guard try await allows(id, scope: caller.scope()) else {
            caller.accessNote.refused("conversation:\(id)")
            throw ProblemDetails.noConversation
        }
    }
}
