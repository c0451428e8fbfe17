import Foundation
import Logging
import PostgresNIO
import RecordkeeperRuntime

/// The baseline table of `recordkeeper-bench append`: the same rows the ledger stores, in one
/// plain table with a serial key, the same unique event id and a stream index, but no chain, no
/// encryption and no triggers.
///
/// It lives in a schema of its own, `rk_bench_<run>`, created as the schema owner
/// (`--owner-url` / `DATABASE_OWNER_URL`, else the service role) when the benchmark starts and
/// dropped when it ends, however it ends short of the process being killed: production
/// databases hold no benchmark object (migration 15 removed the one version 2 created).
struct BaselineTable: Sendable {
    /// The owner's client: the baseline's inserts go through it too.
    let client: PostgresClient
    let schema: String
    let logger: Logger

    /// The table's qualified name.
    var table: String { "\(schema).plain_events" }

    /// Creates the baseline schema, runs `body` with it, and drops it (also when `body` throws,
    /// for instance when ``SignalCancellation/run(_:)`` inside it was interrupted).
    static func with<T: Sendable>(
        _ runtime: Runtime, maximumConnections: Int, logger: Logger, _ body: @escaping @Sendable (BaselineTable) async throws -> T
    ) async throws -> T {
        let url = runtime.owner ?? runtime.service
        let run = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return try await withPostgresClient(url, maximumConnections: maximumConnections, logger: logger) { client in
            let baseline = BaselineTable(client: client, schema: "rk_bench_\(run)", logger: logger)
            try await baseline.create()
            let result: T
            do {
                result = try await body(baseline)
            } catch {
                await baseline.dropQuietly()
                throw error
            }
            try await baseline.drop()
            return result
        }
    }

    private func create() async throws {
        try await client.withConnection { connection in
            for statement in [
                "CREATE SCHEMA \(schema)",
                """
                CREATE TABLE \(table) (
                    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    event_id        uuid NOT NULL UNIQUE,
                    stream          text NOT NULL,
                    event_type      text NOT NULL,
                    occurred_at_us  bigint NOT NULL,
                    recorded_at_us  bigint NOT NULL,
                    actor           text NOT NULL,
                    header          text NOT NULL,
                    payload         bytea NOT NULL
                )
                """,
                "CREATE INDEX plain_events_stream ON \(table) (stream, id)",
            ] {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            }
        }
    }

    /// Empties the table.
    func truncate() async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: "TRUNCATE \(table)"), logger: logger).collect()
    }

    private func drop() async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"), logger: logger).collect()
    }

    private func dropQuietly() async {
        do {
            try await drop()
        } catch {
            Output.error("recordkeeper-bench: could not drop the baseline schema \(schema) (drop it yourself): \(error)")
        }
    }
}
