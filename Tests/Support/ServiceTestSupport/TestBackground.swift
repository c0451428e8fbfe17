package import LedgerStore
package import PostgresNIO
import TestSupport
package import Workers

/// What a test application runs beside HTTP, composed as `recordkeeper serve` does (`Background`):
/// the relay directory and, with `workers`, every worker those settings name; nil: no workers
/// (`serve --no-workers`).
package func testBackground(client: PostgresClient, store: LedgerStore, workers: WorkerSet.Settings?) -> Background {
    Background(workers: workers ?? WorkerSet.Settings(), running: workers != nil, client: client, store: store, logger: testLogger)
}
