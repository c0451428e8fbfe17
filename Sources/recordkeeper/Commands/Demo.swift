import ArgumentParser
import DemoData
import Events
import Foundation
import Ledger
import LedgerStore
import Logging
import Messaging
import RecordkeeperCore
import RecordkeeperRuntime
import WhatsApp

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record three demo WhatsApp conversations in the `demo` ledger, ending a few minutes ago (idempotent).",
        discussion: """
            Meant for the embedded default and for trying the product. Inbound messages go through the same \
            mapping as real webhook deliveries (docs/whatsapp-ingest.md); the agency's answers are recorded as \
            the send API records them (message.send.requested, then message.send.accepted), with read statuses. Every event's actor names it as demo data. \
            The conversations are dated relative to now (the last line a few minutes ago), so a reply is inside WhatsApp's \
            24-hour window. Re-running records none of them again; once they are recorded, a run records one citizen's \
            follow-up dated now instead (at most one an hour), so the window is open again. \
            `scripts/run.sh --demo` serves the demo ledger's conversations at /v1/conversations.
            """
    )

    @Option(help: "The ledger to record the demo in.")
    var ledger = "demo"

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        let ledger = ledger
        let receipts = try await withLedgerStore(runtime, logger: logger) { store in
            try await DemoConversations.record(into: store, ledger: ledger)
        }
        let added = receipts.filter { !$0.alreadyRecorded }.count
        if json {
            Output.json(["ledger": ledger, "events": receipts.count, "added": added, "last_position": receipts.map(\.position).max() ?? 0])
        } else {
            Output.line(
                "Demo ledger \(ledger): \(added) events added, \(receipts.count - added) already recorded (positions 1–\(receipts.map(\.position).max() ?? 0))."
            )
        }
    }
}
