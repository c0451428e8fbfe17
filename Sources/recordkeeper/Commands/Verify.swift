import ArgumentParser
import Disposition
import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperRuntime
import Retention

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-read the ledger and recompute every hash, payload commitment, the Merkle tree and checkpoints.",
        discussion: """
            Exit status: 0 intact, 1 tampered (every problem found is printed, the first bad \
            position first), 2 could not run (no database, no such ledger, wrong arguments or \
            master key). Each ledger is verified in one consistent snapshot, up to the head it \
            held: appends made meanwhile are not an alarm. Without a master key only the chain is verified (level "chain"). \
            Give checkpoints kept outside the database with --checkpoint and the published keys \
            with --public-key(-file): a truncated tail or a consistently rewritten chain is found \
            only that way. Checkpoints stored in the database are always checked too.
            """
    )

    @Option(help: "Verify only this ledger (default: every ledger).")
    var ledger: String?

    @Option(help: "Start at this position, trusting the stored hash of the entry before it.")
    var from: Int64 = 1

    @Option(help: "A signed checkpoint file kept outside the database (repeatable).")
    var checkpoint: [String] = []

    @Option(help: "A trusted verifier key NAME+KEYID+BASE64 for --checkpoint (repeatable).")
    var publicKey: [String] = []

    @Option(help: "A file of trusted verifier keys, one per line (repeatable).")
    var publicKeyFile: [String] = []

    @Flag(help: "Do not check the checkpoints stored in the database.")
    var noStoredCheckpoints = false

    @Option(help: "The TSA's CA certificates (PEM): also verify the RFC 3161 token of every stored checkpoint (env RECORDKEEPER_TSA_CA_FILE).")
    var tsaCAFile: String?

    @Flag(help: "Print one JSON object: ok, entries, first_bad_position, reason, reason_code, level, problems, checkpoints, ledgers.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let reports: [LedgerVerificationReport]
        var timestamps: [String: TimestampAuditResult] = [:]
        var authorities: [String: [DestructionAuthority]] = [:]
        do {
            guard from >= 1 else { throw CLIError("--from must be 1 or more") }
            let keys = try loadTrustedKeys(keys: publicKey, files: publicKeyFile)
            // A checkpoint that does not parse names no ledger: it is held to every ledger verified
            // and fails there as checkpoint_signature_invalid (a finding, not "could not run").
            var notes: [(source: String, note: String, ledger: String?)] = []
            for file in checkpoint {
                let text = try readTextFile(file, option: "--checkpoint")
                let origin = (try? Checkpoint(parsingBody: SignedNote(parsing: text).text))?.origin
                notes.append((file, text, origin.flatMap { CheckpointOrigin.ledger(fromOrigin: $0) }))
            }
            if !checkpoint.isEmpty && keys.isEmpty && !json {
                Output.error(
                    "warning: no --public-key given: the checkpoints are checked with the public keys stored in the database, which an attacker with database access could replace"
                )
            }
            if !checkpoint.isEmpty && from > 1 { throw CLIError("--checkpoint needs a full verification: drop --from") }
            let logName = try Runtime.logName()
            let includeStored = !noStoredCheckpoints
            let outsideNotes = notes
            let tsaCA = tsaCAFile ?? ProcessInfo.processInfo.environment["RECORDKEEPER_TSA_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
            defer { runtime.shutdown() }
            let selected = ledger
            let start = from
            let showProgress = !json
            (reports, timestamps, authorities) = try await withLedgerStore(runtime, logger: logger) { store in
                let names: [String]
                if let selected { names = [selected] } else { names = try await store.ledgers().map(\.name) }
                // With one ledger chosen, every checkpoint is held to it (one for another ledger
                // fails as checkpoint_origin_mismatch); otherwise each goes to the ledger it names.
                let single = selected != nil
                if !single {
                    for note in outsideNotes {
                        if let ledger = note.ledger, !names.contains(ledger) {
                            throw CLIError("--checkpoint \(note.source) is for ledger '\(ledger)', which does not exist here")
                        }
                    }
                }
                var reports: [LedgerVerificationReport] = []
                for name in names {
                    let trust = CheckpointTrust(
                        notes: outsideNotes.filter { single || $0.ledger == nil || $0.ledger == name }.map { (source: $0.source, note: $0.note) },
                        trustedKeys: keys, logName: logName, includeStored: includeStored)
                    let report = try await store.verify(ledger: name, from: start, trust: trust) { position, head in
                        if showProgress { Output.progress("verifying \(name): \(position) of \(head)") }
                    }
                    if showProgress { Output.endProgress() }
                    reports.append(report)
                    // A tampered ledger does not stop the others: every problem is reported.
                }
                var timestamps: [String: TimestampAuditResult] = [:]
                if let tsaCA {
                    for report in reports where report.ok {
                        timestamps[report.ledger] = try await TimestampAuditResult.run(store: store, ledger: report.ledger, caFile: tsaCA)
                    }
                }
                var authorities: [String: [DestructionAuthority]] = [:]
                for report in reports {
                    authorities[report.ledger] = try await DestructionAuthority.all(
                        positions: report.payloadsDestroyedByAuthority.keys.sorted(), ledger: report.ledger, store: store)
                }
                return (reports, timestamps, authorities)
            }
        } catch {
            if json {
                Output.json(["ok": false, "entries": 0, "first_bad_position": NSNull(), "reason": NSNull(), "error": describeError(error)])
            }
            Output.error("recordkeeper verify: could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        let badTimestamp = timestamps.sorted { $0.key < $1.key }.first { !$0.value.failures.isEmpty }
        let entries = reports.reduce(Int64(0)) { $0 + $1.entries }
        let failed = reports.first { !$0.ok }
        let level = reports.first?.level ?? .chain
        var problem = failed?.firstProblem
        if problem == nil, let (ledger, audit) = badTimestamp, let first = audit.failures.first {
            problem = ("timestamp_invalid", nil, "ledger \(ledger), checkpoint #\(first.checkpointID): \(first.reason)")
        }
        let failedLedger = failed?.ledger ?? badTimestamp?.key
        if json {
            Output.json([
                "ok": problem == nil,
                "entries": entries,
                "first_bad_position": problem?.position as Any? ?? NSNull(),
                "reason": problem?.reason as Any? ?? NSNull(),
                "reason_code": problem?.code as Any? ?? NSNull(),
                "ledger": failedLedger as Any? ?? NSNull(),
                "timestamps": timestamps.mapValues { $0.json },
                "level": level.rawValue,
                "problems": reports.flatMap { report in
                    report.problems.map {
                        ["ledger": report.ledger, "reason_code": $0.code, "first_bad_position": $0.position as Any? ?? NSNull(), "reason": $0.reason]
                            as [String: Any]
                    }
                },
                "checkpoints": reports.flatMap { report in report.checkpoints.map { describe($0, ledger: report.ledger) } },
                "ledgers": reports.map { report in
                    [
                        "ledger": report.ledger, "ok": report.ok, "entries": report.entries,
                        "head": report.headMissing ? NSNull() : report.headPosition as Any,
                        "findings": report.findings.map {
                            ["reason_code": $0.code, "first_bad_position": $0.position as Any? ?? NSNull(), "reason": $0.reason] as [String: Any]
                        },
                        "findings_omitted": report.findingsOmitted,
                        "payloads_verified": report.payloadsVerified, "payloads_destroyed": report.payloadsDestroyed,
                        "destructions": (authorities[report.ledger] ?? []).map { $0.json(payloads: report.payloadsDestroyedByAuthority[$0.position] ?? 0) },
                        "first_bad_position": report.firstProblem?.position as Any? ?? NSNull(),
                        "merkle_root": report.merkleRoot?.hex as Any? ?? NSNull(),
                        "tree_nodes_checked": report.treeNodesChecked,
                    ] as [String: Any]
                },
            ])
        } else {
            for report in reports {
                for result in report.checkpoints {
                    let status = result.verified == true ? "OK      " : result.verified == false ? "FAILED  " : "SKIPPED "
                    Output.line("\(status)  checkpoint \(result.source) (tree size \(result.checkpoint.map { String($0.treeSize) } ?? "?")): \(result.reason)")
                }
                let problems = report.problems
                for (index, problem) in problems.enumerated() {
                    let at = problem.position.map { index == 0 ? "first bad position \($0): " : "position \($0): " } ?? ""
                    Output.line("TAMPERED  ledger \(report.ledger): \(at)\(problem.reason) [\(problem.code)]")
                }
                if report.findingsOmitted > 0 {
                    Output.line("TAMPERED  ledger \(report.ledger): \(report.findingsOmitted) more findings not listed")
                }
                if problems.isEmpty {
                    let payloads =
                        level == .chainAndPayloads
                        ? ", \(report.payloadsVerified) payloads checked, \(report.payloadsDestroyed) lawfully destroyed"
                        : " (chain only: no master key, payloads not checked)"
                    Output.line("OK        ledger \(report.ledger): \(report.entries) entries intact up to head \(report.headPosition)\(payloads)")
                    for authority in authorities[report.ledger] ?? [] {
                        Output.line("          \(authority.summary(payloads: report.payloadsDestroyedByAuthority[authority.position] ?? 0))")
                    }
                }
            }
            for (ledger, audit) in timestamps.sorted(by: { $0.key < $1.key }) {
                let status = audit.failures.isEmpty ? "OK      " : "FAILED  "
                Output.line(
                    "\(status)  timestamps of ledger \(ledger): \(audit.verified) of \(audit.checked) tokens verify, \(audit.missing) checkpoints without a token"
                )
                for failure in audit.failures { Output.line("          checkpoint #\(failure.checkpointID): \(failure.reason)") }
            }
            if reports.isEmpty { Output.line("No ledgers to verify.") }
        }
        if problem != nil { throw ExitCode(1) }
    }

    private func describe(_ result: CheckpointAudit.Result, ledger: String) -> [String: Any] {
        [
            "source": result.source, "ledger": ledger,
            "tree_size": result.checkpoint.map { $0.treeSize } as Any? ?? NSNull(),
            "ok": result.verified as Any? ?? NSNull(),
            "reason_code": result.failure?.rawValue as Any? ?? NSNull(),
            "first_bad_position": result.position as Any? ?? NSNull(),
            "reason": result.reason,
        ]
    }
}
