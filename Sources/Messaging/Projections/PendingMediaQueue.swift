import Foundation
public import Ledger
public import LedgerStore
import Logging
import PostgresNIO

/// The media fetcher's queue, read from the `media` projection: what to fetch next. It is only
/// as fresh as the projection (the ``ProjectionRunner`` keeps it so within moments of an append).
public struct PendingMediaQueue: PendingMediaSource {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Pending media of `ledger` whose next retry time has passed at `now` (or that were never
    /// tried), the longest waiting first, at most `limit`.
    /// None while the ledger does not exist yet (nothing has been recorded).
    public func due(ledger: String, now: LedgerTimestamp, limit: Int) async throws -> [PendingMedia] {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return []
        }
        let nowUs = now.microseconds
        let rows = try await store.client.query(
            """
            SELECT media_id, stream, message_position, message_id, url, meta_sha256, mime_type, attempts, received_at_us, last_attempt_at_us
            FROM media
            WHERE ledger_id = \(ref.id) AND state = 'pending' AND message_position IS NOT NULL
              AND (next_retry_at_us IS NULL OR next_retry_at_us <= \(nowUs))
            ORDER BY COALESCE(next_retry_at_us, 0), message_position NULLS LAST, media_id
            LIMIT \(max(0, limit))
            """, logger: store.logger)
        var result: [PendingMedia] = []
        for try await row in rows {
            let (mediaID, stream, position, messageID, url, sha256, mimeType, attempts, receivedUs, lastAttemptUs) =
                try row.decode((String, String, Int64, String?, String?, String?, String?, Int32, Int64?, Int64?).self)
            result.append(
                PendingMedia(
                    ledger: ledger, mediaID: mediaID, messageID: messageID ?? "", stream: stream, messagePosition: position,
                    receivedAt: LedgerTimestamp(microseconds: receivedUs ?? nowUs), webhookURL: url, metaSHA256: sha256, mimeType: mimeType,
                    attempts: Int(attempts), lastAttemptAt: lastAttemptUs.map { LedgerTimestamp(microseconds: $0) }))
        }
        return result
    }
}
