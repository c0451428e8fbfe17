import ArgumentParser
import Exports
import Foundation
import RecordkeeperRuntime

/// `recordkeeper verify-export BUNDLE`: checks an export bundle offline, with no database and no
/// configuration (docs/export-format.md section 6).
struct VerifyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export",
        abstract: "Check an export bundle offline: every file's hash, the checkpoint's signature, every message's proof and released text.",
        discussion: """
            Needs no database and no configuration. Redacted and withheld messages are proven to exist (their \
            ledger entries and proofs) without being revealed. Give the agency's published verifier key with \
            --trusted-key for the strongest check; without it the key inside the bundle is used, which proves \
            the bundle consistent but not who signed it. Exit codes: 0 verified, 1 a problem found (each one \
            named), 2 could not run.
            """)

    @Argument(help: "The bundle (.tar.zst).") var bundle: String
    @Option(help: "A file of trusted verifier keys (one `name+keyid+base64` line each), as the agency publishes them.")
    var trustedKey: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: bundle) else {
            if json { Output.json(["ok": false, "error": "\(bundle) cannot be read"]) }
            Output.error("recordkeeper verify-export: \(bundle) does not exist or cannot be read: give the bundle's path")
            throw ExitCode(1)
        }
        var keys: [String]?
        if let trustedKey {
            guard let text = try? String(contentsOfFile: trustedKey, encoding: .utf8) else {
                Output.error("recordkeeper verify-export: --trusted-key \(trustedKey) cannot be read: give a file of verifier key lines")
                throw ExitCode(2)
            }
            keys = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard keys?.isEmpty == false else {
                Output.error("recordkeeper verify-export: --trusted-key \(trustedKey) holds no key line")
                throw ExitCode(2)
            }
        }
        let started = ContinuousClock.now
        let report = ExportVerifier.verify(bundle: URL(fileURLWithPath: bundle), trustedKeys: keys)
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let messages = report.released + report.redacted + report.withheld
        if json {
            var object: [String: Any] = [
                "ok": report.ok, "bundle": bundle, "files": report.files, "messages": messages, "released": report.released,
                "redacted": report.redacted, "withheld": report.withheld, "trusted_key": trustedKey != nil, "seconds": seconds,
                "problems": report.problems.map { ["code": $0.code, "subject": $0.subject, "message": $0.message] },
            ]
            if let ledger = report.ledger { object["ledger"] = ledger }
            if let size = report.checkpointSize { object["checkpoint_size"] = size }
            if let sha = report.manifestSHA256 { object["manifest_sha256"] = sha }
            if let list = report.transferList { object["transfer_list"] = list }
            Output.json(object)
        } else if report.ok {
            Output.line(
                "Verified \(report.transferList.map { "the transfer package of list \($0), " } ?? "")\(bundle): \(report.files) files, \(messages) messages (\(report.released) released, \(report.redacted) redacted, "
                    + "\(report.withheld) withheld) proven in ledger \(report.ledger ?? "?") against its signed checkpoint of \(report.checkpointSize ?? 0) entries"
                    + (trustedKey == nil ? " (signed by the key inside the bundle: give --trusted-key to check who signed it)." : " signed by a trusted key."))
        } else {
            for problem in report.problems { Output.line("\(problem.code) (\(problem.subject)): \(problem.message)") }
        }
        if !report.ok {
            Output.error("recordkeeper verify-export: \(bundle) does not verify: \(report.problems.count) problem(s), named above")
            throw ExitCode(1)
        }
    }
}
