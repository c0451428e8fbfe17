import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention destroy LIST`: destroys the records of an approved destruction list.
struct RetentionDestroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Destroy the records of an approved disposition list (and finish any interrupted destruction).",
        discussion: """
            Each batch of records is checked against every active legal hold in the same transaction \
            that destroys it: a held record is kept and reported. The content of each destroyed \
            record (messages, media, notes) is removed for good: its data key is shredded and every \
            payload it sealed deleted; the ledger keeps who wrote when, and the record.destroyed \
            authority naming the list, series and approvals. A run that stopped half-way is finished \
            by running it again (or with --resume alone). Afterwards, rotate the master key \
            (`recordkeeper keys rotate`) and delete the old one, so backups taken before cannot \
            reveal what was destroyed (docs/records-officer.md, "Backups and destruction"). \
            Exit codes: 0 done, 1 refused (not approved, unknown list; nothing destroyed), 2 could not run.
            """
    )

    @Argument(help: "The disposition list (see `recordkeeper retention disposition list`).")
    var list: String?

    @Flag(help: "Only finish destructions an earlier run left unfinished.")
    var resume = false

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Option(help: .hidden)
    var crashAfterAppend: Int?

    @Flag(help: "Print a JSON summary.")
    var json = false

    func validate() throws {
        guard (list == nil) == resume else { throw ValidationError("give a disposition list to destroy, or --resume alone") }
    }

    func run() async throws {
        let at = try clock.date(command: "destroy", json: json)
        let ledger = self.ledger.name
        let crashAfter = crashAfterAppend
        let showProgress = !json
        let appended = LockedCounter()
        let list = list
        let outcome = try await RetentionCLI.withStore("destroy", ledger: ledger, json: json) { store in
            let destroyer = RetentionDestroyer(store: store, ledger: ledger)
            let progress: @Sendable (DestructionProgress) -> Void = { p in
                if showProgress {
                    Output.progress("destroying: \(p.recordsConsidered) of \(p.recordsTotal) records considered, \(p.recordsDestroyed) destroyed")
                }
            }
            // Test hook: die between appending an authority and committing its destruction.
            let stop: @Sendable () -> Void = {
                if let crashAfter, appended.increment() >= crashAfter { kill(getpid(), SIGKILL) }
            }
            defer { if showProgress { Output.endProgress() } }
            if let list {
                return try await destroyer.destroy(list: list, actor: Runtime.actor, now: at, progress: progress, stopAfterAppend: stop)
            }
            return try await destroyer.resume(actor: Runtime.actor, now: at, progress: progress)
        }
        report(outcome)
    }

    private func report(_ outcome: DestructionOutcome) {
        let held = outcome.held.keys.sorted()
        if json {
            Output.json(RetentionJSON.outcome(outcome).merging(["ok": true]) { _, new in new })
            return
        }
        if outcome.resumed > 0 { Output.line("Finished \(outcome.resumed) destruction(s) an earlier run left unfinished.") }
        Output.line(
            "Destroyed \(outcome.recordsDestroyed) record(s)\(outcome.list.map { " of list \($0)" } ?? ""): \(outcome.payloadsRemoved) payloads removed, \(outcome.keysDestroyed) data keys shredded; authority at ledger position(s) \(outcome.authorities.map(String.init).joined(separator: ", "))."
        )
        for record in held {
            Output.line("  kept \(record): under legal hold \((outcome.held[record] ?? []).joined(separator: ", "))")
        }
        for record in outcome.refiled.sorted() {
            Output.line("  kept \(record): filed into another series since the list was approved")
        }
        if outcome.recordsDestroyed > 0 {
            Output.line(
                "Next: rotate the master key (`recordkeeper keys rotate`) and delete the old key, so that backups taken before today cannot reveal these records."
            )
        }
    }
}

/// A counter shared with a `@Sendable` closure.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
