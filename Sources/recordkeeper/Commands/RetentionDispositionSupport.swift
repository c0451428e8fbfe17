import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention
import Workers

/// What the disposition and status commands share: opening the store with the projections caught
/// up, reporting refusals, printing lists and dates.
enum DispositionCLI {
    /// Runs `body` with a store whose projections (every one the workers keep) are caught up on
    /// `ledger`. A ``DispositionError`` is a refusal (exit 1, `recordkeeper retention <command>: …`
    /// on stderr, and `{"ok":false,"error":…}` with `--json`); anything else could not run (exit 2).
    static func withStore<T: Sendable>(
        _ command: String, ledger: String, json: Bool, _ body: @Sendable (LedgerStore) async throws -> T
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
                if try await store.existingLedger(named: ledger) != nil {
                    _ = try await ProjectionRunner(store: store, projections: WorkerSet.projections, ledgers: [ledger], logger: logger).catchUpAll()
                }
                return try await body(store)
            }
        } catch let error as DispositionError {
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

    /// A date option (`--until`): `YYYY-MM-DD` (midnight UTC) or an ISO 8601 time; a bad one exits 1.
    static func date(_ text: String, option: String, command: String, json: Bool) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        refuse(command, "\(option) \(text) is not a date such as 2028-06-30 or 2028-06-30T00:00:00Z", json: json)
        throw ExitCode(1)
    }

    /// Record ids given on the command line; a malformed one exits 1.
    static func records(_ texts: [String], command: String, json: Bool) throws -> [RetentionRecordID] {
        var records: [RetentionRecordID] = []
        for text in texts {
            guard let record = RetentionRecordID(text) else {
                refuse(command, DispositionError.invalidRecord(text).description, json: json)
                throw ExitCode(1)
            }
            records.append(record)
        }
        return records
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func day(_ date: Date) -> String { String(iso(date).prefix(10)) }

    /// A list as JSON; with `items`, every record and the decision on it.
    static func json(_ list: DispositionList, items: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "list": list.list, "series": list.series, "action": list.action.rawValue, "review": list.review, "status": list.status,
            "listed_position": list.listedPosition, "listed_by": list.listedBy, "listed_at": iso(list.listedAt), "digest": list.digest,
            "approvals": list.approvals.map { ["position": $0.position, "actor": $0.actor, "at": iso($0.at)] as [String: Any] },
            "required": list.required, "approved": list.approved, "records": list.items.count, "authorised": list.authorised.count,
            "remaining": list.remaining.count, "undecided": list.undecided.count,
        ]
        if let position = list.transferredPosition { object["transferred_position"] = position }
        if let archives = list.archives { object["archives"] = archives }
        if items {
            object["items"] = list.items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "record": item.record.description, "state": item.state.rawValue, "destroyed": item.destroyed, "transferred": item.transferred,
                ]
                if let reason = item.reason { entry["reason"] = reason }
                if let until = item.until { entry["until"] = iso(until) }
                if let by = item.reviewedBy { entry["reviewed_by"] = by }
                return entry
            }
        }
        return object
    }

    /// A list's one-line summary.
    static func summary(_ list: DispositionList) -> String {
        "\(list.list)  \(list.series)  \(list.action.rawValue)  \(list.items.count) record\(list.items.count == 1 ? "" : "s")  \(list.status)"
    }
}
