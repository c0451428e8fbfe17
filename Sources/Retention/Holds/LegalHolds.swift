public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// Places, releases and reads a ledger's legal holds (docs/records-officer.md, "Legal holds").
///
/// Placing and releasing take the PostgreSQL transaction-level advisory lock ``lockKey``
/// exclusively while they append, and catch the `retention_holds` projection up before the lock
/// is released: a destruction batch that takes the same lock shared
/// (`pg_advisory_xact_lock_shared(LegalHolds.lockKey)`) and then asks
/// ``heldRecords(_:ledger:on:logger:)`` sees every hold placed before it.
public struct LegalHolds: Sendable {
    /// The advisory lock key of hold placement, release and destruction (`rk_holds` in ASCII).
    public static let lockKey: Int64 = 0x726b_5f68_6f6c_6473
    /// The role that may release any hold.
    public static let recordsOfficer = "records_officer"

    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Places a hold: validates the request, then appends `retention.hold.placed` under a new id
    /// `H-<n>` and returns the hold as projected.
    /// - Parameters:
    ///   - actor: who places it (`cli:<user>`, `staff:<name>`).
    ///   - role: the role they place it as; that role or a records officer may release it.
    /// - Throws: ``LegalHoldError`` for an empty scope, an empty matter, custodian or reason, a
    ///   citizen that is not a phone number or BSUID, an empty date range or a malformed role;
    ///   nothing is written.
    @discardableResult
    public func place(_ hold: LegalHoldRequest, actor: String, role: String = recordsOfficer, now: Date = Date()) async throws -> LegalHold {
        let request = try Self.validated(hold)
        try Self.validate(role: role)
        let ref = try await store.ledger(named: ledger)
        return try await store.withTransaction { connection in
            try await connection.perform("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: store.logger)
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            let id = try await Self.nextID(ledger: ref, on: connection, logger: store.logger)
            let event = try LegalHoldEvents.placed(id: id, request: request, role: role, actor: actor, occurredAt: LedgerTimestamp(now))
            let receipt = try await store.append(event, to: ledger)
            if receipt.alreadyRecorded { throw LegalHoldError.concurrentPlacement(id) }
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let placed = try await Self.holds(ledger: ref, id: id, activeOnly: false, on: connection, logger: store.logger).first else {
                throw LegalHoldError.unknownHold(id)
            }
            return placed
        }
    }

    /// Releases an active hold, appending `retention.hold.released` with the reason.
    /// - Throws: ``LegalHoldError/unknownHold(_:)``, ``LegalHoldError/alreadyReleased(_:position:)``,
    ///   ``LegalHoldError/releaseNotAllowed(_:placedBy:role:)`` (only the role that placed it or a
    ///   records officer may release it), ``LegalHoldError/missing(_:)`` for an empty reason;
    ///   nothing is written.
    @discardableResult
    public func release(id: String, reason: String, actor: String, role: String = recordsOfficer, now: Date = Date()) async throws -> LegalHold {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw LegalHoldError.missing("reason") }
        try Self.validate(role: role)
        guard let ref = try await store.existingLedger(named: ledger) else { throw LegalHoldError.unknownHold(id) }
        return try await store.withTransaction { connection in
            try await connection.perform("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: store.logger)
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let hold = try await Self.holds(ledger: ref, id: id, activeOnly: false, on: connection, logger: store.logger).first else {
                throw LegalHoldError.unknownHold(id)
            }
            if let release = hold.release { throw LegalHoldError.alreadyReleased(id, position: release.position) }
            guard role == hold.role || role == Self.recordsOfficer else {
                throw LegalHoldError.releaseNotAllowed(id, placedBy: hold.role, role: role)
            }
            let event = try LegalHoldEvents.released(id: id, reason: reason, role: role, actor: actor, occurredAt: LedgerTimestamp(now))
            let receipt = try await store.append(event, to: ledger)
            if receipt.alreadyRecorded { throw LegalHoldError.alreadyReleased(id, position: receipt.position) }
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let released = try await Self.holds(ledger: ref, id: id, activeOnly: false, on: connection, logger: store.logger).first else {
                throw LegalHoldError.unknownHold(id)
            }
            return released
        }
    }

    /// The holds (only the active ones when `active`), in the order they were placed, after
    /// catching the projection up.
    public func list(active: Bool = true) async throws -> [LegalHold] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        return try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            return try await Self.holds(ledger: ref, id: nil, activeOnly: active, on: connection, logger: store.logger)
        }
    }

    /// The hold `id`, released or not, with the records it covers now (none once released).
    /// - Throws: ``LegalHoldError/unknownHold(_:)``.
    public func show(id: String) async throws -> (hold: LegalHold, coveredRecords: Int) {
        guard let ref = try await store.existingLedger(named: ledger) else { throw LegalHoldError.unknownHold(id) }
        return try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let hold = try await Self.holds(ledger: ref, id: id, activeOnly: false, on: connection, logger: store.logger).first else {
                throw LegalHoldError.unknownHold(id)
            }
            let covered = hold.isActive ? try await Self.coveredCount(hold: id, ledger: ref, on: connection, logger: store.logger) : 0
            return (hold, covered)
        }
    }

    // MARK: Validation

    /// The request with its texts trimmed and its scope's values normalised (citizen keys,
    /// duplicates and blanks dropped).
    static func validated(_ request: LegalHoldRequest) throws(LegalHoldError) -> LegalHoldRequest {
        var request = request
        request.matter = request.matter.trimmingCharacters(in: .whitespacesAndNewlines)
        request.custodian = request.custodian.trimmingCharacters(in: .whitespacesAndNewlines)
        request.reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        func cleaned(_ values: [String]) -> [String] {
            var seen: Set<String> = []
            return values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        }
        var scope = request.scope
        scope.conversations = cleaned(scope.conversations)
        scope.businessNumbers = cleaned(scope.businessNumbers)
        scope.teams = cleaned(scope.teams)
        var keys: [String] = []
        for citizen in cleaned(scope.citizens) {
            guard let key = LegalHoldScope.citizenKey(citizen) else { throw .invalidCitizen(citizen) }
            if !keys.contains(key) { keys.append(key) }
        }
        scope.citizens = keys
        request.scope = scope
        guard !scope.isEmpty else { throw .emptyScope }
        if let from = scope.from, let to = scope.to, from >= to {
            throw .emptyDateRange(from: LegalHoldScope.iso(from), to: LegalHoldScope.iso(to))
        }
        if request.matter.isEmpty { throw .missing("matter") }
        if request.custodian.isEmpty { throw .missing("custodian") }
        if request.reason.isEmpty { throw .missing("reason") }
        return request
    }

    /// A role name: lower case letters and underscores (`records_officer`).
    static func validate(role: String) throws(LegalHoldError) {
        guard (1...32).contains(role.utf8.count), role.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") })
        else { throw .invalidRole(role) }
    }

    /// `H-<n>`: one more than the highest number given so far in the ledger (called under the lock,
    /// after catching up; the placed event's dedupe key refuses a duplicate all the same).
    static func nextID(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query(
            """
            SELECT coalesce(max(substring(hold_id FROM 3)::bigint), 0) + 1 FROM retention_holds
            WHERE ledger_id = \(ledger.id) AND hold_id ~ '^H-[0-9]{1,18}$'
            """, logger: logger
        ).collect()
        return "H-\(try rows.first?.decode(Int64.self) ?? 1)"
    }

    // MARK: Reading

    /// The holds of a ledger as projected (one when `id` is given), in the order placed.
    static func holds(
        ledger: LedgerRef, id: String?, activeOnly: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [LegalHold]
    {
        let rows = try await connection.query(
            """
            SELECT hold_id, type, placed_position, placed_at_us, placed_by, placed_role, matter, custodian, reason, conversations, citizens,
                business_numbers, teams, from_at_us, to_at_us, released_position, released_at_us, released_by, released_role, release_reason
            FROM retention_holds
            WHERE ledger_id = \(ledger.id) AND (\(id)::text IS NULL OR hold_id = \(id)) AND (NOT \(activeOnly) OR released_position IS NULL)
            ORDER BY placed_position
            """, logger: logger)
        var holds: [LegalHold] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let scope = LegalHoldScope(
                conversations: try r["conversations"].decode([String].self), citizens: try r["citizens"].decode([String].self),
                businessNumbers: try r["business_numbers"].decode([String].self), teams: try r["teams"].decode([String].self),
                from: try r["from_at_us"].decode(Int64?.self).map { LedgerTimestamp(microseconds: $0).date },
                to: try r["to_at_us"].decode(Int64?.self).map { LedgerTimestamp(microseconds: $0).date })
            var release: LegalHold.Release?
            if let position = try r["released_position"].decode(Int64?.self) {
                release = LegalHold.Release(
                    position: position, actor: try r["released_by"].decode(String?.self) ?? "",
                    role: try r["released_role"].decode(String?.self) ?? "", reason: try r["release_reason"].decode(String?.self) ?? "",
                    releasedAt: LedgerTimestamp(microseconds: try r["released_at_us"].decode(Int64?.self) ?? 0).date)
            }
            holds.append(
                LegalHold(
                    id: try r["hold_id"].decode(String.self), type: LegalHoldType(rawValue: try r["type"].decode(String.self)) ?? .litigation,
                    matter: try r["matter"].decode(String.self), custodian: try r["custodian"].decode(String.self),
                    reason: try r["reason"].decode(String.self), scope: scope, role: try r["placed_role"].decode(String.self),
                    actor: try r["placed_by"].decode(String.self), position: try r["placed_position"].decode(Int64.self),
                    placedAt: LedgerTimestamp(microseconds: try r["placed_at_us"].decode(Int64.self)).date, release: release))
        }
        return holds
    }
}
