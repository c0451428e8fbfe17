import Access
import ArgumentParser
import ExportSources
import Exports
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Requests

extension InstallmentError: RequestsRefusal {}

/// `recordkeeper export REQUEST --out DIR`: produces the request's next installment as an export
/// bundle and records it (`export.produced`, `access.exported`).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Produce the next installment of a public-records request as a verifiable export bundle (.tar.zst).",
        discussion: """
            Writes DIR/<request>-<n>.tar.zst (docs/export-format.md): the messages given with --messages, \
            released in full unless --decisions redacts or withholds them, each proven against a signed \
            checkpoint (one is made when none covers the messages yet). Then records export.produced (the \
            request's status becomes installment_produced) and access.exported. A closed, withdrawn or \
            abandoned request is refused and nothing is written. Progress goes to stderr. Exit codes: 0 done, \
            1 refused (nothing written, no file left), 2 could not run.
            """)

    @Argument(help: "The request (PRR-…).") var request: String
    @Option(help: "The directory the bundle is written to (it must exist).") var out: String
    @Option(help: "The bundle format: tar.zst (the only one written).") var format = "tar.zst"
    @Option(help: "The messages' ledger positions: a comma-separated list of positions and ranges, e.g. 12,15,20-40.")
    var messages: String?
    @Option(help: "Export the results of this search of the request (see `recordkeeper requests searches`), with any --messages.")
    var search: Int?
    @Option(
        help:
            "A JSON file of redactions and withholdings: {\"redactions\":[{\"position\":12,\"start\":10,\"length\":11,\"citation\":…,\"explanation\":…}],\"withheld\":[{\"position\":…,\"citation\":…,\"explanation\":…}],\"withheld_media\":[…]}."
    )
    var decisions: String?
    @Option(help: "The agency, as the cover letter names it (default RECORDKEEPER_AGENCY).") var agency: String?
    @Option(help: "Whom the requester contacts about the request (default RECORDKEEPER_RECORDS_CONTACT).") var contact: String?
    @Option(help: "What this installment provides, for the cover letter.") var summary: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let command = "export"
        let json = options.json
        func refuse(_ message: String) -> ExitCode {
            if json { Output.json(["ok": false, "error": message]) }
            Output.error("recordkeeper export: \(message)")
            return ExitCode(1)
        }
        guard format == "tar.zst" else { throw refuse(InstallmentError.unsupportedFormat(format).description) }
        let now = try RequestsCLI.now(options.now, command: command, json: json)
        guard let role = StaffRole(name: options.role) else {
            throw refuse("--role \(options.role) is not a role: give request_officer or admin")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw refuse("--out \(out) is not a directory: create it first")
        }
        guard messages != nil || search != nil else {
            throw refuse("give the messages to export: --search N (a search of the request) or --messages (positions such as 12,15,20-40)")
        }
        var positions: [Int64] = []
        if let messages {
            do { positions = try ExportArguments.positions(messages) } catch { throw refuse(error.description) }
        }
        var chosen = InstallmentDecisions()
        if let decisions {
            do { chosen = try ExportArguments.decisions(file: decisions) } catch { throw refuse(error.description) }
        }
        let env = Runtime.environment
        let order = InstallmentOrder(
            requestID: request, positions: positions, search: search, directory: URL(fileURLWithPath: out, isDirectory: true), decisions: chosen,
            agency: agency ?? env["RECORDKEEPER_AGENCY"].flatMap { $0.isEmpty ? nil : $0 } ?? "The agency",
            contact: contact ?? env["RECORDKEEPER_RECORDS_CONTACT"].flatMap { $0.isEmpty ? nil : $0 } ?? "the agency's public records officer",
            summary: summary)
        let ledger = Runtime.ledger(options.ledger)
        let logger = Output.makeLogger()
        let runtime: Runtime
        let logName: String
        do {
            runtime = try await Runtime.prepare(logger: logger, keys: .required)
            logName = try Runtime.logName()
        } catch {
            Output.error("recordkeeper export: could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        defer { runtime.shutdown() }
        let installment: Installment
        do {
            installment = try await withLedgerStore(runtime, logger: logger) { store in
                try await RequestInstallments(store: store, ledger: ledger, logName: logName).produce(
                    order, actor: Runtime.actor, role: role, now: now,
                    progress: { done, total in Output.error("recordkeeper export: \(done) of \(total) messages written") })
            }
        } catch let error as any RequestsRefusal {
            throw refuse(error.description)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("recordkeeper export: could not run: \(describeError(DatabaseErrorDescription.readable(error)))")
            throw ExitCode(2)
        }
        let path = URL(fileURLWithPath: out).appendingPathComponent(installment.file).path
        if json {
            Output.json(ExportArguments.json(installment, path: path))
        } else {
            Output.line(
                "Wrote installment \(installment.number) of \(installment.requestID): \(path) (\(installment.bundleBytes) bytes): "
                    + "\(installment.messages) messages (\(installment.released) released, \(installment.redacted) redacted, "
                    + "\(installment.withheld) withheld), manifest SHA-256 \(installment.manifestSHA256), checkpoint of \(installment.checkpointSize) entries.")
            Output.line("Check it with: recordkeeper verify-export \(path)")
        }
    }
}
