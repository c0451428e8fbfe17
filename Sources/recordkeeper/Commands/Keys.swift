import Access
import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime
import WebhookRelay

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and rotate the master key, and the checkpoint signing keys.",
        subcommands: [Create.self, Rotate.self, Status.self, Signing.self, Public.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a new random master key to a file (mode 0600).")

        @Option(help: "The file to create; an existing file is never overwritten.")
        var out: String

        @Flag(help: "Print a JSON summary.")
        var json = false

        func run() async throws {
            let key = MasterKey.generate()
            try SecretFile.write(key.base64 + "\n", to: URL(fileURLWithPath: out))
            if json {
                Output.json(["file": out, "master_key_id": key.identifier])
            } else {
                Output.line("Wrote master key \(key.identifier) to \(out) (mode 0600).")
                Output.line("Back it up apart from the database: without it, every payload is unreadable.")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every data key under a new master key (payloads are not re-encrypted).",
            discussion: """
                Stop writers first. Runs as the schema owner (DATABASE_OWNER_URL; the embedded \
                default has it): the service role may not change keys. If --new-key-file exists it \
                is used as the new key, otherwise a new key is generated into it. In the embedded default, without --new-key-file, the \
                data directory's master.key is replaced and the old key is kept beside it as \
                master.key.<id>.retired. Keep the old key until `recordkeeper verify` passes with the new one.
                """
        )

        @Option(help: "Where the new master key is (or will be written).")
        var newKeyFile: String?

        @Flag(help: "Print a JSON summary.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            guard let old = runtime.masterKey else { throw CLIError(LedgerStoreError.noMasterKey.description) }
            // Re-wrapping changes data_keys and signing_keys, which only the schema owner may do.
            guard let owner = runtime.owner else {
                throw CLIError("keys rotate re-wraps keys as the schema owner: set DATABASE_OWNER_URL (the service role in DATABASE_URL may not change keys)")
            }
            let replaceEmbedded = newKeyFile == nil && runtime.embedded != nil
            guard let target = newKeyFile ?? (replaceEmbedded ? runtime.masterKeyFile.map { $0 + ".new" } : nil) else {
                throw CLIError("--new-key-file is required: the file that holds (or will hold) the new master key")
            }
            let new: MasterKey
            if FileManager.default.fileExists(atPath: target) {
                new = try SecretFile.readMasterKey(at: target) { logger.warning("\($0)") }
            } else {
                new = MasterKey.generate()
                try SecretFile.write(new.base64 + "\n", to: URL(fileURLWithPath: target))
            }
            guard new.identifier != old.identifier else { throw CLIError("the new master key is the current one") }
            let count = try await withPostgresClient(owner, logger: logger) { client in
                try await DataKeyRing.rotate(client: client, from: old, to: new, logger: logger) { connection in
                    try await WebhookRelayStore.rewrap(connection: connection, from: old, to: new, logger: logger)
                    try await StaffDirectory.rewrap(connection: connection, from: old, to: new, logger: logger)
                }
            }
            var finalFile = target
            if replaceEmbedded, let current = runtime.masterKeyFile {
                let fm = FileManager.default
                try fm.moveItem(atPath: current, toPath: "\(current).\(old.identifier).retired")
                try fm.moveItem(atPath: target, toPath: current)
                finalFile = current
            }
            if json {
                Output.json(["rewrapped": count, "old_master_key_id": old.identifier, "new_master_key_id": new.identifier, "file": finalFile])
            } else {
                Output.line("Re-wrapped \(count) data keys from master key \(old.identifier) to \(new.identifier).")
                if !replaceEmbedded {
                    Output.line("Now set RECORDKEEPER_MASTER_KEY_FILE=\(finalFile) and restart; keep the old key until `recordkeeper verify` passes.")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the configured master key and which keys wrap the data keys.")

        @Flag(help: "Print a JSON summary.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let census = try await withPostgresClient(runtime.service, logger: logger) { client in
                try await DataKeyRing.census(client: client, logger: logger)
            }
            let configured = runtime.masterKey?.identifier
            if json {
                Output.json(["master_key_id": configured as Any? ?? NSNull(), "data_keys_by_master_key": census])
            } else {
                Output.line("Configured master key: \(configured ?? "none")")
                for (id, count) in census.sorted(by: { $0.key < $1.key }) {
                    Output.line("  \(count) data keys wrapped by \(id)\(id == configured ? " (configured)" : "")")
                }
            }
        }
    }
}
