import LedgerStore
import PostgresNIO

/// The lock every action on requests takes (``RecordsRequests/lockKey``): actions that decide
/// from the requests' state (a step, a search and its hold, an installment) run one at a time.
enum RequestsLock {
    /// Runs `body` in a transaction holding the lock, after `prepare` (the projections the
    /// action reads, caught up). The lock is tried, not waited for: while another action holds
    /// it, the transaction ends and is tried again shortly, so waiting actions hold no pooled
    /// connection (the holder's append may need one).
    /// - Throws: ``RecordsRequestError/busy`` after 30 seconds of trying.
    static func run<T: Sendable>(
        store: LedgerStore, prepare: (PostgresConnection) async throws -> Void, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        var pause = Duration.milliseconds(5)
        while true {
            do {
                return try await store.withTransaction { connection in
                    let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(RecordsRequests.lockKey))", logger: store.logger)
                        .collect()
                    guard try rows.first?.decode(Bool.self) == true else { throw Busy() }
                    try await prepare(connection)
                    return try await body(connection)
                }
            } catch is Busy {
                guard ContinuousClock.now < deadline else { throw RecordsRequestError.busy }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    private struct Busy: Error {}
}
