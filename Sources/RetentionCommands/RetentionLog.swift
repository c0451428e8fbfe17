import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention log [--list LIST]`: the destruction log, or one list's destruction
/// certificate as text, CSV, JSON or a printable HTML page (docs/records-officer.md, "The
/// destruction certificate"). Reads only.
struct RetentionLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The destruction log, or one disposition list's destruction certificate (text, CSV, JSON or printable HTML).",
        discussion: """
            Without --list: one line per destruction (list, series, records, when, the record.destroyed \
            positions). With --list: that list's certificate, with the State Archives destruction-log \
            fields, the destroyed records, the ledger positions it cites and the signed checkpoint that \
            covers them (run `recordkeeper checkpoint` first when none does yet, then print it again). \
            Exit codes: 0 printed, 1 unknown list or bad option (nothing written), 2 could not run.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json, html
    }

    @Option(help: "The disposition list whose certificate to print (DL-…).")
    var list: String?

    @Option(help: "The output format (html needs --list).")
    var format: Format = .text

    @Option(help: "Write to this file instead of standard output (replaced if it exists).")
    var output: String?

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Same as --format json.")
    var json = false

    @OptionGroup var clock: RetentionClockOption

    func run() async throws {
        guard !json || format == .text || format == .json else {
            refuse("--json is --format json: give one format, not --json and --format \(format.rawValue)")
        }
        let format = json ? .json : format
        guard format != .html || list != nil else {
            refuse("--format html prints one list's certificate: give --list LIST (`recordkeeper retention log` without it lists them)")
        }
        // Refusals of `log` go to stderr only, even with --json (its JSON is the log itself).
        let date = try clock.date(command: "log", json: false)
        let (ledger, list) = (self.ledger.name, list)
        let text = try await RetentionCLI.withStore("log", ledger: ledger, json: false, catchUp: false) { store in
            let certificates = DestructionCertificates(store: store, ledger: ledger)
            if let list {
                let certificate = try await certificates.certificate(list: list, now: date)
                switch format {
                case .text: return certificate.text()
                case .csv: return certificate.csv()
                case .json: return try certificate.json()
                case .html: return certificate.html()
                }
            }
            return try Self.render(try await certificates.log(), ledger: ledger, format: format)
        }
        try write(text)
    }

    /// Prints `text`, or writes it to `--output` (whole, or not at all).
    private func write(_ text: String) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Output.error("recordkeeper retention log: cannot write \(output): \(describeError(error))")
            throw ExitCode(2)
        }
        if !json, format == .text { Output.error("Wrote \(output).") }
    }

    private func refuse(_ message: String) -> Never {
        Output.error("recordkeeper retention log: \(message)")
        Self.exit(withError: ExitCode(1))
    }

    /// The destruction log as text, CSV or JSON.
    static func render(_ entries: [DestructionLogEntry], ledger: String, format: Format) throws -> String {
        let stamp = DestructionCertificate.timestamp
        switch format {
        case .json:
            let rows: [[String: Any]] = entries.map {
                [
                    "list": $0.list as Any? ?? NSNull(), "series": $0.series, "records": $0.records, "first_at": stamp($0.firstAt),
                    "last_at": stamp($0.lastAt), "positions": $0.positions,
                ]
            }
            let data = try JSONSerialization.data(
                withJSONObject: ["ledger": ledger, "destructions": rows] as [String: Any], options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        case .csv:
            var lines = ["list,series,records,first_at,last_at,positions\r\n"]
            for entry in entries {
                let fields = [
                    entry.list ?? "", entry.series, String(entry.records), stamp(entry.firstAt), stamp(entry.lastAt),
                    entry.positions.map(String.init).joined(separator: " "),
                ]
                lines.append(fields.map(DestructionCertificate.csvField).joined(separator: ",") + "\r\n")
            }
            return lines.joined()
        case .text, .html:
            guard !entries.isEmpty else { return "No records have been destroyed in ledger \(ledger).\n" }
            var lines = ["Destructions in ledger \(ledger) (print one with `recordkeeper retention log --list LIST --format html`):"]
            for entry in entries {
                let positions = entry.positions.map(String.init).joined(separator: ", ")
                lines.append(
                    "  \(entry.list ?? "(no list)")  \(entry.series)  \(entry.records) record\(entry.records == 1 ? "" : "s")  \(stamp(entry.lastAt))  record.destroyed at \(positions)"
                )
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
