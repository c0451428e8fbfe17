import Access
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import TestSupport
import Testing

/// A signed-in user's own password and authenticator (the account page's functions).
@Suite("Staff self-service", .timeLimit(.minutes(3)))
struct StaffSelfServiceTests {
    static func directory(_ store: LedgerStore) -> StaffDirectory {
        StaffDirectory(store: store, ledger: "main", bcryptCost: 4, logger: testLogger)
    }

    @Test("changing one's password needs the current one; the change is recorded with the user as actor")
    func changePassword() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let directory = Self.directory(store)
                _ = try await directory.addUser(name: "casey", roles: [.agent], password: "first long passphrase", actor: "test")
                await #expect(throws: SelfServiceRefusal.wrongCurrentPassword) {
                    try await directory.changeOwnPassword(user: "casey", current: "not the password", new: "second long passphrase")
                }
                await #expect(throws: SelfServiceRefusal.wrongCurrentPassword) {
                    try await directory.changeOwnPassword(user: "nobody", current: "first long passphrase", new: "second long passphrase")
                }
                await #expect(throws: StaffError.self) {
                    try await directory.changeOwnPassword(user: "casey", current: "first long passphrase", new: "short")
                }
                // Nothing changed so far.
                _ = try await directory.signIn(name: "casey", password: "first long passphrase", totp: nil, requireMFA: false)

                try await directory.changeOwnPassword(user: "casey", current: "first long passphrase", new: "second long passphrase")
                _ = try await directory.signIn(name: "casey", password: "second long passphrase", totp: nil, requireMFA: false)
                await #expect(throws: SignInRefusal.invalidCredentials) {
                    try await directory.signIn(name: "casey", password: "first long passphrase", totp: nil, requireMFA: false)
                }
                let rows = try await client.query(
                    "SELECT actor FROM ledger_entries WHERE event_type = 'staff.password.set' ORDER BY position", logger: testLogger)
                var actors: [String] = []
                for try await actor in rows.decode(String.self) { actors.append(actor) }
                #expect(actors == ["staff:casey"])
            }
        }
    }

    @Test("a new authenticator needs the current password, replaces the old one, and its codes sign in")
    func reenrollTOTP() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let directory = Self.directory(store)
                let (_, old) = try await directory.addUser(
                    name: "casey", roles: [.agent], password: "first long passphrase", enrollTOTP: true, actor: "test")
                let oldSecret = try #require(old?.secret)
                await #expect(throws: SelfServiceRefusal.wrongCurrentPassword) {
                    try await directory.reenrollOwnTOTP(user: "casey", current: "not the password")
                }
                let new = try await directory.reenrollOwnTOTP(user: "casey", current: "first long passphrase")
                #expect(new.secret != oldSecret)
                await #expect(throws: SignInRefusal.invalidTOTP) {
                    try await directory.signIn(
                        name: "casey", password: "first long passphrase", totp: TOTPEnrollment.code(secret: oldSecret), requireMFA: true)
                }
                _ = try await directory.signIn(
                    name: "casey", password: "first long passphrase", totp: TOTPEnrollment.code(secret: new.secret), requireMFA: true)
            }
        }
    }
}
