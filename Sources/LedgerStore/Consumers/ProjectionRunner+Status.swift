import Foundation
import PostgresNIO

extension ProjectionRunner {
    /// The projections and ledgers with something to do: entries after their last position, or
    /// a version to rebuild.
    func pendingWork() async throws -> [ProjectionStatus] {
        try await status().filter { $0.storedVersion != $0.version || $0.lastPosition < $0.headPosition }
    }

    /// ``pendingWork()`` of the projections named `names` only (one lane of the service).
    func pendingWork(projections names: [String]) async throws -> [ProjectionStatus] {
        try await status(of: projections.filter { names.contains($0.name) })
            .filter { $0.storedVersion != $0.version || $0.lastPosition < $0.headPosition }
    }

    // MARK: Status

    /// Where every projection stands in every selected ledger.
    public func status() async throws -> [ProjectionStatus] {
        try await status(of: projections)
    }

    /// Where `selected` stand in every selected ledger: one query, which reads only their rows
    /// of the selected ledgers.
    func status(of selected: [any Projection]) async throws -> [ProjectionStatus] {
        let projectionNames = selected.map(\.name)
        let rows: PostgresRowSequence
        if let ledgers {
            rows = try await store.client.query(
                """
                SELECT l.name, h.position, s.projection, s.version, s.last_position, s.updated_at
                FROM ledgers l JOIN ledger_heads h ON h.ledger_id = l.id
                LEFT JOIN projection_state s ON s.ledger_id = l.id AND s.projection = ANY(\(projectionNames))
                WHERE l.name = ANY(\(ledgers))
                ORDER BY l.name, s.projection
                """, logger: logger)
        } else {
            rows = try await store.client.query(
                """
                SELECT l.name, h.position, s.projection, s.version, s.last_position, s.updated_at
                FROM ledgers l JOIN ledger_heads h ON h.ledger_id = l.id
                LEFT JOIN projection_state s ON s.ledger_id = l.id AND s.projection = ANY(\(projectionNames))
                ORDER BY l.name, s.projection
                """, logger: logger)
        }
        var stored: [String: (head: Int64, states: [String: (Int, Int64, Date)])] = [:]
        var names: [String] = []
        for try await (ledger, head, projection, version, last, updated) in rows.decode((String, Int64, String?, Int?, Int64?, Date?).self) {
            if stored[ledger] == nil {
                stored[ledger] = (head, [:])
                names.append(ledger)
            }
            if let projection, let version, let last, let updated { stored[ledger]?.states[projection] = (version, last, updated) }
        }
        var result: [ProjectionStatus] = []
        for ledger in names where ledgers?.contains(ledger) ?? true {
            guard let entry = stored[ledger] else { continue }
            for projection in selected {
                let state = entry.states[projection.name]
                result.append(
                    ProjectionStatus(
                        projection: projection.name, ledger: ledger, storedVersion: state?.0, version: projection.version,
                        lastPosition: state?.1 ?? 0, headPosition: entry.head, updatedAt: state?.2))
            }
        }
        return result
    }
}
