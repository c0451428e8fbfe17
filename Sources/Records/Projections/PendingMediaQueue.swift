public import Foundation
public import LedgerStore
import Ledger
import Logging
import PostgresNIO

/// A media file of a received message that has no outcome yet (a row of the `media` projection).
public struct PendingMedia: Sendable, Equatable {
    public var ledger: String
    public var mediaID: String
    /// The conversation stream of the message (outcome events go there).
    public var stream: String
    /// The position of the message that carries the media.
    public var messagePosition: Int64?
    public var messageID: String?
    /// The lookaside URL of the webhook, when Meta sent one.
    public var url: String?
    /// The `sha256` Meta gave (base64 in current deliveries), as given.
    public var metaSHA256: String?
    public var mimeType: String?
    /// Failed attempts so far; the next attempt is number `attempts + 1`.
    public var attempts: Int
    /// When the next attempt is due (nil: at once).
    public var nextRetryAt: Date?
    /// The reason of the last failed attempt.
    public var lastError: String?

    public init(
        ledger: String, mediaID: String, stream: String, messagePosition: Int64?, messageID: String?, url: String?, metaSHA256: String?,
        mimeType: String?, attempts: Int, nextRetryAt: Date?, lastError: String?
    ) {
        self.ledger = ledger
        self.mediaID = mediaID
        self.stream = stream
        self.messagePosition = messagePosition
        self.messageID = messageID
        self.url = url
        self.metaSHA256 = metaSHA256
        self.mimeType = mimeType
        self.attempts = attempts
        self.nextRetryAt = nextRetryAt
        self.lastError = lastError
    }
}

/// The media fetcher's queue, read from the `media` projection: what to fetch next. It is only
/// as fresh as the projection (the ``ProjectionRunner`` keeps it so within moments of an append).
public struct PendingMediaQueue: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Pending media of `ledger` whose next retry time has passed at `now` (or that were never
    /// tried), the longest waiting first, at most `limit`.
    /// - Throws: ``LedgerStoreError/ledgerNotFound(_:)`` for an unknown ledger.
    public func due(ledger: String, now: Date, limit: Int) async throws -> [PendingMedia] {
        let ref = try await store.ledger(named: ledger, create: false)
        let nowUs = LedgerTimestamp(now).microseconds
        let rows = try await store.client.query(
            """
            SELECT media_id, stream, message_position, message_id, url, meta_sha256, mime_type, attempts, next_retry_at_us, last_error
            FROM media
            WHERE ledger_id = \(ref.id) AND state = 'pending' AND (next_retry_at_us IS NULL OR next_retry_at_us <= \(nowUs))
            ORDER BY COALESCE(next_retry_at_us, 0), message_position NULLS LAST, media_id
            LIMIT \(max(0, limit))
            """, logger: store.logger)
        var result: [PendingMedia] = []
        for try await row in rows {
            let (mediaID, stream, position, messageID, url, sha256, mimeType, attempts, retryUs, lastError) =
                try row.decode((String, String, Int64?, String?, String?, String?, String?, Int32, Int64?, String?).self)
            result.append(PendingMedia(
                ledger: ledger, mediaID: mediaID, stream: stream, messagePosition: position, messageID: messageID, url: url,
                metaSHA256: sha256, mimeType: mimeType, attempts: Int(attempts),
                nextRetryAt: retryUs.map { LedgerTimestamp(microseconds: $0).date }, lastError: lastError))
        }
        return result
    }
}
