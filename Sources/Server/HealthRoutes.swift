public import Hummingbird
public import LedgerStore
import Logging
import SchemaMigrator

/// What `/readyz` reports.
public struct ReadinessReport: Sendable, Codable {
    public var ready: Bool
    /// `ok`, or why the database cannot be used.
    public var database: String
    /// Migration versions not applied (or changed) in the database.
    public var pendingMigrations: [Int]
    /// Where each projection stands in each ledger, with `behind`: the entries it has not
    /// applied yet (what inboxes, classification and search wait for). Informational: a
    /// projection that lags does not make the service unready. Empty when the database did not
    /// answer.
    public var projections: [ProjectionStatus]

    public init(ready: Bool, database: String, pendingMigrations: [Int], projections: [ProjectionStatus] = []) {
        self.ready = ready
        self.database = database
        self.pendingMigrations = pendingMigrations
        self.projections = projections
    }

    enum CodingKeys: String, CodingKey {
        case ready, database, projections
        case pendingMigrations = "pending_migrations"
    }
}

extension ReadinessReport: ResponseEncodable {}

struct HealthReport: ResponseEncodable {
    var status: String
    var version: String
    /// Seconds the oldest waiting append has waited for its commit (0: none waits).
    var appendWaitSeconds: Double

    enum CodingKeys: String, CodingKey {
        case status, version
        case appendWaitSeconds = "append_wait_seconds"
    }
}

extension Router {
    /// `GET /healthz`: the process is alive and its appends complete: 503 (`append_stalled`)
    /// once an append has waited longer than `appendStallLimit` for its commit, so that a
    /// supervisor restarts it (no database query of its own).
    /// `GET /readyz`: 200 when the database is reachable and every migration is applied, else 503.
    func addHealthRoutes(
        version: String, appendStall: @escaping @Sendable () -> Duration, appendStallLimit: Duration,
        readiness: @escaping @Sendable () async -> ReadinessReport
    ) {
        get("/healthz") { _, _ -> EditedResponse<HealthReport> in
            let waited = appendStall()
            let stalled = waited > appendStallLimit
            let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            return EditedResponse(
                status: stalled ? .serviceUnavailable : .ok,
                response: HealthReport(status: stalled ? "append_stalled" : "ok", version: version, appendWaitSeconds: (seconds * 10).rounded() / 10))
        }
        get("/readyz") { _, _ -> EditedResponse<ReadinessReport> in
            let report = await readiness()
            return EditedResponse(status: report.ready ? .ok : .serviceUnavailable, response: report)
        }
    }
}
