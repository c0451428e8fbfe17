import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import Logging

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read the ledger and recompute every hash and payload commitment.",
        discussion: """
            Exit status: 0 intact, 1 tampered (the first bad position and why are printed), \
            2 could not run. Without a master key only the chain is verified (level "chain").
            """
    )

    @Option(help: "Verify only this ledger (default: every ledger).")
    var ledger: String?

    @Option(help: "Start at this position, trusting the stored hash of the entry before it.")
    var from: Int64 = 1

    @Flag(help: "Print one JSON object: ok, entries, first_bad_position, reason, level, ledgers.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let reports: [LedgerVerificationReport]
        do {
            guard from >= 1 else { throw CLIError("--from must be 1 or more") }
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let selected = ledger
            let start = from
            let showProgress = !json
            reports = try await withLedgerStore(runtime, logger: logger) { store in
                let names: [String]
                if let selected { names = [selected] } else { names = try await store.ledgers().map(\.name) }
                var reports: [LedgerVerificationReport] = []
                for name in names {
                    let report = try await store.verify(ledger: name, from: start) { position, head in
                        if showProgress { Output.progress("verifying \(name): \(position) of \(head)") }
                    }
                    if showProgress { Output.endProgress() }
                    reports.append(report)
                    if !report.ok { break }
                }
                return reports
            }
        } catch {
            if json {
                Output.json(["ok": false, "entries": 0, "first_bad_position": NSNull(), "reason": NSNull(), "error": "\(error)"])
            }
            Output.error("recordkeeper verify: could not run: \(error)")
            throw ExitCode(2)
        }
        let failed = reports.first { !$0.ok }
        let entries = reports.reduce(Int64(0)) { $0 + $1.entries }
        let level = reports.first?.level ?? .chain
        if json {
            Output.json([
                "ok": failed == nil,
                "entries": entries,
                "first_bad_position": failed?.failure.map { $0.position } as Any? ?? NSNull(),
                "reason": failed?.failure.map { $0.description } as Any? ?? NSNull(),
                "reason_code": failed?.failure.map { $0.reason.code } as Any? ?? NSNull(),
                "ledger": failed?.ledger as Any? ?? NSNull(),
                "level": level.rawValue,
                "ledgers": reports.map { report in
                    [
                        "ledger": report.ledger, "ok": report.ok, "entries": report.entries, "head": report.headPosition,
                        "payloads_verified": report.payloadsVerified, "payloads_destroyed": report.payloadsDestroyed,
                        "first_bad_position": report.failure.map { $0.position } as Any? ?? NSNull(),
                    ] as [String: Any]
                },
            ])
        } else {
            for report in reports {
                if let failure = report.failure {
                    Output.line("TAMPERED  ledger \(report.ledger): first bad position \(failure.position): \(failure)")
                } else {
                    let payloads = level == .chainAndPayloads
                        ? ", \(report.payloadsVerified) payloads checked, \(report.payloadsDestroyed) lawfully destroyed"
                        : " (chain only: no master key, payloads not checked)"
                    Output.line("OK        ledger \(report.ledger): \(report.entries) entries intact\(payloads)")
                }
            }
            if reports.isEmpty { Output.line("No ledgers to verify.") }
        }
        if failed != nil { throw ExitCode(1) }
    }
}
