import Deadlines
import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `requests` projection (migration 0023): `requests` (one row per request, its current
/// state) and `request_events` (its history), from the retained headers of every `request.*`
/// entry. It opens no payload and holds no content: the requester, the text and every free text
/// are read from the payloads when a request is shown (``RequestContentReader``). The entries were
/// checked when they were recorded (``RecordsRequests``): the projection applies each one's
/// status and amounts as recorded.
public struct RequestsProjection: Projection {
    /// The projection's name in `projection_state`.
    public static let projectionName = "requests"
    public let name = Self.projectionName
    public let version = 2
    public let eventTypes: Set<String> = RequestEvents.types
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            // `export.produced` of a transfer package is on `retention/disposition`, not a request's stream.
            guard fields.stream.hasPrefix(RequestEvents.stream("")) else { continue }
            guard let header = try? JSONValue.parse(Data(fields.header.utf8)), let id = header.text("request"),
                let status = header.text("status").flatMap(RequestStatus.init(rawValue:)), fields.stream == RequestEvents.stream(id)
            else {
                logger.warning("requests: skipping a request event whose header cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            let (position, at, actor, type) = (fields.position, fields.occurredAt.microseconds, fields.actor, fields.eventType)
            if type == EventType.Requests.received {
                guard try await insertRequest(id: id, header: header, record: record, ledger: ledger, on: connection, logger: logger) else {
                    continue
                }
            }
            try await connection.perform(
                """
                INSERT INTO request_events (ledger_id, position, request_id, event_type, status, occurred_at_us, actor, details)
                VALUES (\(ledger.id), \(position), \(id), \(type), \(status.rawValue), \(at), \(actor), \(Self.details(header))::jsonb)
                ON CONFLICT (ledger_id, position) DO NOTHING
                """, logger: logger)
            if RedactionEvents.types.contains(type) {
                try await RedactionsProjection.apply(record, request: id, header: header, ledger: ledger, on: connection, logger: logger)
            }
            let responds =
                type == EventType.Requests.acknowledged || type == EventType.Requests.clarificationRequested || type == EventType.Requests.closed
                || (type == EventType.Requests.statusChanged && status == .installmentProduced) || type == EventType.Exports.produced
            let waiting = status == .waitingForRequester
            let amount = header["amount_cents"]?.integer ?? 0
            let deposit = header["deposit_cents"]?.integer ?? 0
            try await connection.perform(
                """
                UPDATE requests SET
                    status = \(status.rawValue),
                    last_position = \(position),
                    first_response_position = CASE WHEN \(responds) THEN coalesce(first_response_position, \(position)) ELSE first_response_position END,
                    first_response_at_us = CASE WHEN \(responds) THEN coalesce(first_response_at_us, \(at)) ELSE first_response_at_us END,
                    estimate_date = coalesce(\(header.text("estimate_date"))::date, estimate_date),
                    waiting_since_us = CASE WHEN NOT \(waiting) THEN NULL WHEN status = 'waiting_for_requester' THEN waiting_since_us ELSE \(at) END,
                    clarification_pending = CASE
                        WHEN \(type == EventType.Requests.clarificationRequested) THEN true
                        WHEN NOT \(waiting) THEN false ELSE clarification_pending END,
                    close_reason = CASE WHEN \(type == EventType.Requests.closed) THEN \(header.text("reason"))
                        WHEN \(status.isFinal) THEN close_reason ELSE NULL END,
                    closed_at_us = CASE WHEN \(type == EventType.Requests.closed) THEN \(at) WHEN \(status.isFinal) THEN closed_at_us ELSE NULL END,
                    fees_cents = fees_cents + \(type == EventType.Requests.feeAssessed ? amount : 0),
                    deposit_cents = deposit_cents + \(type == EventType.Requests.feeAssessed ? deposit : 0),
                    paid_cents = paid_cents + \(type == EventType.Requests.depositPaid ? amount : 0),
                    appeal_pending = CASE WHEN \(type == EventType.Requests.appealed) THEN true
                        WHEN \(type == EventType.Requests.appealDecided) THEN false ELSE appeal_pending END
                WHERE ledger_id = \(ledger.id) AND request_id = \(id)
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM request_events WHERE ledger_id = \(ledger.id)", logger: logger)
        try await RedactionsProjection.reset(ledger: ledger, on: connection, logger: logger)
        try await connection.perform("DELETE FROM requests WHERE ledger_id = \(ledger.id)", logger: logger)
    }

    /// Inserts the request of a `request.received`; false when the header does not fit.
    private func insertRequest(
        id: String, header: JSONValue, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let fields = record.entry.fields
        guard let (year, number) = RecordsRequests.parse(id: id), let channel = header.text("channel"), let timeZone = header.text("time_zone"),
            let due = header.text("due_date"),
            let received = header.text("received_at").flatMap(DueDateExplanation.date)
        else {
            logger.warning("requests: skipping a request.received that does not fit", metadata: ["position": "\(fields.position)"])
            return false
        }
        try await connection.perform(
            """
            INSERT INTO requests (ledger_id, request_id, year, number, channel, status, received_position, received_at_us, received_by,
                time_zone, due_date, last_position)
            VALUES (\(ledger.id), \(id), \(year), \(number), \(channel), 'open', \(fields.position), \(LedgerTimestamp(received).microseconds),
                \(fields.actor), \(timeZone), \(due)::date, \(fields.position))
            ON CONFLICT (ledger_id, request_id) DO NOTHING
            """, logger: logger)
        return true
    }

    /// The retained header's values a history shows, as text: dates, amounts, codes (the header
    /// holds no free text).
    static func details(_ header: JSONValue) -> String {
        var details: [String: JSONValue] = [:]
        for (key, value) in header.object ?? [:] where !RequestContentReader.notDetails.contains(key) {
            if let text = RequestHistoryItem.text(value) { details[key] = .string(text) }
        }
        return String(decoding: (try? JSONValue.object(details).encoded()) ?? Array("{}".utf8), as: UTF8.self)
    }
}
