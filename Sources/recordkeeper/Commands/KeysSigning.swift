import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime

extension Keys {
    struct Signing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or rotate the Ed25519 key that signs checkpoints.",
            discussion: """
                The private key is stored in the database only wrapped under the master key. After \
                a rotation the old key stays listed by `recordkeeper keys public`, so checkpoints it \
                signed still verify. Publish the output of `recordkeeper keys public` outside the agency.
                """,
            subcommands: [Create.self, Rotate.self, List.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create the first signing key (refused if one exists; use rotate).")

            @Flag(help: "Print a JSON summary.")
            var json = false

            func run() async throws {
                try await makeKey(rotating: false, json: json)
            }
        }

        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a new signing key; new checkpoints use it, old ones keep verifying.")

            @Flag(help: "Print a JSON summary.")
            var json = false

            func run() async throws {
                try await makeKey(rotating: true, json: json)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the signing keys (public parts).")

            @Flag(help: "Print JSON.")
            var json = false

            func run() async throws {
                let logger = Output.makeLogger()
                let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
                defer { runtime.shutdown() }
                let keys = try await withPostgresClient(runtime.service, logger: logger) { client in
                    try await SigningKeyStore.list(client: client, logger: logger)
                }
                if json {
                    Output.json(["signing_keys": keys.map(describe)])
                } else if keys.isEmpty {
                    Output.line("No signing key: create one with `recordkeeper keys signing create`.")
                } else {
                    for key in keys {
                        Output.line("key \(key.id)  \(Data(key.publicKey).base64EncodedString())  created \(key.createdAt)\(key.active ? "  (active)" : "")")
                    }
                }
            }
        }

        static func makeKey(rotating: Bool, json: Bool) async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .required)
            defer { runtime.shutdown() }
            guard let master = runtime.masterKey else { throw CLIError(LedgerStoreError.noMasterKey.description) }
            let logName = try Runtime.logName()
            let (key, ledgers) = try await withPostgresClient(runtime.service, logger: logger) { client in
                let existing = try await SigningKeyStore.list(client: client, logger: logger)
                if !rotating, let active = existing.last {
                    throw CLIError("a signing key exists already (key \(active.id)); use `recordkeeper keys signing rotate` to replace it")
                }
                let key = try await SigningKeyStore.create(client: client, masterKey: master, logger: logger)
                let store = LedgerStore(client: client, masterKey: nil, logger: logger)
                return (key, try await store.ledgers().map(\.name))
            }
            let verifierKeys = try ledgers.map { try key.verifierKey(logName: logName, ledger: $0).description }
            if json {
                var summary = describe(key)
                summary["verifier_keys"] = verifierKeys
                Output.json(summary)
            } else {
                Output.line("Created signing key \(key.id)\(rotating ? "; it signs new checkpoints from now on" : "").")
                Output.line("Publish its verifier keys (`recordkeeper keys public` prints all of them):")
                for line in verifierKeys { Output.line("  \(line)") }
            }
        }

        static func describe(_ key: SigningKeyInfo) -> [String: Any] {
            [
                "id": key.id, "public_key": Data(key.publicKey).base64EncodedString(), "created_at": ISO8601DateFormatter().string(from: key.createdAt),
                "active": key.active,
            ]
        }
    }

    struct Public: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the checkpoint verifier keys (signed-note format), one per ledger and signing key.",
            discussion: "The lines are what auditors pass to `recordkeeper verify --public-key-file` or tools/verify_ledger.py."
        )

        @Option(help: "Only this ledger's keys.")
        var ledger: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let logName = try Runtime.logName()
            let only = ledger
            let (keys, ledgers) = try await withPostgresClient(runtime.service, logger: logger) { client in
                let keys = try await SigningKeyStore.list(client: client, logger: logger)
                let store = LedgerStore(client: client, masterKey: nil, logger: logger)
                let ledgers: [String]
                if let only { ledgers = [try await store.ledger(named: only, create: false).name] } else { ledgers = try await store.ledgers().map(\.name) }
                return (keys, ledgers)
            }
            guard !keys.isEmpty else { throw CLIError("no signing key: create one with `recordkeeper keys signing create`") }
            var lines: [[String: Any]] = []
            for ledger in ledgers {
                for key in keys {
                    lines.append([
                        "ledger": ledger, "key_id": key.id, "active": key.active,
                        "verifier_key": try key.verifierKey(logName: logName, ledger: ledger).description,
                    ])
                }
            }
            if json {
                Output.json(["log_name": logName, "keys": lines])
            } else {
                for line in lines { Output.line(line["verifier_key"] as! String) }
            }
        }
    }
}
