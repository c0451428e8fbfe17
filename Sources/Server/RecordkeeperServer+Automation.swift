import Hummingbird
import LedgerStore
import Logging
import Records
import ServiceLifecycle

extension RecordkeeperServer {
    /// The automation service and the content search indexer (docs/operations.md, "Automation",
    /// "Search"), run where projections run; `wake` starts both when the conversations
    /// projection moved. Without a master key there is no index (search answers 503).
    static func automationServices(store: LedgerStore, ledger: String, logger: Logger) -> (services: [any Service], wake: @Sendable () -> Void) {
        let automation = AutomationService(ledger: ledger, store: store, logger: logger)
        guard let indexer = try? SearchIndexer(ledger: ledger, store: store, logger: logger) else {
            logger.notice("content search is off: it needs the master key (RECORDKEEPER_MASTER_KEY)")
            return ([automation], { automation.wake() })
        }
        return ([automation, indexer], {
            automation.wake()
            indexer.wake()
        })
    }
}

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
