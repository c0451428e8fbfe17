public import Access
import Classification
import Events
public import Foundation
import Inbox
import Ledger
public import LedgerStore
import Logging
import Messaging
public import PostgresNIO
import RecordkeeperCore

/// Runs, logs and reads the searches of public-records requests (docs/public-records.md,
/// "Searches").
///
/// A search runs under the requests' advisory lock (``RecordsRequests/lockKey``), so two searches
/// of one request never take the same number: it checks the request is not final, selects the
/// messages (``RequestSearchQuery``), has the request's holds cover the conversations selected
/// (``RequestHolds``), then appends `request.search.run` committing to the result set. A refused
/// search throws before anything is written.
public struct RequestSearches: Sendable {
    public let store: LedgerStore
    public let ledger: String

    /// The blind-index key purpose of content search (``SearchIndexer``): the same tags.
    static let indexPurpose = "search-terms"

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Runs a search for request `id` and logs it.
    /// - Parameters:
    ///   - catchUp: first bring the read models searched (conversations, routing, classifications,
    ///     the word index) up to the ledger's head in this process, so the search covers every
    ///     message recorded so far; false: search them as the workers have them.
    /// - Throws: ``RecordsRequestError`` (role, id, unknown or final request),
    ///   ``RequestSearchError`` (no filter, too many results, words without the index); nothing
    ///   is written.
    public func run(
        _ id: String, filters: RequestSearchFilters, actor: String, role: StaffRole, now: Date = Date(), catchUp: Bool = true
    ) async throws -> RequestSearchOutcome {
        try RecordsRequests.require(role, acting: true, "search for requests")
        guard RecordsRequests.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        try filters.validate()
        var tags: [[UInt8]]?
        if !filters.words.isEmpty {
            guard let master = store.masterKey else { throw RequestSearchError.wordsUnavailable }
            let key = BlindIndexKey(master: master, purpose: Self.indexPurpose)
            tags = filters.words.map(key.tag)
            if catchUp, let indexer = try? SearchIndexer(ledger: ledger, store: store, batchSize: 1000, logger: store.logger) {
                while try await indexer.runRound() == 1000 {}
            }
            if let indexed = try await indexKeyID(), indexed != key.identifier { throw RequestSearchError.indexRebuilding }
        }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        if catchUp {
            let runner = ProjectionRunner(
                store: store, projections: [ConversationsProjection(), AnalyticsProjection(), ClassificationProjection()], logger: store.logger)
            for projection in runner.projections { _ = try await runner.catchUp(projection, ledger: ledger) }
        }
        let query = RequestSearchQuery(filters: filters, timeZone: TimeZone(identifier: "UTC") ?? .current, tags: tags)
        return try await locked(ref) { connection in
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            guard !request.status.isFinal else {
                throw RecordsRequestError.notAllowedInStatus(
                    id: id, status: request.status, action: "be searched",
                    hint: "a closed, withdrawn or abandoned request takes no new searches; only an appeal reversed on review reopens it")
            }
            let number = try await Self.nextNumber(id, ledger: ref, on: connection, logger: store.logger)
            let inZone = RequestSearchQuery(filters: query.filters, timeZone: request.timeZone, tags: query.tags)
            let through = try await inZone.through(ledger: ref, on: connection, logger: store.logger)
            let hits = try await inZone.run(ledger: ref, through: through, on: connection, logger: store.logger)
            let hold = try await RequestHolds(store: store, ledger: ledger).cover(
                request: id, search: number, conversations: Set(hits.map(\.conversationID)), actor: actor, role: role.rawValue, now: now)
            let event = try RequestEvents.searchRun(
                id: id, status: request.status, number: number, filters: filters, hits: hits, through: through, holds: hold.map { [$0] } ?? [],
                actor: actor, occurredAt: LedgerTimestamp(now))
            _ = try await store.append(event, to: ledger)
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard var search = try await Self.searches(id, number: number, ledger: ref, on: connection, logger: store.logger).first else {
                throw RequestSearchError.unknownSearch(request: id, number: number)
            }
            search.values = filters.values
            return RequestSearchOutcome(search: search, hits: hits)
        }
    }

