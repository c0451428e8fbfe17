import Access
import ArgumentParser
import Classification
import Foundation
import LedgerStore
import Logging
import RecordkeeperRuntime

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and manage staff accounts: roles, teams, passwords, second factors, content clearances.",
        discussion: """
            Roles: agent, supervisor, records_officer, request_officer, auditor, admin (docs/access.md). \
            Every change is recorded in the ledger (RECORDKEEPER_LEDGER, default main) as a staff.* event \
            with actor cli:<your user>. There are no default accounts and no default passwords.
            """,
        subcommands: [Add.self, List.self, Grant.self, Revoke.self, Join.self, Leave.self, SetPassword.self, EnrollTOTP.self, Clearance.self]
    )

    static func withDirectory<T: Sendable>(_ body: @Sendable @escaping (StaffDirectory) async throws -> T) async throws -> T {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        return try await withLedgerStore(runtime, logger: logger) { store in
            do {
                return try await body(StaffDirectory(store: store, ledger: Integrations.ledger, masterKey: runtime.masterKey, logger: logger))
            } catch let error as StaffError {
                throw CLIError(error.description)
            }
        }
    }

    /// Reads a password from standard input (one line; the newline is not part of it).
    static func readPassword() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw CLIError("no password on standard input: pipe it in, e.g. `printf %s \"$PASSWORD\" | recordkeeper users add …`") }
        return text
    }

    static func role(_ name: String) throws -> StaffRole {
        guard let role = StaffRole(name: name) else {
            throw CLIError("\"\(name)\" is not a role: use \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    /// Makes one change to the account `name`, then shows the account as it is now.
    static func change(_ name: String, json: Bool, _ body: @Sendable @escaping (StaffDirectory) async throws -> Void) async throws {
        let user = try await withDirectory { directory in
            try await body(directory)
            guard let user = try await directory.user(name) else { throw StaffError.noSuchUser(name) }
            return user
        }
        try show(user, json: json)
    }

    static func show(_ user: StaffUser, json: Bool) throws {
        if json { return try Output.encoded(user) }
        Output.line(
            "\(user.name)  roles: \(user.roles.map(\.rawValue).joined(separator: ","))  teams: \(user.teams.isEmpty ? "-" : user.teams.joined(separator: ","))"
                + "  password: \(user.hasPassword ? "set" : "none")  totp: \(user.hasTOTP ? "enrolled" : "none")"
                + (user.contentClearance.map { "  clearance: \($0)" } ?? "") + (user.disabled ? "  (disabled)" : ""))
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account.")

        @Argument(help: "The user name: lower-case letters, digits, '.', '_', '-' (e.g. alex.kim).")
        var name: String
        @Option(name: .customLong("role"), help: "A role (repeat for several): agent, supervisor, records_officer, request_officer, auditor, admin.")
        var roles: [String] = []
        @Option(name: .customLong("team"), help: "A team the user answers for (repeat for several), e.g. benefits.")
        var teams: [String] = []
        @Flag(help: "Read the password from standard input (at least 12 characters). Without it the account signs in with API tokens only.")
        var passwordStdin = false
        @Flag(help: "Enrol a TOTP second factor and print its otpauth:// URL once (needs the master key).")
        var totp = false
        @Flag(help: "Print the account (and the TOTP URL) as JSON.")
        var json = false

        func run() async throws {
            let roles = Set(try self.roles.map(Users.role))
            guard !roles.isEmpty else { throw CLIError("give at least one --role (agent, supervisor, records_officer, request_officer, auditor, admin)") }
            let password = passwordStdin ? try Users.readPassword() : nil
            let (name, teams, totp) = (name, Set(teams), totp)
            let (user, enrollment) = try await Users.withDirectory {
                try await $0.addUser(name: name, roles: roles, teams: teams, password: password, enrollTOTP: totp, actor: Integrations.actor)
            }
            if json {
                struct Created: Encodable {
                    var user: StaffUser
                    var totpURL: String?
                    enum CodingKeys: String, CodingKey {
                        case user
                        case totpURL = "totp_url"
                    }
                }
                return try Output.encoded(Created(user: user, totpURL: enrollment?.url))
            }
            try Users.show(user, json: false)
            if let enrollment {
                Output.line(enrollment.url)
                Output.error("Scan or paste the otpauth:// URL above into the user's authenticator app now: it is shown only this once.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the staff accounts (never a secret).")
        @Flag(help: "Print a JSON array.")
        var json = false

        func run() async throws {
            let users = try await Users.withDirectory { try await $0.users() }
            if json { return try Output.encoded(users) }
            if users.isEmpty { Output.line("No staff accounts yet: `recordkeeper users add NAME --role ROLE`.") }
            for user in users { try Users.show(user, json: false) }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role.")
        @Argument(help: "The user.") var name: String
        @Argument(help: "The role.") var role: String
        @Flag(help: "Print the account as JSON.") var json = false

        func run() async throws {
            let (name, role) = (name, try Users.role(role))
            try await Users.change(name, json: json) { try await $0.setRole(role, granted: true, user: name, actor: Integrations.actor) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a role (takes effect at the user's next request).")
        @Argument(help: "The user.") var name: String
        @Argument(help: "The role.") var role: String
        @Flag(help: "Print the account as JSON.") var json = false

        func run() async throws {
            let (name, role) = (name, try Users.role(role))
            try await Users.change(name, json: json) { try await $0.setRole(role, granted: false, user: name, actor: Integrations.actor) }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add the user to a team.")
        @Argument(help: "The user.") var name: String
        @Argument(help: "The team.") var team: String
        @Flag(help: "Print the account as JSON.") var json = false

        func run() async throws {
            let (name, team) = (name, team)
            try await Users.change(name, json: json) { try await $0.setTeam(team, member: true, user: name, actor: Integrations.actor) }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the user from a team.")
        @Argument(help: "The user.") var name: String
        @Argument(help: "The team.") var team: String
        @Flag(help: "Print the account as JSON.") var json = false

        func run() async throws {
            let (name, team) = (name, team)
            try await Users.change(name, json: json) { try await $0.setTeam(team, member: false, user: name, actor: Integrations.actor) }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a new password, read from standard input.")
        @Argument(help: "The user.") var name: String

        func run() async throws {
            let (name, password) = (name, try Users.readPassword())
            try await Users.withDirectory { try await $0.setPassword(password, user: name, actor: Integrations.actor) }
            Output.line("Password of \(name) set.")
        }
    }

    struct EnrollTOTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enroll-totp", abstract: "Enrol (or replace) the user's TOTP second factor and print its otpauth:// URL once.")
        @Argument(help: "The user.") var name: String
        @Flag(help: "Print {\"user\", \"totp_url\"} as JSON.") var json = false

        func run() async throws {
            let name = name
            let enrollment = try await Users.withDirectory { try await $0.enrollTOTP(user: name, actor: Integrations.actor) }
            if json { return Output.json(["user": name, "totp_url": enrollment.url]) }
            Output.line(enrollment.url)
            Output.error("Scan or paste the otpauth:// URL above into \(name)'s authenticator app now: it is shown only this once.")
        }
    }

    struct Clearance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a content clearance (data category 1-4) beyond the user's roles, e.g. to an auditor; `none` withdraws it.")
        @Argument(help: "The user.") var name: String
        @Argument(help: "1, 2, 3, 4 or none.") var level: String
        @Option(help: "Why (recorded with the grant).") var reason: String
        @Flag(help: "Print the account as JSON.") var json = false

        func run() async throws {
            var category: DataCategory?
            if level != "none" {
                guard let number = Int(level), let value = DataCategory(rawValue: number) else {
                    throw CLIError("the clearance is a data category 1 to 4, or none, not \"\(level)\"")
                }
                category = value
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError("give the --reason for the clearance") }
            let (name, reason, granted) = (name, reason, category)
            try await Users.change(name, json: json) { try await $0.setClearance(granted, reason: reason, user: name, actor: Integrations.actor) }
        }
    }
}
