import ArgumentParser
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention file RECORD --series CITATION --reason TEXT`: files a record by hand.
struct RetentionFilingFile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "File a record into a series by hand, with a reason (kept in the record's filing history).",
        discussion: """
            A record is one month of one conversation: `<stream>@<YYYY-MM>`, as `retention queue` and \
            `retention record` print it. A filing by hand replaces the filer's and is never changed by it. \
            Exit codes: 0 filed, 1 refused (nothing written), 2 could not run.
            """
    )

    @Argument(help: "The record, e.g. wa/1234567890/p:15551234567@2026-03.")
    var record: String

    @Option(help: "The series' citation in the catalog in force, e.g. \"GS50-01-12 Rev. 3\".")
    var series: String

    @Option(help: "Why this series (kept, encrypted, with the filing).")
    var reason: String

    @Option(help: "The role you act in (only a records officer files records).")
    var role = "records_officer"

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: ok, record, series, position.")
    var json = false

    @OptionGroup var clock: RetentionClockOption

    func run() async throws {
        let command = "recordkeeper retention file"
        guard role == "records_officer" else {
            Output.error("\(command): only a records officer files records (--role records_officer); \(role) cannot")
            throw ExitCode(1)
        }
        guard let id = RetentionRecordID(record) else {
            Output.error("\(command): \(RetentionFilingError.notARecord(record))")
            throw ExitCode(1)
        }
        let date = try clock.date(command: "file", json: json)
        let (ledger, series, reason) = (self.ledger.name, self.series, self.reason)
        let position = try await RetentionCLI.withStore("file", ledger: ledger, json: json, catchUp: false) { store in
            try await RetentionFiling(store: store, ledger: ledger).file(record: id, series: series, reason: reason, actor: Runtime.actor, now: date)
        }
        if json {
            Output.json(["ok": true, "record": id.description, "series": series, "position": position])
        } else {
            Output.line("Filed \(id) into \(series) by hand (position \(position)).")
        }
    }
}

/// `recordkeeper retention queue`: the records filed by default, waiting for a decision.
struct RetentionFilingQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List the records that need filing (filed into the default series because no rule matched), oldest first."
    )

    @Option(help: "At most this many records.")
    var limit = 50

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: ledger, total, records (record, kind, series, messages, first_at, last_at).")
    var json = false

    func run() async throws {
        let (ledger, limit) = (self.ledger.name, self.limit)
        let (records, total) = try await RetentionCLI.withStore("queue", ledger: ledger, json: json, catchUp: false) { store in
            let filing = RetentionFiling(store: store, ledger: ledger)
            try await filing.catchUp()
            return (try await filing.needsFiling(limit: limit), try await filing.needsFilingCount())
        }
        if json {
            Output.json(["ledger": ledger, "total": total, "records": records.map(\.jsonObject)])
            return
        }
        guard !records.isEmpty else {
            Output.line("No record needs filing in ledger \(ledger).")
            return
        }
        Output.line("\(total) record\(total == 1 ? "" : "s") need filing in ledger \(ledger) (filed by default into the catalog's default series):")
        for record in records {
            Output.line(
                "  \(record.record)  \(record.kind), \(record.messages) messages, \(RetentionCLI.day(record.firstAt))–\(RetentionCLI.day(record.lastAt)), now \(record.series ?? "-")"
            )
        }
        Output.line("File one with `recordkeeper retention file RECORD --series CITATION --reason TEXT`.")
    }

}

/// `recordkeeper retention record RECORD`: one record's extent, series and filing history.
struct RetentionFilingRecord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Show one record: its extent, its series and every filing of it.")

    @Argument(help: "The record, e.g. wa/1234567890/p:15551234567@2026-03.")
    var record: String

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: the record's members and its history.")
    var json = false

    func run() async throws {
        let command = "recordkeeper retention record"
        guard let id = RetentionRecordID(record) else {
            Output.error("\(command): \(RetentionFilingError.notARecord(record))")
            throw ExitCode(1)
        }
        let ledger = self.ledger.name
        let summary = try await RetentionCLI.withStore("record", ledger: ledger, json: json, catchUp: false) { store in
            let filing = RetentionFiling(store: store, ledger: ledger)
            try await filing.catchUp()
            return try await filing.record(id)
        }
        guard let summary else {
            Output.error("\(command): \(RetentionFilingError.unknownRecord(id.description))")
            throw ExitCode(1)
        }
        if json {
            var object = summary.jsonObject
            object["history"] = summary.history.map { filing in
                var item: [String: Any] = [
                    "position": filing.position, "series": filing.series, "source": filing.source.rawValue, "actor": filing.actor,
                    "filed_at": ISO8601DateFormatter().string(from: filing.filedAt), "applied": filing.applied,
                ]
                if let rule = filing.rule { item["rule"] = rule }
                return item
            }
            Output.json(object)
            return
        }
        let iso = ISO8601DateFormatter()
        Output.line("Record \(summary.record) (\(summary.kind)): \(summary.entries) entries, \(summary.messages) messages.")
        Output.line("  first \(iso.string(from: summary.firstAt)), last \(iso.string(from: summary.lastAt))")
        Output.line("  communication date: \(summary.communicationAt.map { iso.string(from: $0) } ?? "none (no message)")")
        let by = summary.source.map { $0 == .rule ? "by rule \(summary.rule ?? "?")" : $0 == .default ? "by default (needs filing)" : "by hand" } ?? ""
        Output.line("  series: \(summary.series.map { "\($0), \(by)" } ?? "not filed yet")\(summary.destroyed ? " [destroyed]" : "")")
        for filing in summary.history {
            let how = filing.source == .rule ? "rule \(filing.rule ?? "?")" : filing.source.rawValue
            Output.line(
                "  \(iso.string(from: filing.filedAt))  \(filing.series)  \(how)  by \(filing.actor)  (position \(filing.position))\(filing.applied ? "" : "  not applied: filed by hand")"
            )
        }
    }
}

extension RetentionRecordSummary {
    /// The JSON members `queue` and `record` print.
    var jsonObject: [String: Any] {
        let iso = ISO8601DateFormatter()
        var object: [String: Any] = [
            "record": record.description, "stream": record.stream, "period": record.period, "kind": kind, "entries": entries,
            "messages": messages, "first_at": iso.string(from: firstAt), "last_at": iso.string(from: lastAt), "destroyed": destroyed,
        ]
        if let phoneNumberID { object["phone_number_id"] = phoneNumberID }
        if let communicationAt { object["communication_at"] = iso.string(from: communicationAt) }
        if let series { object["series"] = series }
        if let source { object["source"] = source.rawValue }
        if let rule { object["rule"] = rule }
        return object
    }
}
