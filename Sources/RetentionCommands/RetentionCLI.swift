import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention
import Workers

/// A refusal of a retention command: exit 1 with its description, nothing written.
protocol RetentionRefusal: Error, CustomStringConvertible {}

extension DispositionError: RetentionRefusal {}
extension LegalHoldError: RetentionRefusal {}
extension RetentionFilingError: RetentionRefusal {}
extension DestructionCertificateError: RetentionRefusal {}

/// What the `recordkeeper retention …` commands share: opening the store with the projections
/// caught up, refusals, and the hidden `--now` and date options.
enum RetentionCLI {
    /// Runs `body` with a store (every projection the workers keep caught up on `ledger` first,
    /// when `catchUp`). A ``RetentionRefusal`` is a refusal (exit 1, `recordkeeper retention
    /// <command>: …` on stderr, `{"ok":false,"error":…}` with `--json`); anything else could not
    /// run (exit 2).
    /// - Parameter command: the words after `recordkeeper retention` (`holds place`, `destroy`).
    static func withStore<T: Sendable>(
        _ command: String, ledger: String, json: Bool, catchUp: Bool = true, _ body: @Sendable (LedgerStore) async throws -> T
    ) async throws -> T {
        let logger = Output.makeLogger()
        let runtime: Runtime
        do { runtime = try await Runtime.prepare(logger: logger, keys: .required) } catch {
            Output.error("recordkeeper retention \(command): could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        defer { runtime.shutdown() }
        do {
            return try await withLedgerStore(runtime, logger: logger) { store in
                if catchUp, try await store.existingLedger(named: ledger) != nil {
                    _ = try await ProjectionRunner(store: store, projections: WorkerSet.projections, ledgers: [ledger], logger: logger).catchUpAll()
                }
                return try await body(store)
            }
        } catch let error as any RetentionRefusal {
            refuse(command, error.description, json: json)
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("recordkeeper retention \(command): could not run: \(describeError(DatabaseErrorDescription.readable(error)))")
            throw ExitCode(2)
        }
    }

    /// Prints a refusal: on stderr, and as JSON on stdout with `--json`.
    static func refuse(_ command: String, _ message: String, json: Bool) {
        if json { Output.json(["ok": false, "error": message]) }
        Output.error("recordkeeper retention \(command): \(message)")
    }

    /// The hidden `--now`: an ISO 8601 time, or the current time; a bad one exits 1.
    static func now(_ text: String?, command: String, json: Bool) throws -> Date {
        guard let text else { return Date() }
        guard let date = ISO8601DateFormatter().date(from: text) else {
            refuse(command, "--now \(text) is not an ISO 8601 time such as 2028-03-01T12:00:00Z", json: json)
            throw ExitCode(1)
        }
        return date
    }

    /// A date option: an ISO 8601 time as given, or a day `YYYY-MM-DD`: its start, or with
    /// `endOfDay` the start of the next day (so the whole day is included). A bad one exits 1.
    static func date(_ text: String, option: String, endOfDay: Bool = false, command: String, json: Bool) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return endOfDay ? date.addingTimeInterval(86_400) : date }
        refuse(command, "\(option) \(text) is not a date such as 2028-06-30 or 2028-06-30T12:00:00Z", json: json)
        throw ExitCode(1)
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func day(_ date: Date) -> String { String(iso(date).prefix(10)) }
}
