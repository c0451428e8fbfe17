public import LedgerStore
public import Logging
import PostgresNIO

/// The service's operational figures at one moment, for `/metrics` (docs/operations.md,
/// "Metrics"): each ledger's size, each projection's lag and each ledger's pending sends.
public struct ServiceFigures: Sendable {
    /// Ledger name → entries (its head position).
    public var ledgerEntries: [String: Int64]
    /// Every projection in every ledger: its lag is ``ProjectionStatus/behind``.
    public var projections: [ProjectionStatus]
    /// Ledger name → send requests not yet accepted or failed (the outbox projection).
    public var outboxPending: [String: Int64]

    /// Reads the figures.
    public static func collect(store: LedgerStore, projections: [any Projection], logger: Logger) async throws -> ServiceFigures {
        let statuses = try await ProjectionRunner(store: store, projections: projections, logger: logger).status()
        var entries: [String: Int64] = [:]
        for try await (name, position) in try await store.client.query(
            "SELECT l.name, h.position FROM ledgers l JOIN ledger_heads h ON h.ledger_id = l.id", logger: logger
        ).decode((String, Int64).self) {
            entries[name] = position
        }
        var pending: [String: Int64] = [:]
        for name in entries.keys { pending[name] = 0 }
        for try await (name, count) in try await store.client.query(
            """
            SELECT l.name, count(*)::int8 FROM outbox o JOIN ledgers l ON l.id = o.ledger_id
            WHERE o.state = 'pending' GROUP BY l.name
            """, logger: logger
        ).decode((String, Int64).self) {
            pending[name] = count
        }
        return ServiceFigures(ledgerEntries: entries, projections: statuses, outboxPending: pending)
    }
}
