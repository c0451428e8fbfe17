import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Transfers

extension TransferPackageError: RetentionRefusal {}

/// `recordkeeper retention disposition package LIST --out DIR`: the transfer package of an
/// approved transfer list (docs/records-officer.md, "Transfer lists").
struct RetentionDispositionPackage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Write the transfer package of an approved transfer list: a verifiable export bundle (.tar.zst) for the archives.",
        discussion: """
            Writes DIR/<list>.tar.zst (docs/export-format.md): every message of the list's records released in full \
            with media, salts and proofs, the archives' metadata, a transmittal letter; records export.produced and \
            access.exported. Then record the hand-over: `retention disposition transfer LIST --package FILE`. Exit \
            codes: 0 done, 1 refused (nothing written, no file left), 2 could not run.
            """)

    @Argument(help: "The transfer list (DL-…).") var list: String
    @Option(help: "The directory the package is written to (it must exist).") var out: String
    @Option(help: "The archives the records go to, e.g. \"Washington State Archives\".") var archives: String
    @Option(help: "The agency, as the transmittal letter names it (default RECORDKEEPER_AGENCY).") var agency: String?
    @Option(help: "Whom the archives contact about the transfer (default RECORDKEEPER_RECORDS_CONTACT).") var contact: String?
    @Option(help: "What the package provides, for the transmittal letter.") var summary: String?
    @Option(help: "The role you act as (records_officer).") var role: String = DispositionLists.recordsOfficer
    @OptionGroup var ledger: RetentionLedgerOption
    @OptionGroup var clock: RetentionClockOption
    @Flag(help: "Print JSON: ok, package.") var json = false

    func run() async throws {
        let command = "disposition package"
        let now = try clock.date(command: command, json: json)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
            RetentionCLI.refuse(command, "--out \(out) is not a directory: create it first", json: json)
            throw ExitCode(1)
        }
        let env = Runtime.environment
        let order = TransferPackageOrder(
            list: list, directory: URL(fileURLWithPath: out, isDirectory: true),
            agency: agency ?? env["RECORDKEEPER_AGENCY"].flatMap { $0.isEmpty ? nil : $0 } ?? "The agency",
            archives: archives,
            contact: contact ?? env["RECORDKEEPER_RECORDS_CONTACT"].flatMap { $0.isEmpty ? nil : $0 } ?? "the agency's records officer", summary: summary)
        let (ledger, role) = (self.ledger.name, role)
        let package = try await RetentionCLI.withStore(command, ledger: ledger, json: json) { store in
            try await TransferPackages(store: store, ledger: ledger, logName: try Runtime.logName()).produce(
                order, actor: Runtime.actor, role: role, now: now,
                progress: { done, total in Output.error("recordkeeper retention \(command): \(done) of \(total) messages written") })
        }
        let path = URL(fileURLWithPath: out).appendingPathComponent(package.file).path
        if json {
            Output.json(["ok": true, "package": package.json(path: path)])
            return
        }
        Output.line(
            "Wrote the transfer package of \(package.list): \(path) (\(package.bundleBytes) bytes): \(package.records) records, "
                + "\(package.messages) messages released in full, \(package.media) media files, manifest SHA-256 \(package.manifestSHA256), "
                + "checkpoint of \(package.checkpointSize) entries.")
        Output.line("Check it with: recordkeeper verify-export \(path)")
        Output.line("Once the archives have it: recordkeeper retention disposition transfer \(package.list) --package \(path) --archives … --reference …")
    }
}
