import Access
import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime

struct Integrations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, revoke and list the integrations that send through the recording proxy (/graph/...).",
        discussion: """
            An integration (a bot, a notification system) keeps its Cloud API code and changes only its \
            base URL to Recordkeeper's /graph; it authenticates with a token of its own, issued here. \
            The token is printed once: only its SHA-256 is stored. Adding and revoking are recorded in \
            the ledger (RECORDKEEPER_LEDGER, default main) as integration.added / integration.revoked.
            """,
        subcommands: [Add.self, Revoke.self, List.self]
    )

    /// Who did it, as the ledger records it.
    static var actor: String {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "uid-\(getuid())"
        return "cli:\(user)"
    }

    static var ledger: String {
        ProcessInfo.processInfo.environment["RECORDKEEPER_LEDGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "main"
    }

    static func withRegistry<T: Sendable>(_ body: @Sendable @escaping (IntegrationRegistry) async throws -> T) async throws -> T {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        return try await withLedgerStore(runtime, logger: logger) { store in
            do {
                return try await body(IntegrationRegistry(store: store, ledger: ledger, logger: logger))
            } catch let error as IntegrationError {
                throw CLIError(error.description)
            }
        }
    }

    static func time(_ timestamp: LedgerTimestamp?) -> String? {
        timestamp.map { ISO8601DateFormatter().string(from: $0.date) }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an integration and print its new token, once.")

        @Argument(help: "The integration's name: lower-case letters, digits, '.', '_', '-' (e.g. notification-bot).")
        var name: String

        @Flag(help: "Print {\"name\", \"token\", \"token_id\", \"created_at\"} as JSON.")
        var json = false

        func run() async throws {
            let name = name
            let (integration, token) = try await Integrations.withRegistry { try await $0.add(name: name, actor: Integrations.actor) }
            if json {
                Output.json([
                    "name": integration.name, "token": token.text, "token_id": integration.tokenID,
                    "created_at": Integrations.time(integration.createdAt) ?? "",
                ])
            } else {
                Output.line(token.text)
                Output.error(
                    "Added integration \(integration.name) (token id \(integration.tokenID)). The token above is shown only this once: "
                        + "give it to the integration as its Graph API access token and point its base URL at https://<recordkeeper>/graph.")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an integration's token: the proxy refuses it from the next request.")

        @Argument(help: "The integration's name.")
        var name: String

        @Flag(help: "Print {\"name\", \"token_id\", \"revoked_at\", \"revoked_now\"} as JSON.")
        var json = false

        func run() async throws {
            let name = name
            let (integration, revokedNow) = try await Integrations.withRegistry { try await $0.revoke(name: name, actor: Integrations.actor) }
            if json {
                Output.json([
                    "name": integration.name, "token_id": integration.tokenID,
                    "revoked_at": Integrations.time(integration.revokedAt) ?? "", "revoked_now": revokedNow,
                ])
            } else {
                Output.line(
                    revokedNow
                        ? "Revoked integration \(integration.name) (token id \(integration.tokenID))."
                        : "Integration \(integration.name) was already revoked (at \(Integrations.time(integration.revokedAt) ?? "?")).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the integrations, active and revoked (never their tokens).")

        @Flag(help: "Print a JSON array of {\"name\", \"token_id\", \"created_at\", \"revoked_at\", \"active\"}.")
        var json = false

        func run() async throws {
            let integrations = try await Integrations.withRegistry { try await $0.list() }
            if json {
                let rows: [[String: Any]] = integrations.map {
                    [
                        "name": $0.name, "token_id": $0.tokenID, "created_at": Integrations.time($0.createdAt) ?? "",
                        "revoked_at": Integrations.time($0.revokedAt).map { $0 as Any } ?? NSNull(), "active": $0.isActive,
                    ]
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                FileHandle.standardOutput.write(data + Data("\n".utf8))
                return
            }
            if integrations.isEmpty { Output.line("No integrations yet: `recordkeeper integrations add NAME`.") }
            for integration in integrations {
                let state = integration.revokedAt.map { "revoked \(Integrations.time($0) ?? "")" } ?? "active"
                Output.line("\(integration.name)  token id \(integration.tokenID)  added \(Integrations.time(integration.createdAt) ?? "")  \(state)")
            }
        }
    }
}
