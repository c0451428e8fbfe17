import Access
import ArgumentParser
import Foundation
import RecordkeeperRuntime

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list and revoke staff API tokens (for scripts and Prometheus).",
        discussion: """
            A token acts as its user, narrowed to --scope roles if given, until it expires or is revoked. \
            It is printed once; only its SHA-256 is stored. Issuing and revoking are staff.token.* ledger events.
            """,
        subcommands: [Issue.self, List.self, Revoke.self]
    )

    /// `30d`, `12h`, `90m`, `45s`: at most 366 days.
    static func duration(_ text: String) throws -> Duration {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let factor = units[unit], let number = Int(text.dropLast()), number > 0,
            number * factor <= 366 * 86400, number * factor >= 60
        else { throw CLIError(StaffError.invalidExpiry(text).description + " and at least 1m") }
        return .seconds(number * factor)
    }

    static func time(_ microseconds: Int64?) -> String? {
        microseconds.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0) / 1_000_000)) }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token for a user and print it once.")
        @Argument(help: "The user the token acts as.") var name: String
        @Option(help: "Lifetime: e.g. 90d, 12h (at most 366d). Without it the token lasts until revoked.") var expires: String?
        @Option(name: .customLong("scope"), help: "Narrow the token to this role of the user's (repeat for several).") var scopes: [String] = []
        @Flag(help: "Print {\"token\", \"token_id\", \"user\", \"scopes\", \"expires_at\"} as JSON.") var json = false

        func run() async throws {
            let lifetime = try expires.map(Tokens.duration)
            let scopes = scopes.isEmpty ? nil : Set(try scopes.map(Users.role))
            let name = name
            let issued = try await Users.withDirectory {
                try await $0.issueToken(user: name, scopes: scopes, expiresIn: lifetime, actor: Integrations.actor)
            }
            if json {
                return Output.json([
                    "token": issued.token, "token_id": issued.info.id, "user": issued.info.user,
                    "scopes": issued.info.scopes.map { $0.map(\.rawValue) as Any } ?? NSNull(),
                    "expires_at": Tokens.time(issued.info.expiresAtUs).map { $0 as Any } ?? NSNull(),
                ])
            }
            Output.line(issued.token)
            Output.error(
                "Issued token \(issued.info.id) for \(name)\(Tokens.time(issued.info.expiresAtUs).map { ", expiring \($0)" } ?? ""). "
                    + "It is shown only this once: send it as 'Authorization: Bearer <token>'.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids, never the tokens).")
        @Option(help: "Only this user's tokens.") var user: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let user = user
            let tokens = try await Users.withDirectory { try await $0.tokens(user: user) }
            if json { return try Output.encoded(tokens) }
            if tokens.isEmpty { Output.line("No tokens yet: `recordkeeper tokens issue NAME`.") }
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            for token in tokens {
                let state = token.revokedAtUs != nil ? "revoked" : (token.expiresAtUs.map { $0 <= now } ?? false) ? "expired" : "active"
                Output.line(
                    "\(token.id)  \(token.user)  \(state)  scopes: \(token.scopes.map { $0.map(\.rawValue).joined(separator: ",") } ?? "all roles")"
                        + "  expires: \(Tokens.time(token.expiresAtUs) ?? "never")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id: refused from the next request.")
        @Argument(help: "The token id (16 hex digits, from `tokens list`).") var id: String
        @Flag(help: "Print the token's listing as JSON.") var json = false

        func run() async throws {
            let id = id
            let info = try await Users.withDirectory { try await $0.revokeToken(id: id, actor: Integrations.actor) }
            if json { return try Output.encoded(info) }
            Output.line("Revoked token \(info.id) of \(info.user).")
        }
    }
}
