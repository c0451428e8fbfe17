public import PostgresNIO

/// A reader asked the pool for a second connection while its task holds a transaction's.
///
/// Under load that is how a pool deadlocks: every holder waits for a connection that only
/// another holder could give back. Work inside ``LedgerStore/withTransaction(_:)`` must read
/// through the transaction's connection (the `on:` parameter of the store's readers).
public struct NestedPoolUse: Error, CustomStringConvertible {
    /// What asked for the pool.
    public var operation: String
    public var description: String {
        "\(operation) asked the pool for a connection inside a transaction: pass the transaction's connection (`on:`)"
    }
}

extension LedgerStore {
    /// Whether the current task is inside ``withTransaction(_:)``.
    @TaskLocal static var insideTransaction = false

    /// Runs `body` in one transaction on one pooled connection, throwing `body`'s own error (or
    /// the failed BEGIN's or COMMIT's) rather than PostgresNIO's wrapper.
    ///
    /// While `body` runs, the store's pool readers (``selectedRecords(ledger:after:through:eventTypes:payloadTypes:limit:on:)``
    /// without a connection, ``head(of:)``) refuse with ``NestedPoolUse``: a transaction's work
    /// gets only its own connection. Appends are allowed: they go through ``appendClient``.
    public func withTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await Self.$insideTransaction.withValue(true) { try await body(connection) }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// Throws ``NestedPoolUse`` inside ``withTransaction(_:)``.
    func refuseInsideTransaction(_ operation: String) throws {
        if Self.insideTransaction { throw NestedPoolUse(operation: operation) }
    }
}
