import LedgerStore
import PostgresNIO

/// How far the archive has come with a received message's media, as the `media` projection
/// holds it: what a timeline shows beside a media message without reading its bytes.
public enum MediaArchiveState: Sendable, Equatable {
    /// The bytes are archived (``MediaLookup/media(ledger:id:)`` serves them, or says they were
    /// destroyed since); `size`: the original's bytes, as the outcome's header gives them (nil for
    /// media archived before schema 31, whose headers do not).
    case stored(size: Int?)
    /// Not downloaded from Meta yet; `attempts` have failed so far.
    case pending(attempts: Int)
    /// The media fetcher gave up: the media can never be archived.
    case unavailable
}

extension MediaLookup {
    /// The archive state of each media id of `ids` in `ledger`, in one query; an id no
    /// received message carries (or not taken in by the projection yet) is absent.
    public func states(ledger: String, ids: [String]) async throws -> [String: MediaArchiveState] {
        guard !ids.isEmpty, let ref = try await store.existingLedger(named: ledger) else { return [:] }
        let rows = try await store.client.query(
            "SELECT media_id, state, attempts, size FROM media WHERE ledger_id = \(ref.id) AND media_id = ANY(\(ids))", logger: store.logger)
        var states: [String: MediaArchiveState] = [:]
        for try await (id, state, attempts, size) in rows.decode((String, String, Int32, Int64?).self) {
            switch state {
            case "stored": states[id] = .stored(size: size.map(Int.init))
            case "unavailable": states[id] = .unavailable
            default: states[id] = .pending(attempts: Int(attempts))
            }
        }
        return states
    }
}
