import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
import PostgresNIO
import RecordkeeperCore

/// The content search indexer (docs/operations.md, "Search"): a `Service` that reads every
/// message entry (`whatsapp.message.received`, `message.send.requested`) in ledger order,
/// decrypts it, and stores a blind index of its words: HMAC-SHA256 tags under a key derived
/// from the master key (``BlindIndexKey``), never the words, one `search_tags` row per message
/// (``SearchTags``). Progress and the key's identifier are in `search_index_state`; a different
/// key (a rotated master key), or no state at all (a new index layout), rebuilds the index.
///
/// It needs the master key (to read payloads and to derive the index key): without one the
/// server does not start it and search answers 503.
public final class SearchIndexer: Worker {
    let store: LedgerStore
    let key: BlindIndexKey
    /// The settings; `batchSize`: the most message entries indexed per round.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "search indexing round failed"

    /// The message entries that are indexed.
    static let eventTypes: Set<String> = [WhatsAppEventType.messageReceived, OutboundEventType.sendRequested]

    /// - Throws: ``LedgerStoreError/noMasterKey`` when the store has no master key.
    public init(ledger: String, store: LedgerStore, batchSize: Int = 200, pollInterval: Duration = .seconds(10), logger: Logger) throws {
        guard let key = ContentSearch.indexKey(store) else { throw LedgerStoreError.noMasterKey }
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.store = store
        self.key = key
    }

    /// One round as the loop runs it: after a full batch the next starts at once.
    public func round() async throws -> Duration {
        try await runRound() == batchSize ? .zero : pollInterval
    }

    /// One round: indexes up to ``batchSize`` message entries.
    /// - Returns: how many entries were read.
    @discardableResult
    public func runRound() async throws -> Int {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return 0
        }
        try await store.client.perform(
            """
            INSERT INTO search_index_state (ledger_id, key_id) VALUES (\(ref.id), \(key.identifier)) ON CONFLICT (ledger_id) DO NOTHING
            """, logger: logger)
        let head = try await store.head(of: ref).position
        return try await store.withTransaction { connection in
            var last: Int64 = 0
            var keyID = ""
            for try await (position, id) in try await connection.query(
                "SELECT last_position, key_id FROM search_index_state WHERE ledger_id = \(ref.id) FOR UPDATE", logger: logger
            ).decode((Int64, String).self) { (last, keyID) = (position, id) }
            if keyID != self.key.identifier {
                self.logger.notice("the search index key changed (master key rotated): rebuilding the index", metadata: ["ledger": "\(self.ledger)"])
                try await connection.perform("DELETE FROM search_tags WHERE ledger_id = \(ref.id)", logger: self.logger)
                last = 0
            }
            guard head > last else {
                try await self.save(ref, last: last, on: connection)
                return 0
            }
            let records = try await self.store.selectedRecords(
                ledger: ref, after: last, through: head, eventTypes: Self.eventTypes, payloadTypes: Self.eventTypes,
                limit: self.batchSize, on: connection)
            // One row per message: the tags travel flat beside their positions, and are grouped
            // into each message's array in the one INSERT of the round.
            var tags: [Int64] = []
            var positions: [Int64] = []
            for record in records {
                guard case .bytes(let bytes)? = record.payload, let json = try? JSONValue.parse(bytes) else { continue }
                let position = record.entry.fields.position
                for term in SearchTerms.indexable(ContentSearch.text(of: json)) {
                    tags.append(SearchTags.stored(self.key.tag(term)))
                    positions.append(position)
                }
            }
            if !tags.isEmpty {
                try await connection.perform(
                    """
                    INSERT INTO search_tags (ledger_id, message_position, tags)
                    SELECT \(ref.id), p, array_agg(t ORDER BY o) FROM unnest(\(tags)::int8[], \(positions)::int8[]) WITH ORDINALITY AS x(t, p, o)
                    GROUP BY p
                    ON CONFLICT DO NOTHING
                    """, logger: self.logger)
            }
            let reached = records.count == self.batchSize ? records[records.count - 1].entry.fields.position : head
            try await self.save(ref, last: reached, on: connection)
            return records.count
        }
    }

    private func save(_ ref: LedgerRef, last: Int64, on connection: PostgresConnection) async throws {
        try await connection.perform(
            """
            UPDATE search_index_state SET last_position = \(last), key_id = \(key.identifier), updated_at = now()
            WHERE ledger_id = \(ref.id)
            """, logger: logger)
    }
}
