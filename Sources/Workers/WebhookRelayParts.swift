public import LedgerStore
public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import WebhookRelay
import WhatsApp

/// The webhook relay's parts in one process: the configuration directory (which the webhook route
/// queues deliveries with) and, where workers run, the relay service working off the
/// `relay_queue` projection.
public struct WebhookRelayParts: Sendable {
    public var directory: WebhookRelayDirectory?
    public var service: WebhookRelayService?

    /// The services to run, in start order (the directory reloads the configuration).
    public var services: [any Service] { [directory as (any Service)?, service].compactMap { $0 } }

    /// Builds the relay's parts for `ledger`: nothing when relaying is disabled, the directory
    /// alone when `runService` is false.
    public static func make(
        _ settings: WebhookRelaySettings, client: PostgresClient, store: LedgerStore, ledger: String, runService: Bool, logger: Logger
    ) -> WebhookRelayParts {
        guard settings.enabled else { return WebhookRelayParts() }
        let directory = WebhookRelayDirectory(client: client, masterKey: store.masterKey, reloadInterval: settings.reloadInterval, logger: logger)
        guard runService else { return WebhookRelayParts(directory: directory) }
        let service = WebhookRelayService(
            ledger: ledger, store: store, directory: directory, client: WebhookRelayClient(timeout: settings.requestTimeout),
            policy: settings.policy, pollInterval: settings.pollInterval, logger: logger)
        return WebhookRelayParts(directory: directory, service: service)
    }
}
