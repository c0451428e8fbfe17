import Access
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// The `access_log` projection as it was before issue 17 (commit 5b5e67a), kept verbatim but
/// for its name: one statement (or more) per entry. The oracle of the set-based apply's tests
/// (`SetBasedProjectionsTests`): on any ledger both must give exactly the same rows.
struct PerEntryAccessLogProjection: Projection {
    let name = "access_log"
    let version = 1
    let eventTypes: Set<String> = [AccessEvents.viewed, AccessEvents.denied]
    let payloadTypes: Set<String> = []

    init() {}

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
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

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM access_log WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
