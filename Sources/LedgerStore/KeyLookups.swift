public import KeyLookups

extension LedgerStore {
    /// The rows of `statement`, a read by key: on ``keyLookups`` when there is one (its plan kept
    /// once the tables have statistics), else on ``client``, planned on every call.
    public func lookUp<Statement: KeyLookup>(_ statement: Statement) async throws -> [Statement.Row] {
        if let keyLookups { return try await keyLookups.rows(of: statement, fallback: client, logger: logger) }
        return try await KeyLookupPool.rows(of: statement, plannedOn: client, logger: logger)
    }
}
