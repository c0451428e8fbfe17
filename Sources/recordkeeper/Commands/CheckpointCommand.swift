import ArgumentParser
import Checkpoints
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime
import Server

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of a ledger now, store it and deliver it to the configured sinks.",
        discussion: """
            The checkpoint is a C2SP signed note (docs/ledger-format.md section 12): the tree size, \
            Merkle root and chain head, signed with the active signing key (see `recordkeeper keys \
            signing create`). Configured sinks (RECORDKEEPER_CHECKPOINT_DIR, \
            RECORDKEEPER_CHECKPOINT_POST_URL, RECORDKEEPER_TSA_URL) receive it as the service would \
            deliver it.
            """
    )

    @Option(help: "The ledger (default: the only ledger).")
    var ledger: String?

    @Option(help: "Also write the signed note to this file (never overwritten).")
    var out: String?

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        let logName = try Runtime.logName()
        let settings = try CheckpointSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        let named = ledger
        let outFile = out
        let (checkpoint, deliveries) = try await withLedgerStore(runtime, logger: logger) { store in
            let name = try await chooseLedger(named, in: store)
            let checkpoint = try await store.makeCheckpoint(ledger: name, logName: logName)
            if let outFile {
                try CheckpointFiles.writeExclusively(Data(checkpoint.note.utf8), to: URL(fileURLWithPath: outFile))
            }
            let publisher = CheckpointPublisher(store: store, settings: settings, logger: logger)
            let deliveries = try await publisher.publishPending()
            return (checkpoint, deliveries)
        }
        if json {
            var summary: [String: Any] = [
                "ledger": checkpoint.ledger, "id": checkpoint.id, "tree_size": checkpoint.treeSize,
                "root_hash": checkpoint.rootHash.hex, "chain_head": checkpoint.chainHead.hex, "note": checkpoint.note,
                "deliveries": deliveries.map { ["sink": $0.sink, "location": $0.location, "checkpoint_id": $0.checkpointID] as [String: Any] },
            ]
            if let outFile { summary["file"] = outFile }
            Output.json(summary)
        } else {
            FileHandle.standardOutput.write(Data(checkpoint.note.utf8))
            if let outFile { Output.error("Wrote the signed checkpoint to \(outFile).") }
            for delivery in deliveries { Output.error("Delivered checkpoint #\(delivery.checkpointID) to \(delivery.sink): \(delivery.location)") }
        }
    }
}
