public import Logging
import NIOConcurrencyHelpers
public import PostgresNIO

/// A read by key whose plan PostgreSQL may keep (``KeyLookupPool``).
///
/// It must reach every table through an index bound on all its key columns, in the plan
/// PostgreSQL makes once the tables have statistics (`SteeredLookupPlanTests` explains each).
public protocol KeyLookup: PostgresPreparedStatement {
    /// The tables this statement could read through more than one index. Until each has planner
    /// statistics, every index costs the same to PostgreSQL and it may keep a plan through any
    /// of them, so the statement is planned on every call instead.
    static var plannedOn: [String] { get }
}

/// A pool of connections for ``KeyLookup`` reads, run as prepared statements: parsed and planned
/// once per connection, on sessions whose plans read tables through indexes only
/// (``sessionSettings``).
///
/// A statement runs here only once PostgreSQL has statistics of every table of its
/// ``KeyLookup/plannedOn``; before, it is sent as an unnamed statement on the caller's pool and
/// planned on every call, like every other read. PostgreSQL makes a kept plan again whenever one
/// of its tables is analysed (autovacuum does so each time a tenth of a table has changed), so a
/// kept plan is made on tables at most about a tenth smaller than they are.
public final class KeyLookupPool: Sendable {
    /// The settings of the pool's sessions: plans made once per connection and kept
    /// (`plan_cache_mode`), and no sequential scan, hash join or merge join, whose costs
    /// PostgreSQL then counts as prohibitive. A plan made that way reads each table through an
    /// index, never whole; which index is right, PostgreSQL can only tell from statistics.
    public static let sessionSettings: [(name: String, value: String)] = [
        ("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off"), ("enable_hashjoin", "off"), ("enable_mergejoin", "off"),
    ]

    /// `base` with sessions that start with ``sessionSettings``.
    public static func configuration(_ base: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var configuration = base
        let options = sessionSettings.map { "-c \($0.name)=\($0.value)" }.joined(separator: " ")
        configuration.options.additionalStartupParameters = [("options", options)]
        return configuration
    }

    /// The pool's client, made with ``configuration(_:)``; whoever created it runs it.
    public let client: PostgresClient
    private let analysed = NIOLockedValueBox(AnalysedTables())

    public init(client: PostgresClient) {
        self.client = client
    }

    /// The rows of `statement`: prepared on this pool once its tables have statistics, else
    /// planned on every call on `fallback`.
    public func rows<Statement: KeyLookup>(of statement: Statement, fallback: PostgresClient, logger: Logger) async throws -> [Statement.Row] {
        guard await hasStatistics(Statement.plannedOn, asking: fallback, logger: logger) else {
            return try await Self.rows(of: statement, plannedOn: fallback, logger: logger)
        }
        var rows: [Statement.Row] = []
        for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
        return rows
    }

    /// The rows of `statement` sent as an unnamed statement on `client`, planned for this call.
    public static func rows<Statement: KeyLookup>(
        of statement: Statement, plannedOn client: PostgresClient, logger: Logger
    ) async throws
        -> [Statement.Row]
    {
        var rows: [Statement.Row] = []
        let query = PostgresQuery(unsafeSQL: Statement.sql, binds: try statement.makeBindings())
        for try await row in try await client.query(query, logger: logger) { rows.append(try statement.decodeRow(row)) }
        return rows
    }

    /// Whether PostgreSQL has planner statistics of every table of `tables` (it has analysed
    /// them at least once), asked through `client`. Tables found analysed are remembered; one
    /// found without is asked about again at most every ``AnalysedTables/recheckInterval``. False
    /// when the question fails.
    public func hasStatistics(_ tables: [String], asking client: PostgresClient, logger: Logger) async -> Bool {
        let now = ContinuousClock.now
        let ask = analysed.withLockedValue { known -> [String]? in
            let missing = tables.filter { !known.tables.contains($0) }
            if missing.isEmpty { return [] }
            if missing.contains(where: { known.lastAsked[$0].map { now - $0 < AnalysedTables.recheckInterval } ?? false }) { return nil }
            for table in missing { known.lastAsked[table] = now }
            return missing
        }
        guard let ask else { return false }
        if ask.isEmpty { return true }
        do {
            let rows = try await client.query(
                "SELECT relname::text FROM pg_class WHERE relname = ANY(\(ask)) AND reltuples >= 0 AND pg_table_is_visible(oid)", logger: logger)
            var found: [String] = []
            for try await name in rows.decode(String.self) { found.append(name) }
            return analysed.withLockedValue { known in
                known.tables.formUnion(found)
                return tables.allSatisfy(known.tables.contains)
            }
        } catch {
            return false
        }
    }
}

/// The tables PostgreSQL has planner statistics of, as ``KeyLookupPool/hasStatistics(_:asking:logger:)``
/// last found them.
struct AnalysedTables: Sendable {
    /// How long a table not yet analysed is taken as such before asking again.
    static let recheckInterval: Duration = .seconds(30)
    var tables: Set<String> = []
    /// When each table not found analysed was last asked about.
    var lastAsked: [String: ContinuousClock.Instant] = [:]
}
