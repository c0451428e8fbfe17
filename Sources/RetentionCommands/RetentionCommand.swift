public import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention …`: the records officer's commands (docs/records-officer.md): schedule
/// catalogs, filing rules and filing, legal holds, disposition lists and transfer packages,
/// destruction, the status report and the destruction log. The executable lists it among its
/// subcommands.
public struct RetentionCommand: AsyncParsableCommand {
    /// The `retention` command and its subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "The records officer's work: schedules, filing, legal holds, disposition, destruction and its log.",
        subcommands: [
            RetentionCheck.self, RetentionLoad.self, RetentionCatalogShow.self, RetentionFilingRulesCommand.self, RetentionFilingFile.self,
            RetentionFilingQueue.self, RetentionFilingRecord.self, RetentionLog.self, RetentionStatusCommand.self, RetentionDispositionCommand.self,
            RetentionHoldsCommand.self, RetentionDestroy.self,
        ]
    )

    /// A `retention` command with no options of its own (ArgumentParser parses the subcommands).
    public init() {}
}

/// `recordkeeper retention check FILE`: reads a schedule catalog and reports every fault in it,
/// without touching any database.
struct RetentionCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a schedule catalog file (YAML) and list every fault with its line and field.",
        discussion: """
            Exits 0 when the catalog can be loaded, 1 when it has faults (each printed as \
            FILE:LINE: FIELD: MESSAGE), 2 when the file cannot be read. The format is in \
            docs/records-officer.md; config/retention/washington-core.yaml is a starting point.
            """
    )

    @Argument(help: "The catalog file.")
    var file: String

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let catalog = try RetentionCatalog.read(file, command: "check", json: json)
        if json {
            Output.json([
                "ok": true, "name": catalog.name, "version": catalog.version, "default_series": catalog.defaultSeries,
                "series": catalog.series.map(\.citation), "unconfirmed": catalog.series.filter { !$0.confirmed }.map(\.citation),
            ])
        } else {
            Output.line("\(file): catalog \(catalog.name) \(catalog.version), \(catalog.series.count) series; default \(catalog.defaultSeries).")
            for series in catalog.series where !series.confirmed {
                Output.line("  \(series.citation) is not confirmed: nothing is destroyed under it until the agency confirms it.")
            }
        }
    }
}

extension RetentionCatalog {
    /// The catalog in `file`, for `recordkeeper retention <command>`. A file that cannot be read
    /// exits 2; one with faults prints each (FILE:LINE: FIELD: MESSAGE, or JSON) and exits 1.
    static func read(_ file: String, command: String, json: Bool) throws -> RetentionCatalog {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            Output.error("recordkeeper retention \(command): cannot read \(file): \(describeError(error))")
            throw ExitCode(2)
        }
        do {
            return try RetentionCatalog(yaml: text, file: file)
        } catch {
            if json {
                Output.json([
                    "ok": false,
                    "problems": error.problems.map { ["file": $0.file, "line": $0.line, "field": $0.field, "message": $0.message] as [String: Any] },
                ])
            } else {
                for problem in error.problems { Output.error(problem.description) }
                Output.error("\(file): \(error.problems.count) fault\(error.problems.count == 1 ? "" : "s"); nothing was loaded.")
            }
            throw ExitCode(1)
        }
    }
}
