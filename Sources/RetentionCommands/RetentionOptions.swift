import ArgumentParser
import Foundation
import RecordkeeperRuntime

/// `--ledger`, as every `recordkeeper retention …` command that opens the ledger takes it
/// (`@OptionGroup var ledger: RetentionLedgerOption`).
struct RetentionLedgerOption: ParsableArguments {
    @Option(help: "The ledger (default RECORDKEEPER_LEDGER or main).")
    var ledger: String?

    /// The ledger to work on: `--ledger`, else `RECORDKEEPER_LEDGER`, else `main`.
    var name: String { Runtime.ledger(ledger) }
}

/// The hidden `--now` of the retention commands that record or judge something at a time (tests
/// and rehearsals set it; people leave it out): `@OptionGroup var clock: RetentionClockOption`.
struct RetentionClockOption: ParsableArguments {
    @Option(help: .hidden)
    var now: String?

    /// The time to act at: `--now` (ISO 8601), else the current time. A bad one is refused as
    /// `recordkeeper retention <command>` (exit 1, and `{"ok":false,…}` with `json`).
    func date(command: String, json: Bool) throws -> Date {
        try RetentionCLI.now(now, command: command, json: json)
    }
}
