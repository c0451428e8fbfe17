import Ledger
public import LedgerStore
import Logging
public import PostgresNIO

extension LegalHolds {
    /// Catches the `retention_holds` projection up to the ledger's head on `connection`, which
    /// must be inside a transaction: the same work as the projection runner's batches (the
    /// `projection_state` row locked `FOR UPDATE`, entries applied, the last position moved),
    /// without asking the pool for a second connection. Placement and release call it while
    /// they hold ``lockKey``; a destruction that holds the lock and is told
    /// ``LegalHoldError/holdsNotProjected(latest:projected:)`` can call it and check again.
    /// - Throws: `ProjectionError.newerVersionStored` when a newer release of the projection ran.
    public static func catchUp(store: LedgerStore, ledger: LedgerRef, on connection: PostgresConnection) async throws {
        let projection = LegalHoldsProjection()
        let logger = store.logger
        try await connection.perform(
            """
            INSERT INTO projection_state (projection, ledger_id, version) VALUES (\(projection.name), \(ledger.id), \(projection.version))
            ON CONFLICT (projection, ledger_id) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            """
            SELECT s.version, s.last_position, h.position
            FROM projection_state s JOIN ledger_heads h ON h.ledger_id = s.ledger_id
            WHERE s.projection = \(projection.name) AND s.ledger_id = \(ledger.id)
            FOR UPDATE OF s
            """, logger: logger
        ).collect()
        guard let row = rows.first else { throw LedgerStoreError.ledgerNotFound(ledger.name) }
        var (version, last, head) = try row.decode((Int, Int64, Int64).self)
        if version > projection.version {
            throw ProjectionError.newerVersionStored(projection: projection.name, ledger: ledger.name, stored: version, known: projection.version)
        }
        if version < projection.version {
            try await projection.reset(ledger: ledger, on: connection, logger: logger)
            version = projection.version
            last = 0
        }
        let limit = 500
        while last < head {
            let records = try await store.selectedRecords(
                ledger: ledger, after: last, through: head, eventTypes: projection.eventTypes, payloadTypes: projection.payloadTypes,
                limit: limit, on: connection)
            try await projection.apply(records, ledger: ledger, on: connection, logger: logger)
            last = records.count == limit ? records[records.count - 1].entry.fields.position : head
        }
        try await connection.perform(
            """
            UPDATE projection_state SET version = \(version), last_position = \(last), updated_at = now()
            WHERE projection = \(projection.name) AND ledger_id = \(ledger.id)
            """, logger: logger)
    }
}
