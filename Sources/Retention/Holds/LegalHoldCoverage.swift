import Foundation
public import LedgerStore
public import Logging
public import PostgresNIO

/// Which records the active holds cover, evaluated in SQL when asked (so a hold covers records
/// that arrived after it was placed).
///
/// A record matches a hold when every member of the hold's scope matches (values of one member
/// with OR): its business number; its conversation (a handling record's own, a correspondence
/// record's through `conversation_streams`, else its stream); a citizen key among the
/// conversation's identities (`conversation_identities`) or in the conversation's or stream's
/// name; a team the conversation was ever routed to (`analytics_conversation_events`, kind
/// `routed`: every routing and transfer, where `inbox_conversations` keeps only the latest team);
/// and its extent `[first_at, last_at]` overlapping `[from, to)`.
extension LegalHolds {
    /// The records among `records` that an active hold covers, with the ids of the holds that
    /// cover each (records no hold covers are absent). One query, on `connection`: run it inside
    /// the destruction's transaction after `SELECT pg_advisory_xact_lock(LegalHolds.lockKey)`.
    /// - Throws: ``LegalHoldError/holdsNotProjected(latest:projected:)`` when the ledger has hold
    ///   events the `retention_holds` projection has not applied (catch it up with
    ///   ``catchUp(store:ledger:on:)`` and ask again).
    public static func heldRecords(
        _ records: [RetentionRecordID], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionRecordID: [String]] {
        try await requireProjected(ledger: ledger, on: connection, logger: logger)
        guard !records.isEmpty else { return [:] }
        return try await covering(records, ledger: ledger, on: connection, logger: logger)
    }

    /// The ids of the active holds that cover `record`, as projected so far (for reports: it does
    /// not check that the projection is current; ``heldRecords(_:ledger:on:logger:)`` does).
    public static func activeHolds(
        for record: RetentionRecordID, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    )
        async throws -> [String]
    {
        try await covering([record], ledger: ledger, on: connection, logger: logger)[record] ?? []
    }

