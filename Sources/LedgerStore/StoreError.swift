import PostgresNIO

/// Errors of the ledger store, with messages a user can act on.
public enum LedgerStoreError: Error, CustomStringConvertible, Sendable {
    case noMasterKey
    case masterKeyMismatch(dataKeyID: Int64, wrappedBy: String, configured: String)
    case dataKeyDestroyed(Int64)
    case ledgerNotFound(String)
    case shuttingDown
    case appendFailed(String)
    case batchTooLarge(events: Int, limit: Int)
    case database(String)
    /// A proof or root was asked for a tree larger than the ledger.
    case treeSizeBeyondHead(requested: Int64, head: Int64)
    /// A position outside the ledger.
    case positionOutOfRange(position: Int64, treeSize: Int64)
    /// Rows the stored Merkle tree should hold are missing (the tables were altered).
    case treeIncomplete(String)
    /// No checkpoint signing key exists yet.
    case noSigningKey
    /// Invalid input to a store operation.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .noMasterKey:
            "no master key: set RECORDKEEPER_MASTER_KEY (base64, 32 bytes) or RECORDKEEPER_MASTER_KEY_FILE"
        case .masterKeyMismatch(let id, let wrappedBy, let configured):
            "data key \(id) is wrapped by master key \(wrappedBy), but the configured master key is \(configured): use the right key file (or finish a rotation with `recordkeeper keys rotate`)"
        case .dataKeyDestroyed(let id):
            "data key \(id) was destroyed: its payloads no longer exist"
        case .ledgerNotFound(let name):
            "there is no ledger named '\(name)'"
        case .shuttingDown:
            "the ledger is shutting down and accepts no new events"
        case .appendFailed(let why):
            "the append was not committed: \(why)"
        case .batchTooLarge(let events, let limit):
            "one append may hold at most \(limit) events, got \(events)"
        case .database(let why):
            "database error: \(why)"
        case .treeSizeBeyondHead(let requested, let head):
            "tree size \(requested) is larger than the ledger, which has \(head) entries"
        case .positionOutOfRange(let position, let size):
            "position \(position) is not in a tree of size \(size) (positions start at 1)"
        case .treeIncomplete(let why):
            "the stored Merkle tree is incomplete (\(why)): run `recordkeeper verify` on this ledger"
        case .noSigningKey:
            "no checkpoint signing key: create one with `recordkeeper keys signing create`"
        case .invalidArgument(let why):
            why
        }
    }
}

extension Error {
    /// The SQLSTATE of a PostgreSQL server error, if this is one.
    public var sqlState: String? {
        if let error = self as? PSQLError { return error.serverInfo?[.sqlState] }
        if let error = self as? PostgresTransactionError {
            return (error.closureError ?? error.commitError ?? error.beginError)?.sqlState
        }
        return nil
    }

    /// The constraint a PostgreSQL server error names, if any.
    var constraintName: String? {
        if let error = self as? PSQLError { return error.serverInfo?[.constraintName] }
        if let error = self as? PostgresTransactionError {
            return (error.closureError ?? error.commitError ?? error.beginError)?.constraintName
        }
        return nil
    }

    /// The server's message, for logs and error texts (no binds, no secrets).
    public var serverMessage: String {
        if let error = self as? PSQLError, let message = error.serverInfo?[.message] {
            return message
        }
        return String(reflecting: self)
    }
}
