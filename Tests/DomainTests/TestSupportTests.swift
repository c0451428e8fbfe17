import LedgerStore
import PostgresNIO
import TestSupport
import Testing

/// The shared test support itself: the scratch database and the polling helper every database
/// test target relies on.
@Suite("Test support")
struct TestSupportTests {
    @Test("eventually returns as soon as the condition holds, and fails the test with its message when it never does")
    func eventuallyFailsWithItsMessage() async throws {
        var checks = 0
        #expect(
            try await eventually("never recorded") {
                checks += 1
                return checks == 3
            })
        #expect(checks == 3)

        try await withKnownIssue { () async throws -> Void in
            let held = try await eventually("the condition never held", timeout: .milliseconds(200)) { false }
            #expect(!held)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("the condition never held") }
        }
    }

    @Test("a scratch database is migrated, reachable as owner and service role, and dropped with its role")
    func scratchDatabaseLifecycle() async throws {
        let database = try await withMigratedDatabase { db in
            let owner = try await db.asSuperuser { client in
                try await client.query("SELECT current_user::text", logger: ScratchDatabase.logger).decode(String.self).first { _ in true }
            }
            #expect(owner == db.owner.username)
            let service = try await ScratchDatabase.withClient(db.service) { client in
                try await client.query("SELECT current_user::text", logger: ScratchDatabase.logger).decode(String.self).first { _ in true }
            }
            #expect(service == db.serviceRole)
            return db
        }
        let left = try await ScratchDatabase.withClient(try ScratchDatabase.clusterURL()) { client in
            try await client.query(
                """
                SELECT (SELECT count(*) FROM pg_database WHERE datname = \(database.name))
                     + (SELECT count(*) FROM pg_roles WHERE rolname = \(database.serviceRole))
                """, logger: ScratchDatabase.logger
            ).decode(Int64.self).first { _ in true }
        }
        #expect(left == 0, "the database and its service role are gone")
    }
}
