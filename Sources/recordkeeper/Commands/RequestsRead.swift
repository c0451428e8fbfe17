import ArgumentParser
import Deadlines
import Foundation
import RecordkeeperCore
import RecordkeeperRuntime
import Requests

/// `recordkeeper requests list`: the requests, by status, or those overdue.
struct RequestsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List requests in order of receipt (all, one status, or those overdue now).",
        discussion: """
            A request is overdue when the date that governs it has passed: the response due date until the \
            first response, then the estimate. A request waiting for the requester, or final, is never overdue.
            """
    )

    @Option(help: "Only requests of this status (open, acknowledged, waiting_for_requester, in_progress, installment_produced, closed, withdrawn, abandoned).")
    var status: String?

    @Flag(help: "Only the requests overdue now (or at --now).")
    var overdue = false

    @OptionGroup var options: RequestsOptions

    func run() async throws {
        var wanted: RequestStatus?
        if let status {
            guard let parsed = RequestStatus(rawValue: status.lowercased().replacingOccurrences(of: "-", with: "_")) else {
                throw RequestsCLI.fail(
                    "list", "--status \(status) is not a status: give \(RequestStatus.allCases.map(\.rawValue).joined(separator: ", "))",
                    json: options.json)
            }
            wanted = parsed
        }
        let (filter, overdue) = (wanted, overdue)
        let (found, now) = try await RequestsCLI.run("list", options) { requests, role, now in
            (try await requests.list(status: filter, overdueAt: overdue ? now : nil, role: role), now)
        }
        if options.json {
            Output.json(["ok": true, "requests": found.map { RecordsRequestJSON.request($0, now: now) }])
            return
        }
        guard !found.isEmpty else {
            Output.line(overdue ? "No request is overdue." : "No request\(filter.map { " is \($0.rawValue)" } ?? " was received").")
            return
        }
        for request in found { Output.line(RequestsCLI.summary(request, now: now)) }
    }
}

/// `recordkeeper requests show ID`: a request, its due-date arithmetic and its history.
struct RequestsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a request: its text and requester, the due date's arithmetic, its estimate, fees and history."
    )

    @Argument(help: "The request (PRR-…).")
    var id: String

    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let id = id
        let (shown, now) = try await RequestsCLI.run("show", options) { requests, role, now in
            (try await requests.show(id, role: role), now)
        }
        let r = shown.request
        if options.json {
            var object = RecordsRequestJSON.request(r, now: now)
            object["ok"] = true
            if let explanation = r.explanation { object["explanation"] = RecordsRequestJSON.explanation(explanation) }
            object["history"] = shown.history.map(RecordsRequestJSON.history)
            Output.json(object)
            return
        }
        Output.line(RequestsCLI.summary(r, now: now))
        Output.line("  channel: \(r.channel.rawValue); recorded by \(r.receivedBy) at position \(r.position)")
        if r.content == .present {
            Output.line(
                "  requester: \(r.requester.isAnonymous ? "not given" : [r.requester.name, r.requester.contact].compactMap { $0 }.joined(separator: ", "))")
            Output.line("  text: \(r.text ?? "")")
        } else {
            Output.line("  requester and text: \(r.content.placeholder)")
        }
        if r.feesCents > 0 {
            Output.line(
                "  fees: \(RecordsRequestError.money(r.feesCents)) (deposit \(RecordsRequestError.money(r.depositCents))), paid \(RecordsRequestError.money(r.paidCents)), owed \(RecordsRequestError.money(r.balanceCents))"
            )
        }
        if r.appealPending { Output.line("  an appeal is pending") }
        if let explanation = r.explanation {
            Output.line("Due date:")
            for line in explanation.lines { Output.line("  \(line)") }
        }
        Output.line("History:")
        for item in shown.history {
            var details = item.details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            if item.content != .present { details += (details.isEmpty ? "" : "; ") + "text \(item.content.placeholder)" }
            Output.line(
                "  \(item.position)  \(RequestsCLI.iso(item.occurredAt))  \(item.label) → \(item.status.rawValue)  by \(item.actor)\(details.isEmpty ? "" : "  (\(details))")"
            )
        }
    }
}

/// `recordkeeper requests log`: the request log of RCW 40.14.026(4) as CSV, JSON or HTML.
struct RequestsLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The request log (RCW 40.14.026(4)): requester, date received, text, records produced and withheld, responses.",
        discussion: "Reads only. --from and --to are days of receipt (both included)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json, html
    }

    @Option(help: "csv, json or html (an accessible, printable page).")
    var format: Format = .csv

    @Option(help: "Requests received on or after this day (YYYY-MM-DD).")
    var from: String?

    @Option(help: "Requests received up to and including this day (YYYY-MM-DD).")
    var to: String?

    @Option(help: "Write to this file instead of standard output (replaced if it exists).")
    var output: String?

    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let json = options.json
        guard !json || format == .csv || format == .json else {
            throw RequestsCLI.fail("log", "--json is --format json: give one format, not --json and --format \(format.rawValue)", json: json)
        }
        let format = json ? .json : format
        let fromDay = try from.map { try RequestsCLI.day($0, option: "--from", command: "log", json: json) }
        let toDay = try to.map { try RequestsCLI.day($0, option: "--to", command: "log", json: json) }
        if let fromDay, let toDay, toDay < fromDay {
            throw RequestsCLI.fail("log", "--to \(toDay) is before --from \(fromDay): give a range that is not empty", json: json)
        }
        let log = try await RequestsCLI.run("log", options) { requests, role, now in
            let zone = requests.clock.timeZone
            return try await requests.log(
                from: fromDay?.start(in: zone), to: toDay?.adding(days: 1).start(in: zone), role: role, now: now)
        }
        let text: String
        switch format {
        case .csv: text = log.csv()
        case .html: text = log.html()
        case .json:
            var object = log.json.object ?? [:]
            object["ok"] = .bool(true)
            text = String(decoding: (try? JSONValue.object(object).encoded()) ?? [], as: UTF8.self) + "\n"
        }
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                Output.error("recordkeeper requests log: could not write \(output): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Output.error("recordkeeper requests log: wrote \(log.entries.count) request\(log.entries.count == 1 ? "" : "s") to \(output)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