    /// Throws ``LegalHoldError/holdsNotProjected(latest:projected:)`` when the latest entry of
    /// stream `retention/holds` is after the projection's last position.
    static func requireProjected(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT (SELECT coalesce(max(position), 0) FROM ledger_entries WHERE ledger_id = \(ledger.id) AND stream = \(LegalHoldEvents.stream)),
                   (SELECT coalesce(max(last_position), 0) FROM projection_state
                    WHERE projection = \(LegalHoldsProjection.projectionName) AND ledger_id = \(ledger.id))
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return }
        let (latest, projected) = try row.decode((Int64, Int64).self)
        if latest > projected { throw LegalHoldError.holdsNotProjected(latest: latest, projected: projected) }
    }

    /// The active holds that cover each of `records`, as projected so far (no projection check:
    /// for eligibility and status reports; destruction asks ``heldRecords(_:ledger:on:logger:)``).
    /// - Parameter position: judge the holds as they stood at this ledger position (placed before
    ///   it and not released before it) rather than as they stand now (the audit's question).
    package static func covering(
        _ records: [RetentionRecordID], ledger: LedgerRef, asOf position: Int64? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionRecordID: [String]] {
        let active =
            position.map { "h.placed_position < \($0) AND (h.released_position IS NULL OR h.released_position > \($0))" }
            ?? "h.released_position IS NULL"
        let rows = try await connection.query(
            """
            WITH rec AS (
                SELECT rr.ledger_id, rr.stream, rr.period, rr.kind, rr.phone_number_id, rr.first_at_us, rr.last_at_us,
                       coalesce(rr.conversation_id, cs.conversation_id, rr.stream) AS conversation_id
                FROM unnest(\(records.map(\.stream))::text[], \(records.map(\.period))::text[]) AS u(stream, period)
                JOIN retention_records rr ON rr.ledger_id = \(ledger.id) AND rr.stream = u.stream AND rr.period = u.period
                LEFT JOIN conversation_streams cs ON cs.ledger_id = rr.ledger_id AND cs.stream = rr.stream
            )
            SELECT rec.stream, rec.period, array_agg(h.hold_id ORDER BY h.placed_position)
            FROM rec JOIN retention_holds h ON h.ledger_id = rec.ledger_id AND \(unescaped: active)
            WHERE \(unescaped: matches)
            GROUP BY rec.stream, rec.period
            """, logger: logger)
        var held: [RetentionRecordID: [String]] = [:]
        for try await (stream, period, holds) in rows.decode((String, String, [String]).self) {
            held[RetentionRecordID(stream: stream, period: period)] = holds
        }
        return held
    }

    /// An SQL condition, true when an active hold covers the record whose stream and month are
    /// the columns `stream` and `period` of the enclosing query: for counting held records in the
    /// database rather than reading every record out (the status report).
    package static func coveredCondition(stream: String, period: String, ledgerID: Int32) -> String {
        """
        EXISTS (
            SELECT 1 FROM (
                SELECT rr.ledger_id, rr.stream, rr.period, rr.kind, rr.phone_number_id, rr.first_at_us, rr.last_at_us,
                       coalesce(rr.conversation_id, cs.conversation_id, rr.stream) AS conversation_id
                FROM retention_records rr
                LEFT JOIN conversation_streams cs ON cs.ledger_id = rr.ledger_id AND cs.stream = rr.stream
                WHERE rr.ledger_id = \(ledgerID) AND rr.stream = \(stream) AND rr.period = \(period)) rec
            JOIN retention_holds h ON h.ledger_id = rec.ledger_id AND h.released_position IS NULL
            WHERE \(matches))
        """
    }

    /// Whether any hold of the ledger is active now.
    package static func anyActive(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM retention_holds WHERE ledger_id = \(ledger.id) AND released_position IS NULL)", logger: logger
        ).collect()
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// How many records (not destroyed) the active hold `hold` covers now.
    static func coveredCount(hold: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            WITH rec AS (
                SELECT rr.ledger_id, rr.stream, rr.period, rr.kind, rr.phone_number_id, rr.first_at_us, rr.last_at_us,
                       coalesce(rr.conversation_id, cs.conversation_id, rr.stream) AS conversation_id
                FROM retention_records rr
                LEFT JOIN conversation_streams cs ON cs.ledger_id = rr.ledger_id AND cs.stream = rr.stream
                WHERE rr.ledger_id = \(ledger.id) AND NOT \(unescaped: RecordDestruction.isDestroyed("rr"))
            )
            SELECT count(*) FROM rec JOIN retention_holds h ON h.ledger_id = rec.ledger_id AND h.hold_id = \(hold)
            WHERE h.released_position IS NULL AND \(unescaped: matches)
            """, logger: logger
        ).collect()
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// The scope test of record `rec` against hold `h` (see the type's documentation).
    static let matches = """
        (cardinality(h.business_numbers) = 0 OR rec.phone_number_id = ANY(h.business_numbers))
        AND (cardinality(h.conversations) = 0 OR rec.conversation_id = ANY(h.conversations))
        AND (h.from_at_us IS NULL OR rec.last_at_us >= h.from_at_us)
        AND (h.to_at_us IS NULL OR rec.first_at_us < h.to_at_us)
        AND (cardinality(h.citizens) = 0
             OR split_part(rec.conversation_id, '/', 3) = ANY(h.citizens)
             OR (rec.kind = 'correspondence' AND split_part(rec.stream, '/', 3) = ANY(h.citizens))
             OR EXISTS (SELECT 1 FROM conversation_identities ci
                        WHERE ci.ledger_id = rec.ledger_id AND ci.conversation_id = rec.conversation_id AND ci.citizen_key = ANY(h.citizens)))
        AND (cardinality(h.teams) = 0
             OR EXISTS (SELECT 1 FROM analytics_conversation_events e
                        WHERE e.ledger_id = rec.ledger_id AND e.conversation_id = rec.conversation_id AND e.kind = 'routed'
                          AND e.team = ANY(h.teams)))
        """
}
