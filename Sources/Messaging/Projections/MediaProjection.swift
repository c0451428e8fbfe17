import Events
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `media` projection: one row per media id of a received message, the media fetcher's
/// queue (docs/whatsapp-ingest.md). A media is pending until a `whatsapp.media.stored` or
/// `whatsapp.media.unavailable` outcome; its attempts and next retry time come from its
/// `whatsapp.media.fetch_failed` events. Read it with ``PendingMediaQueue``.
public struct MediaProjection: Projection {
    public let name = "media"
    public let version = 1
    public let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.mediaStored, ContractEvent.mediaFetchFailed, ContractEvent.mediaUnavailable,
    ]
    /// Only the message's payload is read (url, sha256, mime type); outcomes are read from their
    /// headers, so stored media bytes are never fetched.
    public let payloadTypes: Set<String> = [ContractEvent.messageReceived]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            if fields.eventType == ContractEvent.messageReceived {
                guard let header = ContractEvent.header(ContractEvent.MessageHeader.self, of: record), let mediaID = header.mediaId else {
                    continue
                }
                try await recordMessage(mediaID: mediaID, messageID: header.messageId, record: record, ledger: ledger, on: connection, logger: logger)
                continue
            }
            guard let header = ContractEvent.header(ContractEvent.MediaHeader.self, of: record) else {
                logger.warning("skipping a media event whose header does not fit the contract", metadata: ["position": "\(fields.position)"])
                continue
            }
            if fields.eventType == ContractEvent.mediaFetchFailed {
                try await recordFailure(header, record: record, ledger: ledger, on: connection, logger: logger)
            } else {
                let state = fields.eventType == ContractEvent.mediaStored ? "stored" : "unavailable"
                try await recordOutcome(state, header: header, record: record, ledger: ledger, on: connection, logger: logger)
            }
        }
    }

    private func recordMessage(
        mediaID: String, messageID: String, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let media = ContractPayload(record.payload).flatMap { Self.mediaObject(id: mediaID, in: $0.message) }
        let url = media?["url"]?.string
        let sha256 = media?["sha256"]?.string
        let mimeType = media?["mime_type"]?.string
        // The first message naming a media id owns it; a row an outcome created first is completed.
        try await connection.perform(
            """
            INSERT INTO media (ledger_id, media_id, stream, message_position, message_id, url, meta_sha256, mime_type, received_at_us)
            VALUES (\(ledger.id), \(mediaID), \(fields.stream), \(fields.position), \(messageID), \(url), \(sha256), \(mimeType),
                    \(fields.occurredAt.microseconds))
            ON CONFLICT (ledger_id, media_id) DO UPDATE
                SET message_position = EXCLUDED.message_position, message_id = EXCLUDED.message_id, url = EXCLUDED.url,
                    meta_sha256 = EXCLUDED.meta_sha256, mime_type = EXCLUDED.mime_type, received_at_us = EXCLUDED.received_at_us
                WHERE media.message_position IS NULL
            """, logger: logger
        )
    }

    private func recordFailure(
        _ header: ContractEvent.MediaHeader, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let fields = record.entry.fields
        let attempt = max(1, header.attempt ?? 1)
        try await connection.perform(
            """
            INSERT INTO media (ledger_id, media_id, stream, message_id, attempts, last_attempt_at_us, next_retry_at_us, last_error)
            VALUES (\(ledger.id), \(header.mediaId), \(fields.stream), \(header.messageId), \(attempt), \(fields.occurredAt.microseconds),
                    \(header.retryAtUs), \(header.reason))
            ON CONFLICT (ledger_id, media_id) DO UPDATE
                SET attempts = EXCLUDED.attempts, last_attempt_at_us = EXCLUDED.last_attempt_at_us,
                    next_retry_at_us = EXCLUDED.next_retry_at_us, last_error = EXCLUDED.last_error
                WHERE media.state = 'pending' AND EXCLUDED.attempts >= media.attempts
            """, logger: logger
        )
    }

    private func recordOutcome(
        _ state: String, header: ContractEvent.MediaHeader, record: SelectedRecord, ledger: LedgerRef, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let fields = record.entry.fields
        try await connection.perform(
            """
            INSERT INTO media (ledger_id, media_id, stream, message_position, message_id, state, outcome_position, size)
            VALUES (\(ledger.id), \(header.mediaId), \(fields.stream), \(header.messagePosition), \(header.messageId), \(state), \(fields.position),
                    \(header.size))
            ON CONFLICT (ledger_id, media_id) DO UPDATE
                SET state = EXCLUDED.state, outcome_position = EXCLUDED.outcome_position, size = EXCLUDED.size, next_retry_at_us = NULL
                WHERE media.state = 'pending'
            """, logger: logger
        )
    }

    /// The media object of a message: `message[type]`, or for an `edit`, the new message's
    /// (`edit.message[edit.message.type]`), whichever carries this media id.
    static func mediaObject(id: String, in message: JSONValue?) -> JSONValue? {
        guard let message, let type = message["type"]?.string, let object = message[type], object.object != nil else { return nil }
        if object["id"]?.string == id { return object }
        return type == "edit" ? mediaObject(id: id, in: object["message"]) : nil
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM media WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
