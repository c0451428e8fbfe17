public import LedgerStore
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Makes checkpoints of growing ledgers every ``CheckpointSettings/everyEntries`` entries or
/// ``CheckpointSettings/interval``, whichever comes first, and delivers them to the sinks.
///
/// Runs in the service group after the store; stops on graceful shutdown. Without a signing key
/// it logs once and waits for one to be created.
public struct CheckpointService: Service {
    let store: LedgerStore
    let settings: CheckpointSettings
    let logger: Logger
    /// How often the heads are looked at.
    let pollInterval: Duration
    /// How often undelivered checkpoints and missing timestamp tokens are retried.
    static let retryInterval: Duration = .seconds(15)

    public init(store: LedgerStore, settings: CheckpointSettings, logger: Logger, pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        let publisher = CheckpointPublisher(store: store, settings: settings, logger: logger)
        var warnedNoKey = false
        var lastMade: [String: ContinuousClock.Instant] = [:]
        var lastPublished: ContinuousClock.Instant? = nil
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                var made = false
                for (ledger, head, checkpointed) in try await growth() where head > checkpointed {
                    let now = ContinuousClock.now
                    let since = lastMade[ledger].map { now - $0 } ?? settings.interval
                    guard head - checkpointed >= settings.everyEntries || since >= settings.interval else { continue }
                    do {
                        let checkpoint = try await store.makeCheckpoint(ledger: ledger, logName: settings.logName)
                        lastMade[ledger] = now
                        made = true
                        logger.info("checkpoint made", metadata: ["ledger": "\(ledger)", "tree_size": "\(checkpoint.treeSize)"])
                    } catch LedgerStoreError.noSigningKey {
                        if !warnedNoKey {
                            logger.warning("no checkpoint signing key: run `recordkeeper keys signing create`; checkpoints are not being made")
                            warnedNoKey = true
                        }
                    }
                }
                // Deliver what is new at once; retry failed deliveries every `retryInterval`.
                let now = ContinuousClock.now
                if made || lastPublished.map({ now - $0 >= Self.retryInterval }) ?? true {
                    lastPublished = now
                    try await publisher.publishPending()
                }
            } catch {
                logger.error("checkpointing failed; will retry", metadata: ["error": "\(describeError(error))"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Each ledger's head position and the tree size of its newest checkpoint (0 if none).
    private func growth() async throws -> [(String, Int64, Int64)] {
        var result: [(String, Int64, Int64)] = []
        let rows = try await store.client.query(
            """
            SELECT l.name, h.position,
                   coalesce((SELECT c.tree_size FROM checkpoints c WHERE c.ledger_id = l.id ORDER BY c.id DESC LIMIT 1), -1)
            FROM ledgers l JOIN ledger_heads h ON h.ledger_id = l.id
            """,
            logger: logger
        )
        for try await row in rows.decode((String, Int64, Int64).self) { result.append(row) }
        return result.map { ($0.0, $0.1, max($0.2, 0)) }
    }
}
