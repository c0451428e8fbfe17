import Access
import ArgumentParser
import Deadlines
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Requests
import Workers

/// `recordkeeper requests …`: public-records requests (docs/public-records.md).
struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "Public-records requests: open, work, close and list them; the request log.",
        discussion: """
            Request officers and admins act (--role, default request_officer); auditors read. Dates are days \
            in the agency's time zone (RECORDKEEPER_TIME_ZONE, default America/Los_Angeles); the response \
            due date skips weekends and the holidays of RECORDKEEPER_HOLIDAYS_FILE (default: Washington's). \
            Exit codes: 0 done, 1 refused (nothing written), 2 could not run.
            """,
        subcommands: [
            RequestsOpen.self, RequestsList.self, RequestsShow.self, RequestsAcknowledge.self, RequestsEstimate.self, RequestsClarify.self,
            RequestsAnswer.self, RequestsStatus.self, RequestsClose.self, RequestsWithdraw.self, RequestsAppeal.self, RequestsReview.self,
            RequestsFee.self, RequestsLog.self, RequestsSuggest.self, RequestsRedact.self, RequestsRedactions.self, RequestsReviewRedaction.self,
            RequestsWithdrawRedaction.self, RequestsExemptions.self, RequestsSearch.self, RequestsSearches.self, RequestsReleaseHolds.self,
        ]
    )
}

extension RecordsRequestError: RequestsRefusal {}
extension HolidayCalendarError: RequestsRefusal {}

/// A refusal of a requests command: exit 1 with its description, nothing written.
protocol RequestsRefusal: Error, CustomStringConvertible {}

/// The options every `recordkeeper requests …` command takes.
struct RequestsOptions: ParsableArguments {
    @Option(help: "The role you act as: request_officer or admin act, auditor reads.")
    var role = "request_officer"

    @Option(help: "The ledger (default RECORDKEEPER_LEDGER or main).")
    var ledger: String?

    @Option(help: .hidden)
    var now: String?

    @Flag(help: "Print JSON.")
    var json = false
}

/// What the `recordkeeper requests …` commands share: the store with the projection caught up,
/// refusals, roles, the clock, and parsing of days, times and money.
enum RequestsCLI {
    /// Parses the shared options and runs `body` with the requests of the ledger. A
    /// ``RequestsRefusal`` exits 1 (`recordkeeper requests <command>: …` on stderr,
    /// `{"ok":false,"error":…}` with `--json`); anything else could not run (exit 2).
    static func run<T: Sendable>(
        _ command: String, _ options: RequestsOptions, _ body: @Sendable (RecordsRequests, StaffRole, Date) async throws -> T
    ) async throws -> T {
        let now = try self.now(options.now, command: command, json: options.json)
        guard let role = StaffRole(name: options.role) else {
            refuse(command, "--role \(options.role) is not a role: give request_officer, admin or auditor", json: options.json)
            throw ExitCode(1)
        }
        let clock: ResponseClock
        do { clock = try ResponseClock.fromEnvironment(Runtime.environment) } catch {
            refuse(command, error.description, json: options.json)
            throw ExitCode(1)
        }
        let ledger = Runtime.ledger(options.ledger)
        let logger = Output.makeLogger()
        let runtime: Runtime
        do { runtime = try await Runtime.prepare(logger: logger, keys: .required) } catch {
            Output.error("recordkeeper requests \(command): could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        defer { runtime.shutdown() }
        do {
            return try await withLedgerStore(runtime, logger: logger) { store in
                try await body(RecordsRequests(store: store, ledger: ledger, clock: clock), role, now)
            }
        } catch let error as any RequestsRefusal {
            refuse(command, error.description, json: options.json)
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("recordkeeper requests \(command): could not run: \(describeError(DatabaseErrorDescription.readable(error)))")
            throw ExitCode(2)
        }
    }

    /// Prints a refusal: on stderr, and as JSON on stdout with `--json`.
    static func refuse(_ command: String, _ message: String, json: Bool) {
        if json { Output.json(["ok": false, "error": message]) }
        Output.error("recordkeeper requests \(command): \(message)")
    }

    /// Refuses (exit 1) with `message`.
    static func fail(_ command: String, _ message: String, json: Bool) -> ExitCode {
        refuse(command, message, json: json)
        return ExitCode(1)
    }

    /// The hidden `--now`: an ISO 8601 time, or the current time.
    static func now(_ text: String?, command: String, json: Bool) throws -> Date {
        guard let text else { return Date() }
        guard let date = ISO8601DateFormatter().date(from: text) else {
            throw fail(command, "--now \(text) is not an ISO 8601 time such as 2026-11-20T18:00:00Z", json: json)
        }
        return date
    }

    /// A day option, `YYYY-MM-DD`.
    static func day(_ text: String, option: String, command: String, json: Bool) throws -> CivilDay {
        guard let day = CivilDay(text) else { throw fail(command, "\(option) \(text) is not a day such as 2026-12-15", json: json) }
        return day
    }

    /// An amount of money, `12.50`, `12` or `$12.50`, in cents.
    static func cents(_ text: String, option: String, command: String, json: Bool) throws -> Int64 {
        var digits = text.trimmingCharacters(in: .whitespaces)
        if digits.hasPrefix("$") { digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12, parts[0].allSatisfy(\.isNumber),
            parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber)),
            let whole = Int64(parts[0])
        else { throw fail(command, "\(option) \(text) is not an amount such as 12.50", json: json) }
        let fraction = parts.count == 2 ? Int64(parts[1].count == 1 ? "\(parts[1])0" : String(parts[1])) ?? 0 : 0
        return whole * 100 + fraction
    }

    /// ISO 8601 in UTC.
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A request for people, on one line.
    static func summary(_ r: RecordsRequest, now: Date) -> String {
        var line = "\(r.id)  \(r.status.rawValue)  received \(CivilDay(r.receivedAt, in: r.timeZone))  due \(r.dueDate)"
        if let estimate = r.estimateDate { line += "  estimate \(estimate)" }
        if let from = r.abandonableFrom { line += "  abandonable from \(from)" }
        if let reason = r.closeReason, r.status.isFinal { line += "  (\(reason.rawValue))" }
        if r.isOverdue(at: now) { line += "  OVERDUE" }
        return line
    }

    /// Prints a request after an action: `--json` the request with `ok`, else one line.
    static func printed(_ r: RecordsRequest, json: Bool, now: Date, _ line: String) {
        if json {
            Output.json(RecordsRequestJSON.request(r, now: now).merging(["ok": true]) { _, new in new })
        } else {
            Output.line(line)
        }
    }
}
