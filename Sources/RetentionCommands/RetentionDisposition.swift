import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention
import Transfers

/// `recordkeeper retention disposition …`: disposition lists (docs/records-officer.md, "Disposition").
struct RetentionDispositionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disposition",
        abstract: "Disposition lists: run eligibility, review, approve, transfer, show and list them.",
        subcommands: [
            RetentionDispositionRun.self, RetentionDispositionReview.self, RetentionDispositionApprove.self, RetentionDispositionTransfer.self,
            RetentionDispositionShow.self, RetentionDispositionList.self, RetentionDispositionPackage.self,
        ]
    )
}

/// `recordkeeper retention disposition run`: one list per series of the records eligible now.
struct RetentionDispositionRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "List the records eligible now, one disposition list per series.",
        discussion: """
            Records already on an open list, excluded since they were last filed, or deferred to a later \
            date are left out. Archival series and series whose final action is transfer make transfer \
            lists; series whose final action is review make lists in which each record needs a decision. \
            Nothing is destroyed: a records officer reviews and approves each list first.
            """
    )

    @Option(help: "Only this series (its citation, e.g. GS2010-001).")
    var series: String?

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok, lists.")
    var json = false

    func run() async throws {
        let now = try clock.date(command: "disposition run", json: json)
        let (ledger, series) = (self.ledger.name, series)
        let lists = try await RetentionCLI.withStore("disposition run", ledger: ledger, json: json) { store in
            try await DispositionLists(store: store, ledger: ledger).run(series: series, actor: Runtime.actor, now: now)
        }
        if json {
            Output.json(["ok": true, "lists": lists.map { RetentionJSON.list($0, items: false) }])
            return
        }
        guard !lists.isEmpty else {
            Output.line("No record is newly eligible: no list made.")
            return
        }
        for list in lists { Output.line("Listed " + DispositionCLI.summary(list)) }
        Output.line("Review each with `recordkeeper retention disposition show LIST`, then approve it.")
    }
}

/// `recordkeeper retention disposition review LIST`: exclude, defer or confirm records.
struct RetentionDispositionReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Exclude records from a list, defer them to a date, or confirm them (lists that need a decision per record).",
        discussion: "Give one kind of decision at a time, with --reason. Exit codes: 0 recorded, 1 refused (nothing written), 2 could not run."
    )

    @Argument(help: "The list (DL-…).")
    var list: String

    @Option(name: .customLong("exclude"), help: "A record to keep (repeatable).")
    var exclude: [String] = []

    @Option(name: .customLong("defer"), help: "A record to defer to --until (repeatable).")
    var deferRecords: [String] = []

    @Option(name: .customLong("confirm"), help: "A record confirmed for disposition (repeatable; lists whose series' final action is review).")
    var confirm: [String] = []

    @Option(help: "Deferrals: until when (2028-06-30).")
    var until: String?

    @Option(help: "Why (kept in the record, encrypted).")
    var reason: String = ""

    @Option(help: "The role you act as (only records_officer reviews).")
    var role: String = DispositionLists.recordsOfficer

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok, list.")
    var json = false

    func run() async throws {
        let command = "disposition review"
        let now = try clock.date(command: command, json: json)
        let given = [(DispositionEvents.Decision.exclude, exclude), (.defer, deferRecords), (.confirm, confirm)].filter { !$0.1.isEmpty }
        guard given.count == 1, let (decision, texts) = given.first else {
            RetentionCLI.refuse(command, "give records with exactly one of --exclude, --defer or --confirm", json: json)
            throw ExitCode(1)
        }
        let records = try DispositionCLI.records(texts, command: command, json: json)
        var until: Date?
        if decision == .defer {
            guard let text = self.until else {
                RetentionCLI.refuse(command, "--defer needs --until DATE", json: json)
                throw ExitCode(1)
            }
            until = try RetentionCLI.date(text, option: "--until", command: command, json: json)
        }
        let (ledger, list, reason, role) = (self.ledger.name, list, reason, role)
        let deferral = until
        let reviewed = try await RetentionCLI.withStore(command, ledger: ledger, json: json) { store in
            try await DispositionLists(store: store, ledger: ledger).review(
                list: list, decision: decision, records: records, reason: reason, until: deferral, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            Output.json(["ok": true, "list": RetentionJSON.list(reviewed, items: true)])
            return
        }
        let verb = ["exclude": "Excluded", "defer": "Deferred", "confirm": "Confirmed"][decision.rawValue] ?? decision.rawValue
        Output.line("\(verb) \(records.count) record\(records.count == 1 ? "" : "s") of \(list)\(until.map { " until \(RetentionCLI.day($0))" } ?? "").")
        Output.line(DispositionCLI.summary(reviewed))
    }
}

