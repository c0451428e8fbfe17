import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `access_log` projection (migration 0011): one row per `access.viewed` / `access.denied`,
/// from the header alone (never the payload's search terms).
///
/// A batch is written set-based (issue 17): one INSERT of all its rows, which travel as one JSON
/// array (`jsonb_to_recordset`); each row's `records` and `masked` arrays are JSON arrays in it,
/// unpacked in order with `jsonb_array_elements_text` (exact for any string and any int8).
public struct AccessLogProjection: Projection {
    public let name = "access_log"
    public let version = 1
    public let eventTypes: Set<String> = [AccessEvents.viewed, AccessEvents.denied]
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = records.compactMap { AccessLogRow($0, logger: logger) }
        guard !rows.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = String(decoding: try encoder.encode(rows), as: UTF8.self)
        try await connection.perform(
            """
            INSERT INTO access_log (ledger_id, position, user_name, outcome, action, route, records, masked, reason, break_glass, credential, occurred_at_us)
            SELECT \(ledger.id), r.position, r.user_name, r.outcome, r.action, r.route,
                ARRAY(SELECT e.value FROM jsonb_array_elements_text(r.records) WITH ORDINALITY AS e(value, n) ORDER BY e.n)::text[],
                ARRAY(SELECT e.value::int8 FROM jsonb_array_elements_text(r.masked) WITH ORDINALITY AS e(value, n) ORDER BY e.n)::int8[],
                r.reason, r.break_glass, r.credential, r.occurred_at_us
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(position int8, user_name text, outcome text, action text, route text, records jsonb,
                masked jsonb, reason text, break_glass boolean, credential text, occurred_at_us int8)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM access_log WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
