import Access
import ArgumentParser
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention
import Workers

/// What the `recordkeeper retention holds …` commands share: the store, refusals, dates, roles
/// and the JSON form of a hold.
enum HoldsCLI {
    /// Runs `body` with a store (every projection the workers keep caught up on `ledger` first
    /// when `catchUp`). A ``LegalHoldError`` is a refusal (exit 1, `recordkeeper retention holds
    /// <command>: …` on stderr, `{"ok":false,"error":…}` with `--json`); anything else could not
    /// run (exit 2).
    static func withStore<T: Sendable>(
        _ command: String, ledger: String, json: Bool, catchUp: Bool = false, _ body: @Sendable (LedgerStore) async throws -> T
    ) async throws -> T {
        let logger = Output.makeLogger()
        let runtime: Runtime
        do { runtime = try await Runtime.prepare(logger: logger, keys: .required) } catch {
            Output.error("recordkeeper retention holds \(command): could not run: \(describeError(error))")
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
        } catch let error as LegalHoldError {
            refuse(command, error.description, json: json)
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("recordkeeper retention holds \(command): could not run: \(describeError(DatabaseErrorDescription.readable(error)))")
            throw ExitCode(2)
        }
    }

    /// Prints a refusal: on stderr, and as JSON on stdout with `--json`.
    static func refuse(_ command: String, _ message: String, json: Bool) {
        if json { Output.json(["ok": false, "error": message]) }
        Output.error("recordkeeper retention holds \(command): \(message)")
    }

    /// The role given with `--role` (a staff role name); an unknown one exits 1.
    static func role(_ text: String, command: String, json: Bool) throws -> String {
        guard let role = StaffRole(name: text) else {
            refuse(command, LegalHoldError.invalidRole(text).description, json: json)
            throw ExitCode(1)
        }
        return role.rawValue
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

    /// `--from` / `--to`: an ISO 8601 time as given, or a day `YYYY-MM-DD`: its start for
    /// `--from`, the start of the next day for `--to` (so the whole day is included). A bad one
    /// exits 1.
    static func date(_ text: String?, option: String, endOfDay: Bool, command: String, json: Bool) throws -> Date? {
        guard let text else { return nil }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return endOfDay ? date.addingTimeInterval(86_400) : date }
        refuse(command, "\(option) \(text) is not a date such as 2026-03-31 or 2026-03-31T12:00:00Z", json: json)
        throw ExitCode(1)
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A hold as JSON.
    static func json(_ hold: LegalHold) -> [String: Any] {
        var scope: [String: Any] = [:]
        if !hold.scope.conversations.isEmpty { scope["conversations"] = hold.scope.conversations }
        if !hold.scope.citizens.isEmpty { scope["citizens"] = hold.scope.citizens }
        if !hold.scope.businessNumbers.isEmpty { scope["business_numbers"] = hold.scope.businessNumbers }
        if !hold.scope.teams.isEmpty { scope["teams"] = hold.scope.teams }
        if let from = hold.scope.from { scope["from"] = iso(from) }
        if let to = hold.scope.to { scope["to"] = iso(to) }
        var object: [String: Any] = [
            "hold": hold.id, "type": hold.type.rawValue, "matter": hold.matter, "custodian": hold.custodian, "reason": hold.reason,
            "role": hold.role, "placed_by": hold.actor, "placed_at": iso(hold.placedAt), "position": hold.position, "active": hold.isActive,
            "scope": scope, "released": NSNull(),
        ]
        if let release = hold.release {
            object["released"] =
                [
                    "position": release.position, "by": release.actor, "role": release.role, "reason": release.reason, "at": iso(release.releasedAt),
                ] as [String: Any]
        }
        return object
    }

    /// One line describing a hold's scope, for people.
    static func scopeText(_ scope: LegalHoldScope) -> String {
        var parts: [String] = []
        if !scope.citizens.isEmpty { parts.append("citizens \(scope.citizens.joined(separator: ", "))") }
        if !scope.conversations.isEmpty { parts.append("conversations \(scope.conversations.joined(separator: ", "))") }
        if !scope.businessNumbers.isEmpty { parts.append("business numbers \(scope.businessNumbers.joined(separator: ", "))") }
        if !scope.teams.isEmpty { parts.append("teams \(scope.teams.joined(separator: ", "))") }
        if let from = scope.from { parts.append("from \(iso(from))") }
        if let to = scope.to { parts.append("before \(iso(to))") }
        return parts.joined(separator: "; and ")
    }

    /// One line describing a hold, for people.
    static func summary(_ hold: LegalHold) -> String {
        let state = hold.release.map { "released \(iso($0.releasedAt)) by \($0.actor) as \($0.role)" } ?? "active"
        return
            "\(hold.id) \(hold.type.rawValue), matter \(hold.matter), custodian \(hold.custodian): \(state); placed \(iso(hold.placedAt)) by \(hold.actor) as \(hold.role)"
    }
}
