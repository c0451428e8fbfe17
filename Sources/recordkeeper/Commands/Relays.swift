import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime
import WebhookRelay

struct Relays: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Relay recorded WhatsApp webhook deliveries to an existing webhook app, re-signed with its secret.",
        discussion: """
            Per business number (Meta's phone_number_id), a downstream URL and secret: every delivery \
            recorded for the number is POSTed there byte for byte, with X-Hub-Signature-256 computed \
            with the downstream secret, from a persistent queue with retries (docs/operations.md, \
            "Relaying webhooks to an existing app"). The secret is stored sealed under the master key \
            and never printed. A running server picks changes up within RECORDKEEPER_RELAY_RELOAD seconds. \
            Exit codes: 0 done, 1 refused (the relay exists, or does not), 2 bad input or could not run.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// Prints `message` as the command's error and exits with `code`.
    static func fail(_ command: String, _ message: String, code: Int32) -> ExitCode {
        Output.error("recordkeeper relays \(command): \(message)")
        return ExitCode(code)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a relay (or with --replace, change one).")

        @Argument(help: "The relay's name: 1-63 of a-z 0-9 . _ - (its stream is wa-relay/<name>).")
        var name: String

        @Option(name: .customLong("phone-number-id"), help: "A business number whose deliveries are relayed (repeatable).")
        var phoneNumberIDs: [String] = []

        @Option(help: "The downstream webhook URL: https, or http to loopback only.")
        var url: String

        @Option(help: "A file holding the downstream app secret (surrounding white space is ignored).")
        var secretFile: String?

        @Flag(help: "Read the downstream app secret from standard input.")
        var secretStdin = false

        @Flag(help: "Replace an existing relay of this name.")
        var replace = false

        @Flag(help: "Add it disabled: nothing is queued for it until it is replaced enabled.")
        var disabled = false

        @Option(help: "The ledger the configuration event goes to (default RECORDKEEPER_LEDGER or main).")
        var ledger: String?

        @Flag(help: "Print a JSON summary.")
        var json = false

        func run() async throws {
            let relay: WebhookRelay
            let secret: String
            do {
                relay = try WebhookRelay(name: name, phoneNumberIDs: phoneNumberIDs, url: url, enabled: !disabled)
                secret = try readSecret()
            } catch {
                throw Relays.fail("add", "\(error)", code: 2)
            }
            let logger = Output.makeLogger()
            let runtime: Runtime
            do { runtime = try await Runtime.prepare(logger: logger, keys: .required) } catch {
                throw Relays.fail("add", "could not run: \(describeError(error))", code: 2)
            }
            defer { runtime.shutdown() }
            let ledger = Runtime.ledger(ledger)
            let replace = replace
            let replaced: Bool
            do {
                replaced = try await withLedgerStore(runtime, logger: logger) { store in
                    try await WebhookRelayStore.save(relay, secret: secret, replace: replace, store: store, ledger: ledger, actor: Runtime.actor)
                }
            } catch let error as WebhookRelayConfigError {
                throw Relays.fail("add", "\(error)", code: 1)
            } catch {
                throw Relays.fail("add", "could not run: \(DatabaseErrorDescription.readable(error))", code: 2)
            }
            if json {
                var summary = Relays.describe(relay)
                summary["replaced"] = replaced
                summary["ledger"] = ledger
                Output.json(summary)
            } else {
                Output.line(
                    "\(replaced ? "Replaced" : "Added") relay \(relay.name): deliveries for \(relay.phoneNumberIDs.joined(separator: ", ")) go to \(relay.url)\(relay.enabled ? "" : " (disabled)")."
                )
            }
        }

        /// The secret from --secret-file or standard input, trimmed; never echoed.
        func readSecret() throws -> String {
            guard (secretFile != nil) != secretStdin else {
                throw CLIError("give the downstream app secret with exactly one of --secret-file PATH or --secret-stdin")
            }
            let data: Data
            if let secretFile {
                guard let contents = FileManager.default.contents(atPath: secretFile) else { throw CLIError("cannot read the secret file \(secretFile)") }
                data = contents
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("the secret is not UTF-8 text") }
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw CLIError("the secret is empty") }
            return secret
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the relays (never their secrets).")

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let relays: [WebhookRelay]
            do {
                let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
                defer { runtime.shutdown() }
                relays = try await withPostgresClient(runtime.service, logger: logger) { client in
                    try await WebhookRelayStore.list(client: client, logger: logger)
                }
            } catch {
                throw Relays.fail("list", "could not run: \(describeError(error))", code: 2)
            }
            if json {
                Output.json(["relays": relays.map(Relays.describe)])
            } else if relays.isEmpty {
                Output.line("No relay: add one with `recordkeeper relays add NAME --phone-number-id ID --url URL --secret-file PATH`.")
            } else {
                for relay in relays {
                    Output.line("\(relay.name)  \(relay.phoneNumberIDs.joined(separator: ","))  \(relay.url)\(relay.enabled ? "" : "  (disabled)")")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a relay; deliveries still queued for it are given up (and recorded so).")

        @Argument(help: "The relay's name.")
        var name: String

        @Option(help: "The ledger the configuration event goes to (default RECORDKEEPER_LEDGER or main).")
        var ledger: String?

        @Flag(help: "Print a JSON summary.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime: Runtime
            do { runtime = try await Runtime.prepare(logger: logger, keys: .required) } catch {
                throw Relays.fail("remove", "could not run: \(describeError(error))", code: 2)
            }
            defer { runtime.shutdown() }
            let ledger = Runtime.ledger(ledger)
            let name = name
            do {
                try await withLedgerStore(runtime, logger: logger) { store in
                    try await WebhookRelayStore.remove(name, store: store, ledger: ledger, actor: Runtime.actor)
                }
            } catch let error as WebhookRelayConfigError {
                throw Relays.fail("remove", "\(error)", code: 1)
            } catch {
                throw Relays.fail("remove", "could not run: \(DatabaseErrorDescription.readable(error))", code: 2)
            }
            if json {
                Output.json(["removed": name, "ledger": ledger])
            } else {
                Output.line("Removed relay \(name).")
            }
        }
    }

    static func describe(_ relay: WebhookRelay) -> [String: Any] {
        var summary: [String: Any] = ["name": relay.name, "phone_number_ids": relay.phoneNumberIDs, "url": relay.url, "enabled": relay.enabled]
        let format = ISO8601DateFormatter()
        if let created = relay.createdAt { summary["created_at"] = format.string(from: created) }
        if let updated = relay.updatedAt { summary["updated_at"] = format.string(from: updated) }
        return summary
    }
}
