import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention holds …`: legal holds (docs/records-officer.md, "Legal holds").
struct RetentionHoldsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds",
        abstract: "Legal holds: place, release, list and show them. A hold stops destruction of every record in its scope.",
        subcommands: [RetentionHoldsPlace.self, RetentionHoldsRelease.self, RetentionHoldsList.self, RetentionHoldsShow.self]
    )
}

/// `recordkeeper retention holds place`: records `retention.hold.placed`.
struct RetentionHoldsPlace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place a legal hold on the records in a scope (citizens, conversations, business numbers, teams, dates).",
        discussion: """
            Give at least one scope option. Different options narrow the hold (a citizen AND a team); \
            repeating an option widens it (this citizen OR that one). The hold also covers records that \
            arrive later, until it is released. Exit codes: 0 placed, 1 refused (nothing written), 2 could not run.
            """
    )

    @Option(help: "litigation, public_records_request, audit or investigation.")
    var type: String

    @Option(help: "The matter: case number, request number, audit reference.")
    var matter: String

    @Option(help: "Who is responsible for the records under the hold.")
    var custodian: String

    @Option(help: "Why the hold is placed.")
    var reason: String

    @Option(help: "A citizen's phone number with country code (+15551234567) or WhatsApp user id (repeatable).")
    var citizen: [String] = []

    @Option(help: "A conversation id, wa/<phone_number_id>/<citizen key> (repeatable).")
    var conversation: [String] = []

    @Option(name: .customLong("business-number"), help: "A business phone number id (repeatable).")
    var businessNumber: [String] = []

    @Option(help: "A team: conversations ever routed to it (repeatable).")
    var team: [String] = []

    @Option(help: "Records with activity on or after this day (YYYY-MM-DD) or time.")
    var from: String?

    @Option(help: "Records with activity up to and including this day (YYYY-MM-DD), or before this time.")
    var to: String?

    @Option(help: "The role you place it as: that role or a records officer may release it.")
    var role = "records_officer"

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok and the hold.")
    var json = false

    func run() async throws {
        let command = "place"
        let now = try clock.date(command: "holds " + command, json: json)
        let role = try HoldsCLI.role(role, command: "holds " + command, json: json)
        guard let type = LegalHoldType(rawValue: type.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            RetentionCLI.refuse(
                command, "--type \(type) is not a hold type: give litigation, public_records_request, audit or investigation", json: json)
            throw ExitCode(1)
        }
        let scope = LegalHoldScope(
            conversations: conversation, citizens: citizen, businessNumbers: businessNumber, teams: team,
            from: try from.map { try RetentionCLI.date($0, option: "--from", command: "holds " + command, json: json) },
            to: try to.map { try RetentionCLI.date($0, option: "--to", endOfDay: true, command: "holds " + command, json: json) })
        let request = LegalHoldRequest(type: type, matter: matter, custodian: custodian, reason: reason, scope: scope)
        let ledger = self.ledger.name
        let hold = try await RetentionCLI.withStore("holds " + command, ledger: ledger, json: json, catchUp: false) { store in
            try await LegalHolds(store: store, ledger: ledger).place(request, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            Output.json(RetentionJSON.hold(hold).merging(["ok": true]) { _, new in new })
            return
        }
        Output.line("Placed hold \(hold.id) (\(hold.type.rawValue)) at position \(hold.position): \(HoldsCLI.scopeText(hold.scope)).")
        let releasers = hold.role == LegalHolds.recordsOfficer ? "a records officer" : "\(hold.role) or a records officer"
        Output.line("No record in its scope can be destroyed until \(releasers) releases it.")
    }
}

/// `recordkeeper retention holds release ID`: records `retention.hold.released`.
struct RetentionHoldsRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a legal hold, with a reason (the role that placed it, or a records officer).",
        discussion: "Exit codes: 0 released, 1 refused (unknown or already released hold, another role; nothing written), 2 could not run."
    )

    @Argument(help: "The hold (H-…).")
    var id: String

    @Option(help: "Why the hold is released.")
    var reason: String

    @Option(help: "The role you release it as.")
    var role = "records_officer"

    @OptionGroup var ledger: RetentionLedgerOption

    @OptionGroup var clock: RetentionClockOption

    @Flag(help: "Print JSON: ok and the hold.")
    var json = false

    func run() async throws {
        let command = "release"
        let now = try clock.date(command: "holds " + command, json: json)
        let role = try HoldsCLI.role(role, command: "holds " + command, json: json)
        let (ledger, id, reason) = (self.ledger.name, id, reason)
        let hold = try await RetentionCLI.withStore("holds " + command, ledger: ledger, json: json, catchUp: false) { store in
            try await LegalHolds(store: store, ledger: ledger).release(id: id, reason: reason, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            Output.json(RetentionJSON.hold(hold).merging(["ok": true]) { _, new in new })
            return
        }
        Output.line("Released hold \(hold.id) at position \(hold.release?.position ?? 0): its records follow their schedule again.")
    }
}

/// `recordkeeper retention holds list`: the active holds (all with `--all`).
struct RetentionHoldsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the active legal holds (with --all, the released ones too)."
    )

    @Flag(help: "Include released holds.")
    var all = false

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: ok, holds.")
    var json = false

    func run() async throws {
        let (ledger, active) = (self.ledger.name, !all)
        let holds = try await RetentionCLI.withStore("holds list", ledger: ledger, json: json, catchUp: false) { store in
            try await LegalHolds(store: store, ledger: ledger).list(active: active)
        }
        if json {
            Output.json(["ok": true, "holds": holds.map(RetentionJSON.hold)])
            return
        }
        guard !holds.isEmpty else {
            Output.line(active ? "No active legal hold in ledger \(ledger)." : "No legal hold was ever placed in ledger \(ledger).")
            return
        }
        for hold in holds { Output.line(HoldsCLI.summary(hold)) }
    }
}

/// `recordkeeper retention holds show ID`: one hold and how many records it covers now.
struct RetentionHoldsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a legal hold: its matter, scope, who placed and released it, and how many records it covers now."
    )

    @Argument(help: "The hold (H-…).")
    var id: String

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: ok, the hold and covered_records.")
    var json = false

    func run() async throws {
        let (ledger, id) = (self.ledger.name, id)
        let shown = try await RetentionCLI.withStore("holds show", ledger: ledger, json: json) { store in
            let shown = try await LegalHolds(store: store, ledger: ledger).show(id: id)
            return Shown(hold: shown.hold, covered: shown.coveredRecords)
        }
        if json {
            Output.json(RetentionJSON.hold(shown.hold).merging(["ok": true, "covered_records": shown.covered]) { _, new in new })
            return
        }
        let hold = shown.hold
        Output.line(HoldsCLI.summary(hold))
        Output.line("  scope: \(HoldsCLI.scopeText(hold.scope))")
        Output.line("  reason: \(hold.reason)")
        if let release = hold.release { Output.line("  release reason: \(release.reason)") }
        Output.line(hold.isActive ? "  covers \(shown.covered) record\(shown.covered == 1 ? "" : "s") now" : "  covers nothing (released)")
    }

    struct Shown: Sendable {
        var hold: LegalHold
        var covered: Int
    }
}
