import Ledger
public import LedgerStore
import Logging
public import PostgresNIO

extension LegalHolds {
    /// Catches the `retention_holds` projection up to the ledger's head on `connection`, which
    /// must be inside a transaction (``ProjectionRunner/catchUp(_:ledger:store:on:batchSize:)``). Placement and release call it while
    /// they hold ``lockKey``; a destruction that holds the lock and is told
    /// ``LegalHoldError/holdsNotProjected(latest:projected:)`` can call it and check again.
    /// - Throws: `ProjectionError.newerVersionStored` when a newer release of the projection ran.
    public static func catchUp(store: LedgerStore, ledger: LedgerRef, on connection: PostgresConnection) async throws {
        try await ProjectionRunner.catchUp(LegalHoldsProjection(), ledger: ledger, store: store, on: connection)
    }
}
