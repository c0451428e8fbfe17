import Hummingbird
import LedgerStore
import Logging
import PostgresNIO
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
    /// `GET`/`PUT /v1/automation-rules` and `GET /v1/search`.
    func addAutomationAndSearchRoutes(store: LedgerStore, client: PostgresClient, settings: ConversationSettings, logger: Logger) {
        addAutomationRoutes(store: store, settings: settings)
        addSearchRoutes(
            search: ContentSearch(store: store, ledger: settings.ledger, teams: InboxTeamLookup(client: client, logger: logger)))
    }
}
