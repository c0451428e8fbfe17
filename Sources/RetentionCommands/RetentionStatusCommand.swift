import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention status`: every record's trigger and eligible dates and disposition
/// state, or counts by series or month (docs/records-officer.md, "The status report").
struct RetentionStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Retention status: each record's eligible date and state, or counts by series or by month.",
        discussion: """
            Without --by: one line per record (series, trigger date, eligible date, state, and why it is not \
            eligible). With --by series or --by month: records, eligible now, eligible within 30 and 90 days, \
            destroyed, transferred, blocked (never eligible as things stand: not filed, series unconfirmed \
            or kept until no longer needed, awaiting its trigger) and held (covered by an active legal hold).
            """
    )

    @Option(help: "Only this series (its citation).")
    var series: String?

    @Option(help: "Count by series or by month (series | month).")
    var by: String?

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: records, or lines with --by.")
    var json = false

    func run() async throws {
        let now = try clock.date(command: "status", json: json)
        let (ledger, series) = (self.ledger.name, series)
        if let text = by {
            guard let by = RetentionStatus.Grouping(rawValue: text) else {
                RetentionCLI.refuse("status", "--by \(text) is neither series nor month", json: json)
                throw ExitCode(1)
            }
            let lines = try await RetentionCLI.withStore("status", ledger: ledger, json: json) { store in
                try await RetentionStatus(store: store, ledger: ledger).report(by: by, series: series, now: now)
            }
            report(lines, by: by, now: now)
            return
        }
        let records = try await RetentionCLI.withStore("status", ledger: ledger, json: json) { store in
            try await RetentionStatus(store: store, ledger: ledger).records(series: series, now: now)
        }
        if json {
            Output.json(["now": RetentionCLI.iso(now), "records": records.map(RetentionJSON.eligibility)])
            return
        }
        if records.isEmpty { Output.line("No records in ledger \(ledger)\(series.map { " in series \($0)" } ?? "").") }
        for record in records {
            let trigger = record.triggerDate.map(RetentionCLI.day) ?? "-"
            let eligible = record.eligibleDate.map(RetentionCLI.day) ?? "-"
            let why = record.ineligibility.map { $0 == .retentionNotMet || $0 == .destroyed || $0 == .transferred ? "" : "  (\($0))" } ?? ""
            let held = record.holds.isEmpty ? "" : "  held by \(record.holds.joined(separator: ", "))"
            let kept = record.list.flatMap { list in
                record.listDecision.flatMap { ["excluded", "deferred"].contains($0) ? "  (\($0) on \(list))" : nil }
            }
            Output.line(
                "\(record.record)  \(record.series ?? "(not filed)")  trigger \(trigger)  eligible \(eligible)  \(record.state.rawValue)\(why)\(kept ?? "")\(held)"
            )
        }
    }

    private func report(_ lines: [RetentionStatusLine], by: RetentionStatus.Grouping, now: Date) {
        if json {
            Output.json([
                "now": RetentionCLI.iso(now), "by": by.rawValue,
                "lines": lines.map(RetentionJSON.statusLine),
            ])
            return
        }
        Output.line("\(by == .series ? "series" : "month")\trecords\teligible now\twithin 30 days\twithin 90 days\tdestroyed\ttransferred\tblocked\theld")
        for line in lines {
            Output.line(
                "\(line.key)\t\(line.records)\t\(line.eligibleNow)\t\(line.within30Days)\t\(line.within90Days)\t\(line.destroyed)\t\(line.transferred)\t\(line.blocked)\t\(line.held)"
            )
        }
    }
}
