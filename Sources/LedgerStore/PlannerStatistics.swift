import PostgresNIO

extension LedgerStore {
    /// Refreshes PostgreSQL's planner statistics of the tables bulk work on `ledger` reads, where
    /// they are stale (more than 1,000 rows of a table changed since its last analysis, and either
    /// the table holds a fifth more rows than the statistics say or they do not know `ledger`
    /// yet), through the door `rk_refresh_statistics()` (migrations 0026, 0027). Call it before
    /// bulk work on a ledger that may
    /// have grown since: a ledger the statistics do not know is planned as if it held one row, and
    /// lookups by key then walk the whole ledger.
    /// - Returns: the number of tables analyzed.
    @discardableResult
    public func refreshPlannerStatistics(ledger: LedgerRef) async throws -> Int {
        let rows = try await client.query("SELECT tables_analyzed FROM rk_refresh_statistics(\(ledger.id))", logger: logger)
        for try await analyzed in rows.decode(Int32.self) { return Int(analyzed) }
        return 0
    }
}
