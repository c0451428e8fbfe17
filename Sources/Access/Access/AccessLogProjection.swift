import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `access_log` projection (migration 0011): one row per `access.viewed` / `access.denied`,
/// from the header alone (never the payload's search terms).
public struct AccessLogProjection: Projection {
    public let name = "access_log"
    public let version = 1
    public let eventTypes: Set<String> = [AccessEvents.viewed, AccessEvents.denied]
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let user = header.text("user"), let action = header.text("action"),
                let route = header.text("route"), let credential = header.text("credential")
            else {
                logger.warning("skipping an access event whose header does not fit", metadata: ["position": "\(fields.position)"])
                continue
            }
            let shown = (header["records"]?.array ?? []).compactMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            let masked = (header["masked"]?.array ?? []).compactMap(\.integer)
            let breakGlass = header["break_glass"] == .bool(true)
            let outcome = fields.eventType == AccessEvents.viewed ? "viewed" : "denied"
            try await connection.perform(
                """
                INSERT INTO access_log (ledger_id, position, user_name, outcome, action, route, records, masked, reason, break_glass, credential, occurred_at_us)
                VALUES (\(ledger.id), \(fields.position), \(user), \(outcome), \(action), \(route), \(shown), \(masked), \(header.text("reason")),
                        \(breakGlass), \(credential), \(fields.occurredAt.microseconds))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM access_log WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
