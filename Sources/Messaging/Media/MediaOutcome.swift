public import Ledger
public import LedgerStore

/// What archiving one media came to: the event to append and a summary of it.
public struct MediaOutcome: Sendable {
    /// The summary.
    public enum Result: Sendable, Equatable {
        /// The bytes are in the `whatsapp.media.stored` event.
        case stored(size: Int, storedSize: Int, compression: MediaStoredPayload.Compression)
        /// Attempt `attempt` failed with `reason` (a `GraphError.Kind` raw value);
        /// the next is due at `retryAt`.
        case fetchFailed(attempt: Int, reason: String, retryAt: LedgerTimestamp)
        /// The media can never be archived.
        case unavailable(MediaUnavailableReason, attempts: Int)
    }

    /// The media this is the outcome for.
    public var media: PendingMedia
    public var result: Result
    /// The `whatsapp.media.*` event to append to `media.ledger`.
    public var event: NewEvent
}
