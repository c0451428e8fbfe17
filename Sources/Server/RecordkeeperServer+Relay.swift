public import LedgerStore
public import Logging
public import PostgresNIO
public import Records
import ServiceLifecycle
import WhatsApp

extension RecordkeeperServer {
    /// The webhook relay's parts: the configuration directory (for the webhook route) and, when
    /// this process runs projections, the relay service working off the `relay_queue` projection.
    public struct RelayParts: Sendable {
        public var directory: WebhookRelayDirectory?
        public var service: WebhookRelayService?

        /// The services to run, in start order (the directory reloads the configuration).
        var services: [any Service] { [directory as (any Service)?, service].compactMap { $0 } }
    }

    /// Builds the relay's parts for `ledger` (nothing when relaying is disabled).
    static func relayParts(
        _ settings: WebhookRelaySettings, client: PostgresClient, store: LedgerStore, ledger: String, runService: Bool, logger: Logger
    ) -> RelayParts {
        guard settings.enabled else { return RelayParts() }
        let directory = WebhookRelayDirectory(client: client, masterKey: store.masterKey, reloadInterval: settings.reloadInterval, logger: logger)
        guard runService else { return RelayParts(directory: directory) }
        let service = WebhookRelayService(
            ledger: ledger, store: store, directory: directory, client: WebhookRelayClient(timeout: settings.requestTimeout),
            policy: settings.policy, pollInterval: settings.pollInterval, logger: logger)
        return RelayParts(directory: directory, service: service)
    }
}
