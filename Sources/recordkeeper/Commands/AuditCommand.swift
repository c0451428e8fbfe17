import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention

/// `recordkeeper audit …`: checks an auditor runs against the ledger.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit checks: that every destruction was lawful.",
        subcommands: [AuditRetention.self]
    )
}

/// `recordkeeper audit retention`: lists every destruction with its authority and checks that
/// none was unauthorised, unapproved, under a hold, or early.
struct AuditRetention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "List what was destroyed, when and under which authority, and check every destruction was lawful.",
        discussion: """
            Checks, from the ledger: every destroyed payload has a record.destroyed authority naming \
            its data key; every authority cites an approved disposition list (with two different \
            approvers where the series requires two); no destroyed record was covered by a legal hold \
            active at that point of the ledger; no record was destroyed before its retention was met. \
            Exit codes: 0 every check holds, 1 a check failed (each violation is listed), 2 could not run. \
            Run `recordkeeper verify` as well: it proves the ledger itself is intact.
            """
    )

    @Option(help: "The ledger (default RECORDKEEPER_LEDGER or main).")
    var ledger: String?

    @Flag(help: "Print one JSON object: ok, destructions, violations, warnings.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime: Runtime
        do { runtime = try await Runtime.prepare(logger: logger, keys: .optional) } catch {
            Output.error("recordkeeper audit retention: could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        defer { runtime.shutdown() }
        let ledger = Runtime.ledger(ledger)
        let report: RetentionAuditReport
        do {
            report = try await withLedgerStore(runtime, logger: logger) { store in
                try await RetentionAudit(store: store, ledger: ledger).run()
            }
        } catch {
            Output.error("recordkeeper audit retention: could not run: \(describeError(DatabaseErrorDescription.readable(error)))")
            throw ExitCode(2)
        }
        if json {
            Output.json(RetentionJSON.audit(report))
        } else {
            if report.destructions.isEmpty { Output.line("Ledger \(report.ledger): nothing was ever destroyed.") }
            for d in report.destructions {
                Output.line(
                    "\(d.authority.occurredAt.ISO8601Format())  position \(d.authority.position)  \(d.recordsDestroyed) record(s) destroyed under \(d.authority.citation), list \(d.authority.list ?? "none"), by \(d.authority.actor), approved by \(d.approvers.isEmpty ? "nobody" : d.approvers.joined(separator: " and "))"
                )
            }
            for violation in report.violations { Output.line("VIOLATION  \(violation)") }
            for warning in report.warnings { Output.line("WARNING    \(warning)") }
            Output.line(
                report.ok
                    ? "OK: every destruction was authorised, approved, outside any hold and after its retention was met."
                    : "FAILED: \(report.violations.count) violation(s).")
        }
        if !report.ok { throw ExitCode(1) }
    }
}
