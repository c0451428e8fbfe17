import Events
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `classification` projection (docs/classification.md): one row per message (received or
/// sent), pending until a `record.classified` entry names it; then its category, the kinds that
/// decided it, the detector version and the source. The latest decision wins, except that an
/// automatic decision never replaces a staff one (version 2). The ``ClassifierService`` works off the pending rows.
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
        for record in records {
            let fields = record.entry.fields
            guard fields.eventType == ClassificationEventType.classified else {
                try await connection.perform(
                    """
                    INSERT INTO message_classifications (ledger_id, message_position, stream)
                    VALUES (\(ledger.id), \(fields.position), \(fields.stream)) ON CONFLICT DO NOTHING
                    """, logger: logger)
                continue
            }
            guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let target = header["target_position"]?.integer,
                let category = header["category"]?.integer
            else {
                logger.warning("skipping a record.classified whose header does not fit", metadata: ["position": "\(fields.position)"])
                continue
            }
            let reasons = (header["reasons"]?.array ?? []).compactMap { $0.text("kind") }.joined(separator: ",")
            try await connection.perform(
                """
                UPDATE message_classifications SET state = 'classified', category = \(Int16(clamping: category)), reasons = \(reasons),
                    detector_version = \(header.text("detector_version")), source = \(header.text("source")),
                    classified_position = \(fields.position)
                WHERE ledger_id = \(ledger.id) AND message_position = \(target)
                  AND (classified_position IS NULL OR classified_position < \(fields.position))
                  -- A staff decision stands until staff change it: the detectors never overrule it.
                  AND (source IS DISTINCT FROM 'staff' OR \(header.text("source")) = 'staff')
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM message_classifications WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
