import Classification
import Events
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// The `classification` projection as it was before issue 17 (commit 5b5e67a), kept verbatim but
/// for its name: one statement (or more) per entry. The oracle of the set-based apply's tests
/// (`SetBasedProjectionsTests`): on any ledger both must give exactly the same rows.
struct PerEntryClassificationProjection: Projection {
    let name = "classification"
    let version = 2
    let eventTypes: Set<String> = [
        WhatsAppEventType.messageReceived, OutboundEventType.sendRequested, ClassificationEventType.classified,
    ]
    /// Headers say everything: the classifier reads payloads itself, this projection never does.
    let payloadTypes: Set<String> = []

    init() {}

    func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
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

    func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM message_classifications WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
