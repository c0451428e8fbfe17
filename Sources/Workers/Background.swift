public import LedgerStore
public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import WebhookRelay

/// What runs beside the HTTP server of one process, or alone in `recordkeeper work`: the
/// webhook relay's directory (which the webhook route shares) and, when the process runs the
/// workers, every worker. The one place a process composes its background.
public struct Background: Sendable {
    /// The relay directory for the webhook route; nil when relaying is off.
    public var relays: WebhookRelayDirectory?
    /// The services to run, in start order.
    public var services: [any Service]

    /// The background of a process on `store`.
    /// - Parameters:
    ///   - workers: the workers' settings (the relay directory is built whenever relaying is on).
    ///   - running: whether this process runs the workers (false: `serve --no-workers`).
    public init(workers: WorkerSet.Settings, running: Bool, client: PostgresClient, store: LedgerStore, logger: Logger) {
        let parts = WebhookRelayParts.make(workers.relay, client: client, store: store, ledger: workers.ledger, runService: running, logger: logger)
        relays = parts.directory
        services = [parts.directory as (any Service)?].compactMap { $0 }
        if running { services += WorkerSet.services(settings: workers, store: store, relay: parts, logger: logger) }
    }
}
