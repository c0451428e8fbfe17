import Deadlines
public import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import Retention

/// How long a request's holds outlive its closing (docs/public-records.md, "Holds").
public struct RequestHoldGrace: Sendable, Hashable {
    /// Days after the request was closed, withdrawn or abandoned; 0: at once.
    public var days: Int

    /// 30 days: a margin for the requester to ask for a review of the closure before the
    /// records it concerned may be destroyed. records-law.md gives no figure (RCW 42.56.100 holds
    /// records "until the request is resolved"); an agency expecting litigation keeps a longer
    /// period or places a litigation hold.
    public static let defaultDays = 30
    /// The longest grace period accepted (ten years).
    public static let maxDays = 3650

    public init(days: Int = defaultDays) {
        self.days = days
    }

    /// `RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS` (a whole number of days from 0 to 3650; default 30).
    /// - Throws: `SettingsError` naming the variable for anything else.
    public static func fromEnvironment(_ env: [String: String]) throws -> RequestHoldGrace {
        guard let text = env["RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return RequestHoldGrace()
        }
        guard let days = Int(text), (0...maxDays).contains(days) else {
            throw SettingsError("RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS: \(text) is not a number of days from 0 to \(maxDays) (default \(defaultDays))")
        }
        return RequestHoldGrace(days: days)
    }

    /// When the holds of a request closed at `closedAt` may be released.
    public func releasableFrom(closedAt: Date) -> Date { closedAt.addingTimeInterval(TimeInterval(days) * 86_400) }
}

/// A request hold released, or waiting for its grace period to end.
public struct RequestHoldRelease: Sendable, Hashable {
    public var request: String
    public var hold: String
    public var closedAt: Date
    public var releasableFrom: Date
    /// Whether it was released now (false: still waiting for the grace period, or for an appeal).
    public var released: Bool

    /// The JSON object `--json` prints.
    public var json: [String: Any] {
        [
            "request": request, "hold": hold, "closed_at": DueDateExplanation.iso(closedAt), "releasable_from": DueDateExplanation.iso(releasableFrom),
            "released": released,
        ]
    }
}

extension RequestHolds {
    /// The actor of releases the background worker makes.
    public static let workerActor = "system:request-holds"

    /// Releases the holds the searches of final requests placed (closed, withdrawn or abandoned,
    /// no appeal pending) once `grace` has passed since the request was closed. Idempotent: a
    /// hold released already (by an earlier run or by hand) is not listed again.
    /// - Returns: the holds released now, and those of final requests still in their grace period
    ///   (`released` false).
    public func releaseDue(grace: RequestHoldGrace, actor: String, now: Date = Date()) async throws -> [RequestHoldRelease] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        let candidates = try await store.withTransaction { connection in
            try await RequestSearches.catchUp(store: store, ledger: ref, on: connection)
            try await LegalHolds.catchUp(store: store, ledger: ref, on: connection)
            return try await Self.holdsOfFinalRequests(ledger: ref, on: connection, logger: store.logger)
        }
        let holds = LegalHolds(store: store, ledger: ledger)
        var outcome: [RequestHoldRelease] = []
        for (request, hold, role, closedAt, reason) in candidates {
            let from = grace.releasableFrom(closedAt: closedAt)
            var item = RequestHoldRelease(request: request, hold: hold, closedAt: closedAt, releasableFrom: from, released: false)
            if now >= from {
                do {
                    _ = try await holds.release(
                        id: hold,
                        reason:
                            "public records request \(request) was \(reason) on \(DueDateExplanation.iso(closedAt)); its grace period of \(grace.days) days has ended",
                        actor: actor, role: role, now: now)
                    item.released = true
                } catch LegalHoldError.alreadyReleased {
                    continue
                }
            }
            outcome.append(item)
        }
        return outcome
    }

    /// The active holds placed by searches of final requests with no appeal pending: request,
    /// hold, the role it was placed as, when the request was closed and how.
    static func holdsOfFinalRequests(
        ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [(String, String, String, Date, String)]
    {
        let rows = try await connection.query(
            """
            SELECT r.request_id, h.hold_id, h.placed_role, r.closed_at_us, r.status
            FROM requests r
            JOIN request_searches s ON s.ledger_id = r.ledger_id AND s.request_id = r.request_id
            JOIN retention_holds h ON h.ledger_id = r.ledger_id AND h.hold_id = ANY(s.holds)
            WHERE r.ledger_id = \(ledger.id) AND r.status IN ('closed', 'withdrawn', 'abandoned') AND NOT r.appeal_pending
                AND r.closed_at_us IS NOT NULL AND h.released_position IS NULL
            ORDER BY r.closed_at_us, h.placed_position
            """, logger: logger)
        var found: [(String, String, String, Date, String)] = []
        for try await (request, hold, role, closed, status) in rows.decode((String, String, String, Int64, String).self) {
            found.append((request, hold, role, LedgerTimestamp(microseconds: closed).date, status))
        }
        return found
    }
}
