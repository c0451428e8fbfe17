import Access
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// The quick start's demo (`scripts/run.sh --demo`): `recordkeeper demo` dates its conversations
/// relative to now, so a reply is inside WhatsApp's 24-hour window, and scripts/demo-accounts.sh
/// prints a one-time sign-in for a demo agent and a demo records officer that signs in (password
/// and the code scripts/demo-totp.sh prints, with second factors required).
@Suite("demo data and the demo sign-in", .timeLimit(.minutes(6)))
struct CLIDemoSignInTests {
    @Test("the demo's last citizen message is minutes old; a later run adds one follow-up, once an hour")
    func demoIsRecent() async throws {
        try await withMigratedDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: ScratchDatabase.masterKey.base64)
                let first = try await cli.run(["demo", "--json"])
                try #require(first.exitCode == 0, "\(first.transcript)")
                #expect(try first.json(DemoOutput.self).added == 13)
                let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
                let last = try #require(try await Self.lastCitizenMessage(database))
                #expect(now - last < 24 * 3_600_000_000, "the last citizen message is outside the 24-hour window")
                #expect(now - last <= 15 * 60_000_000 && last <= now, "the last citizen message is not a few minutes old: \((now - last) / 1_000_000) s")

                let second = try await cli.run(["demo", "--json"])
                try #require(second.exitCode == 0, "\(second.transcript)")
                #expect(try second.json(DemoOutput.self).added == 1, "a later run records the citizen's follow-up")
                let followUp = try #require(try await Self.lastCitizenMessage(database))
                #expect(followUp > last && Int64(Date().timeIntervalSince1970 * 1_000_000) - followUp <= 2 * 60_000_000)

                let third = try await cli.run(["demo", "--json"])
                try #require(third.exitCode == 0, "\(third.transcript)")
                // Nothing new within the hour, unless the hour turned between the runs.
                #expect(try third.json(DemoOutput.self).added <= 1)
                #expect(try await Self.citizenMessages(database) <= 6)
            }
        }
    }

    @Test("demo-accounts.sh prints passwords that sign in with the code demo-totp.sh prints; a second run replaces them")
    func printedSignInWorks() async throws {
        try await withMigratedDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: ScratchDatabase.masterKey.base64)
                let secrets = work.appendingPathComponent("secrets")
                let first = try await Self.prepareAccounts(cli, secrets: secrets, work: work)
                #expect(Set(first.keys) == ["demo.agent", "demo.records"])
                let attributes = try FileManager.default.attributesOfItem(atPath: secrets.appendingPathComponent("demo.agent.totp").path)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "the second factor's file is the owner's only")

                try await database.withStore { _, store in
                    let directory = StaffDirectory(store: store, ledger: "demo", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
                    for (name, role) in [("demo.agent", StaffRole.agent), ("demo.records", .recordsOfficer)] {
                        let password = try #require(first[name])
                        let code = try await Self.code(cli, secrets: secrets, work: work, name: name)
                        let session = try await directory.signIn(name: name, password: password, totp: code, requireMFA: true)
                        #expect(session.principal.roles == [role])
                    }
                    #expect(try await directory.user("demo.agent")?.teams == ["general"])
                }

                let second = try await Self.prepareAccounts(cli, secrets: secrets, work: work)
                #expect(second["demo.agent"] != first["demo.agent"], "every run makes a new password")
                try await database.withStore { _, store in
                    let directory = StaffDirectory(store: store, ledger: "demo", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
                    let code = try await Self.code(cli, secrets: secrets, work: work, name: "demo.agent")
                    await #expect(throws: SignInRefusal.invalidCredentials) {
                        _ = try await directory.signIn(name: "demo.agent", password: first["demo.agent"] ?? "", totp: code, requireMFA: true)
                    }
                    let session = try await directory.signIn(name: "demo.agent", password: second["demo.agent"] ?? "", totp: code, requireMFA: true)
                    #expect(session.principal.roles == [.agent])
                }
            }
        }
    }

    /// Runs scripts/demo-accounts.sh as scripts/run.sh does; returns name → printed password.
    static func prepareAccounts(_ cli: RecordkeeperCLI, secrets: URL, work: URL) async throws -> [String: String] {
        var environment = cli.environment
        environment["RECORDKEEPER_LEDGER"] = "demo"
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/demo-accounts.sh").path
        let child = try ChildProcess.spawn(
            "/bin/bash", [script, cli.binary, secrets.path], environment: environment, workingDirectory: work.path, outputDirectory: work,
            label: "demo-accounts-\(TestEnvironment.randomHex(3))")
        let termination = try await child.waitForExit(timeout: .seconds(180))
        let transcript = "stdout:\n\(child.stdout)\nstderr:\n\(child.stderr)"
        try #require(termination.exitCode == 0, "\(transcript)")
        var passwords: [String: String] = [:]
        for line in child.stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let name = words.firstIndex(of: "name"), let password = words.firstIndex(of: "password"), password + 1 < words.count {
                passwords[String(words[name + 1])] = String(words[password + 1])
            }
        }
        #expect(passwords.values.allSatisfy { $0.count == 24 }, "\(transcript)")
        return passwords
    }

    /// The code scripts/demo-totp.sh prints for `name`.
    static func code(_ cli: RecordkeeperCLI, secrets: URL, work: URL, name: String) async throws -> String {
        var environment = cli.environment
        environment["RECORDKEEPER_DEMO_TOTP_FILE"] = secrets.appendingPathComponent("\(name).totp").path
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/demo-totp.sh").path
        let child = try ChildProcess.spawn(
            "/bin/bash", [script, name], environment: environment, workingDirectory: work.path, outputDirectory: work,
            label: "demo-totp-\(TestEnvironment.randomHex(3))")
        let termination = try await child.waitForExit(timeout: .seconds(30))
        try #require(termination.exitCode == 0, "stdout:\n\(child.stdout)\nstderr:\n\(child.stderr)")
        let code = child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code.count == 6 && code.allSatisfy(\.isNumber), "not a 6-digit code: \(code)")
        return code
    }

    /// When the demo ledger's newest citizen message was sent (µs since the epoch).
    static func lastCitizenMessage(_ database: ScratchDatabase) async throws -> Int64? {
        try await database.withStore { client, _ in
            let rows = try await client.query(
                """
                SELECT max(e.occurred_at_us) FROM ledger_entries e JOIN ledgers l ON l.id = e.ledger_id
                WHERE l.name = 'demo' AND e.event_type = 'whatsapp.message.received'
                """, logger: testLogger)
            var last: Int64?
            for try await value in rows.decode(Int64?.self) { last = value }
            return last
        }
    }

    /// How many citizen messages the demo ledger holds.
    static func citizenMessages(_ database: ScratchDatabase) async throws -> Int {
        try await database.withStore { client, _ in
            let rows = try await client.query(
                """
                SELECT count(*)::int8 FROM ledger_entries e JOIN ledgers l ON l.id = e.ledger_id
                WHERE l.name = 'demo' AND e.event_type = 'whatsapp.message.received'
                """, logger: testLogger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }
}
