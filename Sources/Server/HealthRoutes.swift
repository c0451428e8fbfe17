public import Hummingbird
import Logging

/// What `/readyz` reports.
public struct ReadinessReport: Sendable, Codable {
    public var ready: Bool
    /// `ok`, or why the database cannot be used.
    public var database: String
    /// Migration versions not applied (or changed) in the database.
    public var pendingMigrations: [Int]

    public init(ready: Bool, database: String, pendingMigrations: [Int]) {
        self.ready = ready
        self.database = database
        self.pendingMigrations = pendingMigrations
    }

    enum CodingKeys: String, CodingKey {
        case ready, database
        case pendingMigrations = "pending_migrations"
    }
}

extension ReadinessReport: ResponseEncodable {}

struct HealthReport: ResponseEncodable {
    var status: String
    var version: String
}

extension Router {
    /// `GET /healthz`: the process is alive (no database access).
    /// `GET /readyz`: 200 when the database is reachable and every migration is applied, else 503.
    func addHealthRoutes(version: String, readiness: @escaping @Sendable () async -> ReadinessReport) {
        get("/healthz") { _, _ in
            HealthReport(status: "ok", version: version)
        }
        get("/readyz") { _, _ -> EditedResponse<ReadinessReport> in
            let report = await readiness()
            return EditedResponse(status: report.ready ? .ok : .serviceUnavailable, response: report)
        }
    }
}
