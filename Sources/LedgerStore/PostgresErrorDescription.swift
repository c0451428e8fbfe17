import PostgresNIO

/// An error as text for logs and CLI output, with what PostgresNIO hides behind its "Generic
/// description to prevent accidental leakage…" spelled out, but no row data.
///
/// - A `PSQLError`: its code (`server`, `serverClosedConnection`, …), then, for a server error,
///   the SQLSTATE, severity, message, hint and the schema, table, column, data type and
///   constraint names. The message is the server's primary text: for the SQLSTATE classes the
///   ledger meets (undefined objects, privileges, check and trigger exceptions) it names objects,
///   not values. The `detail` field is left out for class 23 (integrity constraint violation:
///   "Key (dedupe_key)=(…) already exists" carries row values) and class 22 (data exception:
///   it can quote the rejected input); for other classes it is included. The query text, its
///   binds and the internal query are never included.
/// - A `PostgresDecodingError`: its code, column name and index, and the Swift and PostgreSQL
///   types (never the cell's bytes).
/// - A `PostgresTransactionError`: each of its begin, closure, commit and rollback errors,
///   rendered the same way.
/// - Any other error: `String(describing:)`.
public func describeError(_ error: any Error) -> String {
    if let error = error as? PSQLError {
        var parts = ["PSQLError \(error.code)"]
        if let info = error.serverInfo {
            let state = info[.sqlState]
            func add(_ label: String, _ field: PSQLError.ServerInfo.Field) {
                if let value = info[field], !value.isEmpty { parts.append("\(label): \(value)") }
            }
            if let state { parts.append("SQLSTATE \(state)") }
            add("severity", .severity)
            add("message", .message)
            if let state, !state.hasPrefix("22"), !state.hasPrefix("23") { add("detail", .detail) }
            add("hint", .hint)
            add("schema", .schemaName)
            add("table", .tableName)
            add("column", .columnName)
            add("data type", .dataTypeName)
            add("constraint", .constraintName)
        }
        if let underlying = error.underlying { parts.append("underlying: \(describeError(underlying))") }
        return parts.joined(separator: ", ")
    }
    if let error = error as? PostgresDecodingError {
        return "PostgresDecodingError \(error.code): column \(error.columnName) (#\(error.columnIndex)) of type \(error.postgresType)"
            + " cannot be decoded as \(error.targetType)"
    }
    if let error = error as? PostgresTransactionError {
        var parts: [String] = []
        if let begin = error.beginError { parts.append("begin failed: \(describeError(begin))") }
        if let closure = error.closureError { parts.append(describeError(closure)) }
        if let commit = error.commitError { parts.append("commit failed: \(describeError(commit))") }
        if let rollback = error.rollbackError { parts.append("rollback failed: \(describeError(rollback))") }
        return parts.isEmpty ? "PostgresTransactionError" : parts.joined(separator: "; ")
    }
    return String(describing: error)
}
