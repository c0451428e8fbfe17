public import Ledger

/// Where the media fetcher finds work: media messages with no `stored`/`unavailable` outcome
/// whose next attempt is due.
///
/// The production source reads the `media` projection; tests use a list.
public protocol PendingMediaSource: Sendable {
    /// Up to `limit` pending media of `ledger` due at `now` (never attempted, or whose retry
    /// time has come), oldest first.
    func due(ledger: String, now: LedgerTimestamp, limit: Int) async throws -> [PendingMedia]
}