    /// The searches of request `id`, in order, with their filter values read from the payloads.
    public func list(_ id: String, role: StaffRole) async throws -> [RequestSearch] {
        try RecordsRequests.require(role, acting: false, "read request searches")
        guard RecordsRequests.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        var searches = try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) != nil else {
                throw RecordsRequestError.unknownRequest(id)
            }
            return try await Self.searches(id, number: nil, ledger: ref, on: connection, logger: store.logger)
        }
        for index in searches.indices {
            guard let record = try await store.record(ledger: ledger, position: searches[index].position), case .bytes(let bytes) = record.payload,
                let values = (try? JSONValue.parse(bytes))?["values"]?.object
            else { continue }
            var read: [String: [String]] = [:]
            for (name, list) in values { read[name] = (list.array ?? []).compactMap(\.string) }
            searches[index].values = read
        }
        return searches
    }

    /// The messages search `number` of request `id` selected, in position order, as committed
    /// (`request_search_results`); what redaction and export installments work from.
    /// - Throws: ``RequestSearchError/unknownSearch(request:number:)``.
    public func results(_ id: String, search number: Int, role: StaffRole) async throws -> [RequestSearchHit] {
        try RecordsRequests.require(role, acting: false, "read request searches")
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        return try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard try await !Self.searches(id, number: number, ledger: ref, on: connection, logger: store.logger).isEmpty else {
                throw RequestSearchError.unknownSearch(request: id, number: number)
            }
            let rows = try await connection.query(
                """
                SELECT r.position, r.conversation_id, coalesce(m.direction, ''), m.message_type, coalesce(m.occurred_at_us, 0)
                FROM request_search_results r
                LEFT JOIN conversation_messages m ON m.ledger_id = r.ledger_id AND m.position = r.position
                WHERE r.ledger_id = \(ref.id) AND r.request_id = \(id) AND r.search_number = \(Int32(number))
                ORDER BY r.position
                """, logger: store.logger)
            var hits: [RequestSearchHit] = []
            for try await (position, conversation, direction, type, occurred) in rows.decode((Int64, String, String, String?, Int64).self) {
                hits.append(
                    RequestSearchHit(
                        position: position, conversationID: conversation, direction: direction, messageType: type,
                        occurredAt: LedgerTimestamp(microseconds: occurred).date))
            }
            return hits
        }
    }

    /// Brings the `requests` and `request_searches` projections of `ledger` up to the head.
    public static func catchUp(store: LedgerStore, ledger: LedgerRef, on connection: PostgresConnection) async throws {
        try await RecordsRequests.catchUp(store: store, ledger: ledger, on: connection)
        try await ProjectionRunner.catchUp(RequestSearchesProjection(), ledger: ledger, store: store, on: connection)
    }

    // MARK: Parts

    /// The key identifier the word index was built with, or nil before it was built.
    private func indexKeyID() async throws -> String? {
        guard let ref = try await store.existingLedger(named: ledger) else { return nil }
        let rows = try await store.client.query("SELECT key_id FROM search_index_state WHERE ledger_id = \(ref.id)", logger: store.logger).collect()
        return try rows.first?.decode(String.self)
    }

    static func nextNumber(_ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "SELECT coalesce(max(search_number), 0) + 1 FROM request_searches WHERE ledger_id = \(ledger.id) AND request_id = \(id)", logger: logger
        ).collect()
        return Int(try rows.first?.decode(Int32.self) ?? 1)
    }

    /// The searches of request `id` as projected (one when `number` is given), in order.
    static func searches(_ id: String, number: Int?, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> [RequestSearch] {
        let rows = try await connection.query(
            """
            SELECT search_number, position, run_at_us, actor, filters, result_count, result_sha256, through_position, holds, results_state
            FROM request_searches
            WHERE ledger_id = \(ledger.id) AND request_id = \(id) AND (\(number.map { Int32($0) })::integer IS NULL OR search_number = \(number.map { Int32($0) }))
            ORDER BY search_number
            """, logger: logger)
        var found: [RequestSearch] = []
        for try await (number, position, at, actor, filters, count, sha, through, holds, state) in rows.decode(
            (Int32, Int64, Int64, String, [String], Int64, String, Int64, [String], String).self)
        {
            found.append(
                RequestSearch(
                    request: id, number: Int(number), position: position, runAt: LedgerTimestamp(microseconds: at).date, actor: actor, filters: filters,
                    resultCount: count, resultSHA256: sha, through: through, holds: holds, resultsState: state))
        }
        return found
    }

    /// Runs `body` holding the requests' lock, with the projections caught up (``RequestsLock``).
    private func locked<T: Sendable>(_ ref: LedgerRef, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await RequestsLock.run(store: store, prepare: { try await Self.catchUp(store: store, ledger: ref, on: $0) }, body)
    }
}
