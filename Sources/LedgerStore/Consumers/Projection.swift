public import Logging
public import PostgresNIO

/// A projection: a cache of the ledger in its own tables, rebuilt by replaying the log.
///
/// The ``ProjectionRunner`` calls ``apply(_:ledger:on:logger:)`` with batches of entries in
/// position order, inside the transaction that also moves the projection's last position, so
/// every entry is applied exactly once. Applying must depend only on the entries (and the rows
/// earlier entries produced): replaying from position 1 must give the same rows as applying live.
public protocol Projection: Sendable {
    /// The stable name, stored in `projection_state` (`[a-z][a-z0-9_]*`).
    var name: String { get }
    /// Bump it when the rows an entry produces change: the runner then resets and replays.
    var version: Int { get }
    /// The event types the projection reads; the runner skips every other entry.
    var eventTypes: Set<String> { get }
    /// The event types whose payloads the projection reads (a subset of ``eventTypes``); the
    /// others reach ``apply(_:ledger:on:logger:)`` with a nil payload.
    var payloadTypes: Set<String> { get }

    /// Applies entries (all of ``eventTypes``, in position order) on the runner's transaction.
    /// Throw only when the batch must be retried (a database error); an entry that does not
    /// fit the contract is skipped with a warning, so it cannot stop the projection.
    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws

    /// Deletes the projection's rows of one ledger (before a rebuild), on the runner's transaction.
    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws
}