/// `recordkeeper retention disposition approve LIST`.
struct RetentionDispositionApprove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a disposition list (a records officer; two different ones when the series needs two-person approval).",
        discussion: "Exit codes: 0 recorded, 1 refused (nothing written), 2 could not run."
    )

    @Argument(help: "The list (DL-…).")
    var list: String

    @Option(help: "The role you act as (only records_officer approves).")
    var role: String = DispositionLists.recordsOfficer

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok, list.")
    var json = false

    func run() async throws {
        let now = try clock.date(command: "disposition approve", json: json)
        let (ledger, list, role) = (self.ledger.name, list, role)
        let approved = try await RetentionCLI.withStore("disposition approve", ledger: ledger, json: json) { store in
            try await DispositionLists(store: store, ledger: ledger).approve(list: list, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            Output.json(["ok": true, "list": RetentionJSON.list(approved, items: false)])
            return
        }
        Output.line("Recorded approval \(approved.approvals.count) of \(approved.required) of \(list) by \(Runtime.actor).")
        Output.line(DispositionCLI.summary(approved))
    }
}

/// `recordkeeper retention disposition transfer LIST`.
struct RetentionDispositionTransfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Record that an approved transfer list was transferred to the archives (records.transferred).",
        discussion: """
            Names the manifest SHA-256 of the transfer package handed over (`recordkeeper retention disposition \
            package`): the --package file, verified first, or else the newest package recorded for the list. \
            Exit codes: 0 recorded, 1 refused (nothing written), 2 could not run.
            """
    )

    @Argument(help: "The list (DL-…).")
    var list: String

    @Option(help: "The archives it went to, e.g. \"Washington State Archives\".")
    var archives: String

    @Option(help: "The archives' reference for the transfer.")
    var reference: String

    @Option(help: "The transfer package handed over (its .tar.zst): verified, and its manifest SHA-256 recorded.")
    var package: String?

    @Option(help: "The role you act as (records_officer).")
    var role: String = DispositionLists.recordsOfficer

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok, list.")
    var json = false

    func run() async throws {
        let now = try clock.date(command: "disposition transfer", json: json)
        let (ledger, list, archives, reference, role) = (self.ledger.name, list, archives, reference, role)
        let file = package.map { URL(fileURLWithPath: $0) }
        let (transferred, handed) = try await RetentionCLI.withStore("disposition transfer", ledger: ledger, json: json) { store in
            try await TransferPackages(store: store, ledger: ledger, logName: "").recordTransfer(
                list: list, archives: archives, reference: reference, package: file, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            var object: [String: Any] = ["ok": true, "list": RetentionJSON.list(transferred, items: false)]
            object["package"] = handed.map { $0.json(path: nil) }
            Output.json(object)
            return
        }
        Output.line("Recorded the transfer of \(transferred.authorised.count) records of \(list) to \(archives) (reference \(reference)).")
        if let handed { Output.line("The package handed over: \(handed.file), manifest SHA-256 \(handed.manifestSHA256).") }
    }
}

/// `recordkeeper retention disposition show LIST`.
struct RetentionDispositionShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a disposition list: its records, decisions and approvals.")

    @Argument(help: "The list (DL-…).")
    var list: String

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: the list with its items.")
    var json = false

    func run() async throws {
        let (ledger, list) = (self.ledger.name, list)
        let shown = try await RetentionCLI.withStore("disposition show", ledger: ledger, json: json) { store in
            try await DispositionLists(store: store, ledger: ledger).show(list: list)
        }
        if json {
            Output.json(RetentionJSON.list(shown, items: true))
            return
        }
        Output.line(DispositionCLI.summary(shown))
        Output.line("Listed at position \(shown.listedPosition) by \(shown.listedBy) on \(RetentionCLI.day(shown.listedAt)); digest \(shown.digest).")
        for approval in shown.approvals {
            Output.line("  approved by \(approval.actor) on \(RetentionCLI.day(approval.at)) (position \(approval.position))")
        }
        for item in shown.items {
            var line = "  \(item.record)  \(item.destroyed ? "destroyed" : item.transferred ? "transferred" : item.state.rawValue)"
            if let until = item.until { line += " until \(RetentionCLI.day(until))" }
            if let reason = item.reason { line += ": \(reason)" }
            Output.line(line)
        }
    }
}

/// `recordkeeper retention disposition list`.
struct RetentionDispositionList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the disposition lists, newest first.")

    @Option(help: "Only this series.")
    var series: String?

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: lists.")
    var json = false

    func run() async throws {
        let (ledger, series) = (self.ledger.name, series)
        let lists = try await RetentionCLI.withStore("disposition list", ledger: ledger, json: json) { store in
            try await DispositionLists(store: store, ledger: ledger).lists(series: series)
        }
        if json {
            Output.json(["lists": lists.map { RetentionJSON.list($0, items: false) }])
            return
        }
        if lists.isEmpty { Output.line("No disposition list yet: make them with `recordkeeper retention disposition run`.") }
        for list in lists { Output.line(DispositionCLI.summary(list)) }
    }
}
