import Deadlines
import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// Reads of the `requests` projection (migration 0023).
enum RequestQueries {
    /// Request `id`, or nil.
    static func request(_ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> RecordsRequest? {
        try await requests(ledger: ledger, id: id, status: nil, on: connection, logger: logger).first
    }

    /// The requests of a ledger (one when `id` is given; those of `status` when given), in order of receipt.
    static func requests(
        ledger: LedgerRef, id: String?, status: RequestStatus?, from: Date? = nil, to: Date? = nil, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [RecordsRequest] {
        let (from, to) = (from.map { LedgerTimestamp($0).microseconds }, to.map { LedgerTimestamp($0).microseconds })
        let query: PostgresQuery = """
            SELECT request_id, status, channel, received_at_us, received_by,
                received_position, due_date::text AS due, time_zone, first_response_at_us,
                estimate_date::text AS estimate, waiting_since_us, clarification_pending, close_reason, closed_at_us, fees_cents,
                deposit_cents, paid_cents, appeal_pending, last_position
            FROM requests
            WHERE ledger_id = \(ledger.id) AND (\(id)::text IS NULL OR request_id = \(id)) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                AND (\(from)::bigint IS NULL OR received_at_us >= \(from)) AND (\(to)::bigint IS NULL OR received_at_us < \(to))
            ORDER BY received_at_us, year, number
            """
        var found: [RecordsRequest] = []
        for try await row in try await connection.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            func date(_ column: String) throws -> Date? {
                try r[column].decode(Int64?.self).map { LedgerTimestamp(microseconds: $0).date }
            }
            let zone = try r["time_zone"].decode(String.self)
            guard let status = RequestStatus(rawValue: try r["status"].decode(String.self)),
                let due = CivilDay(try r["due"].decode(String.self))
            else { continue }
            found.append(
                RecordsRequest(
                    id: try r["request_id"].decode(String.self), status: status,
                    channel: RequestChannel(rawValue: try r["channel"].decode(String.self)) ?? .other,
                    receivedAt: try date("received_at_us") ?? Date(timeIntervalSince1970: 0),
                    receivedBy: try r["received_by"].decode(String.self), position: try r["received_position"].decode(Int64.self), dueDate: due,
                    explanation: nil, timeZone: TimeZone(identifier: zone) ?? TimeZone(identifier: ResponseClock.defaultTimeZone) ?? .current,
                    firstResponseAt: try date("first_response_at_us"), estimateDate: try r["estimate"].decode(String?.self).flatMap(CivilDay.init),
                    waitingSince: try date("waiting_since_us"), clarificationPending: try r["clarification_pending"].decode(Bool.self),
                    closeReason: try r["close_reason"].decode(String?.self).flatMap(CloseReason.init(rawValue:)), closedAt: try date("closed_at_us"),
                    feesCents: try r["fees_cents"].decode(Int64.self), depositCents: try r["deposit_cents"].decode(Int64.self),
                    paidCents: try r["paid_cents"].decode(Int64.self), appealPending: try r["appeal_pending"].decode(Bool.self),
                    lastPosition: try r["last_position"].decode(Int64.self)))
        }
        return found
    }

    /// The history of request `id`, oldest first.
    static func history(_ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> [RequestHistoryItem] {
        try await histories(ledger: ledger, ids: [id], on: connection, logger: logger)[id] ?? []
    }

    /// The histories of requests `ids`, oldest entry first.
    static func histories(ledger: LedgerRef, ids: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: [RequestHistoryItem]] {
        let rows = try await connection.query(
            """
            SELECT request_id, position, event_type, status, occurred_at_us, actor, details::text
            FROM request_events WHERE ledger_id = \(ledger.id) AND request_id = ANY(\(ids)) ORDER BY position
            """, logger: logger)
        var found: [String: [RequestHistoryItem]] = [:]
        for try await (id, position, type, status, at, actor, details) in rows.decode((String, Int64, String, String, Int64, String, String).self) {
            var members: [String: String] = [:]
            for (key, value) in (try? JSONValue.parse(Data(details.utf8)))?.object ?? [:] { members[key] = value.string }
            found[id, default: []].append(
                RequestHistoryItem(
                    position: position, eventType: type, status: RequestStatus(rawValue: status) ?? .open,
                    occurredAt: LedgerTimestamp(microseconds: at).date, actor: actor, details: members))
        }
        return found
    }
}
