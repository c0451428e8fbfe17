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
        }
    }
}

extension Error {
    /// The SQLSTATE of a PostgreSQL server error, if this is one.
    var sqlState: String? {
        if let error = self as? PSQLError { return error.serverInfo?[.sqlState] }
        if let error = self as? PostgresTransactionError {
            return (error.closureError ?? error.commitError ?? error.beginError)?.sqlState
        }
        return nil
    }

    /// The server's message, for logs and error texts (no binds, no secrets).
    var serverMessage: String {
        if let error = self as? PSQLError, let message = error.serverInfo?[.message] {
            return message
        }
        return String(reflecting: self)
    }
}
