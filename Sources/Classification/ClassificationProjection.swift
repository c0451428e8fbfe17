import Events
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `classification` projection (docs/classification.md): one row per message (received or
/// sent), pending until a `record.classified` entry names it; then its category, the kinds that
/// decided it, the detector version and the source. The latest decision wins, except that an
/// automatic decision never replaces a staff one (version 2). The ``ClassifierService`` works off the pending rows.
///
/// A batch is written set-based (issue 17): one INSERT of its messages, then one UPDATE for its
/// decisions, which gives the rows of applying them one by one (``ClassificationDecisions``).
public struct ClassificationProjection: Projection {
    public let name = "classification"
    public let version = 2
    public let eventTypes: Set<String> = [
        WhatsAppEventType.messageReceived, OutboundEventType.sendRequested, ClassificationEventType.classified,
    ]
    /// Headers say everything: the classifier reads payloads itself, this projection never does.
    public let payloadTypes: Set<String> = []

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let messages = records.map(\.entry.fields).filter { $0.eventType != ClassificationEventType.classified }
        if !messages.isEmpty {
            try await connection.perform(
                """
                INSERT INTO message_classifications (ledger_id, message_position, stream)
                SELECT \(ledger.id), u.position, u.stream FROM unnest(\(messages.map(\.position))::int8[], \(messages.map(\.stream))::text[]) AS u(position, stream)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let decisions = ClassificationDecisions(records, logger: logger)
        guard !decisions.candidates.isEmpty else { return }
        // Each message's candidates: its last staff decision, and its last decision if that one
        // is automatic (with the staff one's position as `rival`). The automatic one counts only
        // if the staff one cannot: the row's decision is at or after it. So at most one row of
        // the set updates a message, under the per-entry statement's conditions.
        try await connection.perform(
            """
            UPDATE message_classifications m SET state = 'classified', category = d.category, reasons = d.reasons,
                detector_version = d.detector_version, source = d.source, classified_position = d.position
            FROM jsonb_to_recordset(\(try decisions.json())::jsonb)
                AS d(target int8, position int8, category int2, reasons text, detector_version text, source text, rival int8)
            WHERE m.ledger_id = \(ledger.id) AND m.message_position = d.target
              AND (m.classified_position IS NULL OR m.classified_position < d.position)
              -- A staff decision stands until staff change it: the detectors never overrule it.
              AND (m.source IS DISTINCT FROM 'staff' OR d.source = 'staff')
              AND (d.rival IS NULL OR m.classified_position >= d.rival)
            """, logger: logger)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM message_classifications WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
