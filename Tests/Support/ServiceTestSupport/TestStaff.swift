package import Access
import Foundation
package import LedgerStore
import Logging
import TestSupport

/// Staff credentials for tests that exercise the API as one signed-in member of staff.
///
/// `withConversationApp(db, token: alias)` creates the user `tester` (supervisor and records
/// officer: every conversation, clearance 4, may send), issues a real API token for it and makes
/// `alias` stand for that token for the rest of the test (``header(_:)``), so tests written with a
/// constant token keep reading as before while every request goes through real authentication.
package enum TestStaff {
    /// Alias → the real token issued in this test's database.
    @TaskLocal package static var tokens: [String: String] = [:]

    /// The roles of the test's staff user.
    package static let roles: Set<StaffRole> = [.supervisor, .recordsOfficer]

    /// The real token an alias stands for (any other text unchanged: wrong tokens stay wrong).
    package static func resolve(_ token: String) -> String { tokens[token] ?? token }

    /// `Bearer <real token>`.
    package static func header(_ token: String) -> String { "Bearer \(resolve(token))" }

    /// A directory over `store` with a cheap bcrypt cost (the service uses 12).
    package static func directory(_ store: LedgerStore) -> StaffDirectory {
        StaffDirectory(store: store, ledger: "main", bcryptCost: 4, logger: testLogger)
    }

    /// Creates `name` with `roles` and `teams` and returns a new API token of theirs.
    package static func token(
        _ store: LedgerStore, name: String = "tester", roles: Set<StaffRole> = roles, teams: Set<String> = []
    ) async throws -> String {
        let directory = directory(store)
        if try await directory.user(name) == nil {
            _ = try await directory.addUser(name: name, roles: roles, teams: teams, actor: "test")
        }
        return try await directory.issueToken(user: name, actor: "test").token
    }
}
