import ArgumentParser
import Foundation
import LedgerStore
import Logging
import RecordkeeperRuntime
import Server
import Workers

struct Projections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where the projections stand, and rebuild them from the ledger.",
        discussion: """
            Projections (conversations, media) are caches of the ledger that `serve` keeps up to date. \
            A rebuild deletes a projection's rows of a ledger and replays the ledger from position 1; \
            it is safe while `serve` runs (both take the projection's row lock).
            """,
        subcommands: [Status.self, Rebuild.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each projection's version and last position, per ledger.")

        @Flag(help: "Print a JSON array: projection, ledger, version, stored_version, last_position, head_position, behind, needs_rebuild, updated_at.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let statuses = try await withLedgerStore(runtime, logger: logger) { store in
                try await ProjectionRunner(store: store, projections: WorkerSet.projections, logger: logger).status()
            }
            if json {
                try Output.encoded(statuses)
                return
            }
            if statuses.isEmpty { Output.line("No ledgers yet.") }
            for status in statuses {
                let state =
                    status.storedVersion == nil
                    ? "never run"
                    : status.needsRebuild ? "version \(status.storedVersion ?? 0) stored, rebuilds to \(status.version)" : "version \(status.version)"
                Output.line(
                    "\(status.projection) on \(status.ledger): position \(status.lastPosition) of \(status.headPosition) (\(status.behind) behind), \(state)")
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset a projection and replay the ledger into it from position 1.")

        @Argument(help: "The projection: conversations or media.")
        var name: String

        @Option(help: "The ledger (default: the only one).")
        var ledger: String?

        @Flag(help: "Print a JSON summary: projection, ledger, applied, last_position, seconds.")
        var json = false

        func run() async throws {
            let logger = Output.makeLogger()
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            guard runtime.masterKey != nil else {
                throw CLIError("rebuilding needs the master key (projections read payloads for names and media details): \(LedgerStoreError.noMasterKey)")
            }
            let projection = try ProjectionRunner.projection(named: name, in: WorkerSet.projections)
            let selected = ledger
            let showProgress = !json
            let started = Date()
            let result = try await withLedgerStore(runtime, logger: logger) { store in
                let ledger = try await chooseLedger(selected, in: store)
                let runner = ProjectionRunner(store: store, projections: [projection], logger: logger)
                return try await runner.rebuild(projection, ledger: ledger) { progress in
                    if showProgress {
                        Output.progress(
                            "rebuilding \(progress.projection) of \(progress.ledger): position \(progress.lastPosition) of \(progress.headPosition)")
                    }
                }
            }
            if showProgress { Output.endProgress() }
            let seconds = Date().timeIntervalSince(started)
            if json {
                Output.json([
                    "projection": result.projection, "ledger": result.ledger, "applied": result.applied,
                    "last_position": result.lastPosition, "seconds": (seconds * 1000).rounded() / 1000,
                ])
            } else {
                Output.line(
                    "Rebuilt \(result.projection) of ledger \(result.ledger): \(result.applied) entries applied, up to position \(result.lastPosition), in \(String(format: "%.1f", seconds)) s."
                )
            }
        }
    }
}
