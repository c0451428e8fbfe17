public import Classification
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import WhatsApp

/// What the archive holds for a media id, read from the ledger (the outcome event) and, for
/// media without an outcome yet, the `media` projection.
public enum MediaLookupResult: Sendable {
    /// The bytes, decrypted and checked against the SHA-256 recorded when they were stored.
    case stored(StoredMedia, position: Int64)
    /// Stored once, and lawfully destroyed since by the entry at this position.
    case destroyed(authorisedBy: Int64)
    /// The fetcher gave up (`whatsapp.media.unavailable`): the reason it recorded.
    case unavailable(reason: String)
    /// A media message is recorded but its media not (yet) archived.
    case pending(attempts: Int)
    /// No message with this media id is recorded.
    case unknown
}

/// Finds archived media by Meta's media id.
public struct MediaLookup: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }
    /// The stream of the message that carries `mediaID` (from the `media` projection); nil when
    /// no recorded message does (or its ledger does not exist).
    public func stream(ledger: String, id mediaID: String) async throws -> String? {
        guard let ref = try await store.ledgers().first(where: { $0.name == ledger }) else { return nil }
        let rows = try await store.client.query(
            "SELECT stream FROM media WHERE ledger_id = \(ref.id) AND media_id = \(mediaID)", logger: store.logger)
        for try await stream in rows.decode(String.self) { return stream }
        return nil
    }

    /// The data category of the message that carries `mediaID`: its classification, or
    /// ``ContentMasking/unclassifiedCategory`` while none is recorded yet (fail closed).
    public func category(ledger: String, id mediaID: String) async throws -> DataCategory {
        guard let ref = try await store.ledgers().first(where: { $0.name == ledger }) else { return ContentMasking.unclassifiedCategory }
        let rows = try await store.client.query(
            """
            SELECT c.category::int4 FROM media m
            JOIN message_classifications c ON c.ledger_id = m.ledger_id AND c.message_position = m.message_position AND c.state = 'classified'
            WHERE m.ledger_id = \(ref.id) AND m.media_id = \(mediaID)
            """, logger: store.logger)
        var highest: DataCategory?
        for try await category in rows.decode(Int32?.self) {
            guard let level = category.flatMap({ DataCategory(rawValue: Int($0)) }) else { return ContentMasking.unclassifiedCategory }
            highest = max(highest ?? level, level)
        }
        return highest ?? ContentMasking.unclassifiedCategory
    }

    /// The archive's state of `mediaID` in `ledger`.
    /// - Throws: ``MediaPayloadError`` when a stored payload does not give back its recorded
    ///   bytes (see `recordkeeper verify`); database errors.
    public func media(ledger: String, id mediaID: String) async throws -> MediaLookupResult {
        let known = try await store.ledgers().contains { $0.name == ledger }
        guard known else { return .unknown }
        if let outcome = try await store.record(ledger: ledger, dedupeKey: MediaEvents.outcomeDedupeKey(mediaID: mediaID)) {
            if outcome.entry.fields.eventType == MediaEvents.unavailable {
                let header = try? JSONValue.parse(Array(outcome.entry.fields.header.utf8))
                return .unavailable(reason: header?.text("reason") ?? "unknown")
            }
            switch outcome.payload {
            case .bytes(let payload): return .stored(try StoredMedia(payload: payload), position: outcome.entry.fields.position)
            case .destroyed(let by): return .destroyed(authorisedBy: by)
            case .sealed: throw MediaLookupError.noMasterKey
            case .unavailable(let why): throw MediaLookupError.unreadable(why)
            }
        }
        let ref = try await store.ledger(named: ledger, create: false)
        let rows = try await store.client.query(
            "SELECT attempts FROM media WHERE ledger_id = \(ref.id) AND media_id = \(mediaID) AND message_position IS NOT NULL",
            logger: store.logger
        ).collect()
        guard let attempts = try rows.first?.decode(Int32.self) else { return .unknown }
        return .pending(attempts: Int(attempts))
    }
}

/// A stored media that cannot be served.
public enum MediaLookupError: Error, Sendable, CustomStringConvertible {
    case noMasterKey
    case unreadable(String)

    public var description: String {
        switch self {
        case .noMasterKey: "the media is stored encrypted and this process has no master key"
        case .unreadable(let why): "the stored media cannot be read: \(why) (run recordkeeper verify)"
        }
    }
}
