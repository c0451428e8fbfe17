import HTTPTypes
package import WebFoundation

/// The team's pages: the inbox, a conversation and what an agent does in it (reply, with a file,
/// assign, change state, notes, read), the media of its messages, a message's classification,
/// and the supervisor's routing, analytics, automation and assignments.
extension WebApplication {
    /// The team pages' routes; each has its entry in ``WebPages/table``.
    package var teamRoutes: [PageRoute] {
        [
            PageRoute(.get, "/inbox", { try await self.inbox($0) }),
            PageRoute(.get, "/conversations/:id", { try await self.conversation($0) }),
            PageRoute(.post, "/conversations/:id/reply", multipartLimit: ReplyAttachment.maximumFormBytes, { try await self.reply($0) }),
            PageRoute(.get, "/conversations/:id/media/:media", { try await self.conversationMedia($0) }),
            PageRoute(.post, "/conversations/:id/assignment", { try await self.assignConversation($0) }),
            PageRoute(.post, "/conversations/:id/state", { try await self.changeConversationState($0) }),
            PageRoute(.post, "/conversations/:id/notes", { try await self.addConversationNote($0) }),
            PageRoute(.post, "/conversations/:id/read", { try await self.markConversationRead($0) }),
            PageRoute(.get, "/routing", { try await self.routing($0) }),
            PageRoute(.post, "/routing", { try await self.changeRouting($0) }),
            PageRoute(.get, "/analytics", { try await self.analytics($0) }),
            PageRoute(.get, "/automation", { try await self.automation($0) }),
            PageRoute(.post, "/automation", { try await self.changeAutomation($0) }),
            PageRoute(.get, "/assignments", { try await self.assignments($0) }),
            PageRoute(.get, "/conversations/:id/messages/:position/classification", { try await self.classification($0) }),
            PageRoute(.post, "/conversations/:id/messages/:position/classification", { try await self.changeClassification($0) }),
        ]
    }
}
