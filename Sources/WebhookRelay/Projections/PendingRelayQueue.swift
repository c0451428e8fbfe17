public import Ledger
public import LedgerStore
import Logging
import PostgresNIO

/// The relay service's queue, read from the `relay_queue` projection: what to relay next. It is
/// only as fresh as the projection (the ``ProjectionRunner`` keeps it so within moments).
public struct PendingRelayQueue: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Pending deliveries of `ledger` due at `now` (never tried, or whose retry time has come),
    /// the longest waiting first, at most `limit`; none when the ledger does not exist yet.
    /// - Parameter excluding: relays whose deliveries wait (disabled ones).
    public func due(ledger: String, now: LedgerTimestamp, limit: Int, excluding: [String] = []) async throws -> [PendingRelay] {
        guard let ref = try await store.ledgers().first(where: { $0.name == ledger }) else { return [] }
        let rows = try await store.client.query(
            """
            SELECT relay, stream, queued_position, queued_at_us, attempts
            FROM relay_queue
            WHERE ledger_id = \(ref.id) AND state = 'pending' AND (next_retry_at_us IS NULL OR next_retry_at_us <= \(now.microseconds))
              AND relay <> ALL(\(excluding))
            ORDER BY COALESCE(next_retry_at_us, 0), queued_position
            LIMIT \(max(0, limit))
            """, logger: store.logger)
        var result: [PendingRelay] = []
        for try await (relay, stream, position, queuedUs, attempts) in rows.decode((String, String, Int64, Int64, Int32).self) {
            result.append(
                PendingRelay(
                    ledger: ledger, relay: relay, stream: stream, queuedPosition: position, queuedAt: LedgerTimestamp(microseconds: queuedUs),
                    attempts: Int(attempts)))
        }
        return result
    }
}
