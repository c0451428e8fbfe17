import Events
import Foundation
import Ledger
import LedgerStore

/// The three outcome events of the media fetcher, exactly as docs/whatsapp-ingest.md defines
/// them (types, streams, dedupe keys, headers, payloads).
public enum MediaEvents {
    /// The media bytes are archived.
    public static let stored = WhatsAppEventType.mediaStored
    /// One attempt failed; another is scheduled.
    public static let fetchFailed = WhatsAppEventType.mediaFetchFailed
    /// The media can never be archived.
    public static let unavailable = WhatsAppEventType.mediaUnavailable
    /// The actor of every media fetcher event.
    public static let actor = "system:media-fetcher"

    /// `wa:media:<media_id>`: shared by `stored` and `unavailable`, so a media has one outcome.
    public static func outcomeDedupeKey(mediaID: String) -> String { "wa:media:\(mediaID)" }

    /// `wa:media-try:<media_id>:<n>`: one `fetch_failed` per attempt number.
    public static func attemptDedupeKey(mediaID: String, attempt: Int) -> String { "wa:media-try:\(mediaID):\(attempt)" }

    /// The `whatsapp.media.stored` event for `media`, with `payload` already encoded; `size`: the
    /// original's bytes, in the header too, so a page can name a file's size without decrypting it.
    static func stored(_ media: PendingMedia, payload: [UInt8], size: Int, at now: LedgerTimestamp) throws -> NewEvent {
        let header = try json([
            "v": 1, "message_id": media.messageID, "media_id": media.mediaID, "message_position": media.messagePosition, "size": size,
        ])
        return NewEvent(
            stream: media.stream, eventType: stored, occurredAt: now, actor: actor,
            dedupeKey: outcomeDedupeKey(mediaID: media.mediaID), header: header, payload: payload
        )
    }

    /// The `whatsapp.media.fetch_failed` event of attempt number `attempt`.
    static func fetchFailed(
        _ media: PendingMedia, attempt: Int, reason: String, error: String, retryAt: LedgerTimestamp, at now: LedgerTimestamp
    ) throws -> NewEvent {
        let header = try json([
            "v": 1, "message_id": media.messageID, "media_id": media.mediaID, "attempt": attempt, "reason": reason,
            "retry_at_us": retryAt.microseconds,
        ])
        let payload = try json(["v": 1, "media_id": media.mediaID, "attempt": attempt, "error": error])
        return NewEvent(
            stream: media.stream, eventType: fetchFailed, occurredAt: now, actor: actor,
            dedupeKey: attemptDedupeKey(mediaID: media.mediaID, attempt: attempt), header: header, payload: Array(payload.utf8)
        )
    }

    /// The `whatsapp.media.unavailable` event after `attempts` attempts in all.
    static func unavailable(_ media: PendingMedia, reason: MediaUnavailableReason, attempts: Int, at now: LedgerTimestamp) throws -> NewEvent {
        let header = try json([
            "v": 1, "message_id": media.messageID, "media_id": media.mediaID, "message_position": media.messagePosition,
            "reason": reason.rawValue,
        ])
        let payload = try json(["v": 1, "media_id": media.mediaID, "attempts": attempts, "reason": reason.rawValue])
        return NewEvent(
            stream: media.stream, eventType: unavailable, occurredAt: now, actor: actor,
            dedupeKey: outcomeDedupeKey(mediaID: media.mediaID), header: header, payload: Array(payload.utf8)
        )
    }

    /// One-line JSON with sorted keys.
    static func json(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
