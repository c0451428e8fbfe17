import ArgumentParser
import Foundation
import LedgerStore
import Logging
import RecordkeeperRuntime

struct ProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print RFC 9162 inclusion and consistency proofs as JSON.",
        discussion: "Check them offline with `recordkeeper verify-proof` against a signed checkpoint.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prove that the entry at a position is in the tree of a given size.")

        @Option(help: "The ledger (default: the only ledger).")
        var ledger: String?

        @Option(help: "The entry's position (1 is the first entry).")
        var position: Int64

        @Option(help: "The tree size (default: the whole ledger). Use a checkpoint's size to check against it.")
        var size: Int64?

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let (named, position, size) = (ledger, position, size)
            let proof = try await withLedgerStore(runtime, logger: logger) { store in
                try await store.inclusionProof(ledger: try await chooseLedger(named, in: store), position: position, treeSize: size)
            }
            try Output.encoded(proof)
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prove that the tree of size --to extends the tree of size --from.")

        @Option(help: "The ledger (default: the only ledger).")
        var ledger: String?

        @Option(help: "The older tree size.")
        var from: Int64

        @Option(help: "The newer tree size.")
        var to: Int64

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let (named, from, to) = (ledger, from, to)
            let proof = try await withLedgerStore(runtime, logger: logger) { store in
                try await store.consistencyProof(ledger: try await chooseLedger(named, in: store), from: from, to: to)
            }
            try Output.encoded(proof)
        }
    }
}
