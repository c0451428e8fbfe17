import Hummingbird
import Inbox
import LedgerStore
import Logging
import ServiceLifecycle

extension Router where Context == RecordkeeperRequestContext {
    /// `GET`/`PUT /v1/automation-rules` and `GET /v1/search`; the search's scope uses the same
    /// team lookup as every other conversation route (`scope`).
    func addAutomationAndSearchRoutes(store: LedgerStore, settings: ConversationSettings, scope: ConversationScopeCheck) {
        addAutomationRoutes(store: store, settings: settings)
        addSearchRoutes(search: ContentSearch(store: store, ledger: settings.ledger, teams: ScopeCheckTeams(check: scope)))
    }
}

/// The team lookup of ``ConversationScopeCheck``, for a page of search hits.
struct ScopeCheckTeams: ConversationTeamLookup {
    let check: ConversationScopeCheck

    func teams(ledger: LedgerRef, conversations: Set<String>) async throws -> [String: String] {
        var teams: [String: String] = [:]
        for conversation in conversations {
            if let team = try await check.team(conversation) { teams[conversation] = team }
        }
        return teams
    }
}
