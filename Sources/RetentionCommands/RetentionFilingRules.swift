import ArgumentParser
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention rules check|load|show`: the filing rules (docs/records-officer.md,
/// "Filing rules").
struct RetentionFilingRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Filing rules: check and load a rules file, show the rules in force.",
        subcommands: [RetentionFilingRulesCheck.self, RetentionFilingRulesLoad.self, RetentionFilingRulesShow.self]
    )
}

/// `recordkeeper retention rules check FILE`: every fault of a rules file, no database.
struct RetentionFilingRulesCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a filing rules file (YAML) and list every fault with its line and field.",
        discussion: """
            Exits 0 when the file can be loaded, 1 when it has faults (each printed as FILE:LINE: FIELD: MESSAGE), \
            2 when it cannot be read. Series are checked against the catalog in force by `rules load`.
            """
    )

    @Argument(help: "The rules file.")
    var file: String

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let rules = try FilingRules.read(file, command: "rules check", json: json)
        if json {
            Output.json(["ok": true, "rules": rules.rules.map(\.id), "series": rules.rules.map(\.series)])
        } else {
            Output.line("\(file): \(rules.rules.count) filing rule\(rules.rules.count == 1 ? "" : "s"), \(rules.transitoryPhrases.count) transitory phrases.")
        }
    }
}

/// `recordkeeper retention rules load FILE`: records the rules as the rules in force.
struct RetentionFilingRulesLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a filing rules file as the rules in force, recorded in the ledger.",
        discussion: """
            Every rule's series must be a series of the catalog in force (not superseded): otherwise nothing \
            is written and each faulty rule is named. The same rules already in force record nothing. \
            Exit codes: 0 loaded or already loaded, 1 faults or refused (nothing written), 2 could not run.
            """
    )

    @Argument(help: "The rules file.")
    var file: String

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print a JSON summary.")
    var json = false

    @OptionGroup var clock: RetentionClockOption

    func run() async throws {
        let rules = try FilingRules.read(file, command: "rules load", json: json)
        let date = try clock.date(command: "rules load", json: json)
        let (ledger, file, json) = (self.ledger.name, self.file, self.json)
        let outcome = try await RetentionCLI.withStore("rules load", ledger: ledger, json: json, catchUp: false) { store in
            do {
                return try await RetentionFilingRules(store: store, ledger: ledger).load(rules, actor: Runtime.actor, now: date)
            } catch let error as FilingRulesLoadError {
                if json {
                    Output.json(["ok": false, "refused": error.conflicts.map(\.description)])
                } else {
                    for conflict in error.conflicts { Output.error("recordkeeper retention rules load: \(file): \(conflict)") }
                    Output.error("recordkeeper retention rules load: \(file): refused; nothing was loaded.")
                }
                throw ExitCode(1)
            }
        }
        let loaded = outcome.loaded
        if json {
            Output.json([
                "ok": true, "recorded": outcome.recorded, "ledger": ledger, "position": loaded.position, "digest": loaded.digest,
                "rules": loaded.rules.rules.map(\.id),
            ])
        } else if outcome.recorded {
            Output.line("Recorded \(loaded.rules.rules.count) filing rules in ledger \(ledger) at position \(loaded.position) (digest \(loaded.digest)).")
        } else {
            Output.line("These filing rules are already in force in ledger \(ledger) (position \(loaded.position)): nothing recorded.")
        }
    }
}

/// `recordkeeper retention rules show`: the rules in force.
struct RetentionFilingRulesShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the filing rules in force, in the order they are tried.")

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: loaded, ledger, position, digest, loaded_by, loaded_at, rules (the canonical rule set).")
    var json = false

    func run() async throws {
        let ledger = self.ledger.name
        let current = try await RetentionCLI.withStore("rules show", ledger: ledger, json: json, catchUp: false) { store in
            let rules = RetentionFilingRules(store: store, ledger: ledger)
            try await rules.catchUp()
            return try await rules.current()
        }
        guard let current else {
            if json {
                Output.json(["loaded": false, "ledger": ledger])
            } else {
                Output.line(
                    "No filing rules are loaded in ledger \(ledger): every record goes to the catalog's default series. Load rules with `recordkeeper retention rules load FILE`."
                )
            }
            return
        }
        if json {
            let rules = try JSONSerialization.jsonObject(with: Data(try current.rules.canonicalJSON()))
            Output.json([
                "loaded": true, "ledger": ledger, "position": current.position, "digest": current.digest, "loaded_by": current.actor,
                "loaded_at": ISO8601DateFormatter().string(from: current.loadedAt), "rules": rules,
            ])
            return
        }
        Output.line("Filing rules in force in ledger \(ledger): position \(current.position), loaded by \(current.actor), digest \(current.digest).")
        for (index, rule) in current.rules.rules.enumerated() {
            Output.line("  \(index + 1). \(rule.id) → \(rule.series) when \(rule.when.summary)")
        }
        if !current.rules.transitoryPhrases.isEmpty {
            Output.line("Transitory phrases: \(current.rules.transitoryPhrases.joined(separator: ", ")).")
        }
    }
}

extension FilingConditions {
    /// The conditions in words, for `rules show`.
    var summary: String {
        var parts: [String] = []
        if let list = businessNumbers { parts.append("business number is \(list.joined(separator: " or "))") }
        if let list = teams { parts.append("team is \(list.joined(separator: " or "))") }
        if let list = categories { parts.append("category is \(list.map(\.name).joined(separator: " or "))") }
        if let list = keywords { parts.append("text has \(list.map { "“\($0)”" }.joined(separator: " or "))") }
        if transitory == true { parts.append("the message is only an acknowledgement") }
        return parts.joined(separator: " and ")
    }
}

extension FilingRules {
    /// The rules in `file`: a file that cannot be read exits 2; one with faults prints each and exits 1.
    static func read(_ file: String, command: String, json: Bool) throws -> FilingRules {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            Output.error("recordkeeper retention \(command): cannot read \(file): \(describeError(error))")
            throw ExitCode(2)
        }
        do {
            return try FilingRules(yaml: text, file: file)
        } catch {
            if json {
                Output.json([
                    "ok": false,
                    "problems": error.problems.map { ["file": $0.file, "line": $0.line, "field": $0.field, "message": $0.message] as [String: Any] },
                ])
            } else {
                for problem in error.problems { Output.error(problem.description) }
                Output.error(
                    "recordkeeper retention \(command): \(file): \(error.problems.count) fault\(error.problems.count == 1 ? "" : "s"); nothing was loaded.")
            }
            throw ExitCode(1)
        }
    }
}
