public import Access
import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

extension RequestRedactions {
    // MARK: Suggestions

    /// The suggestions for the messages at `positions` (each a message of the request's search
    /// results), in position and text order. Nothing is written: suggestions are recomputed.
    /// A message whose text cannot be read has none.
    public func suggest(_ request: String, positions: [Int64], role: StaffRole) async throws -> [RedactionSuggestion] {
        try RecordsRequests.require(role, acting: true, "see redaction suggestions")
        let ref = try await requireRequest(request)
        try await store.withTransaction { connection in
            for position in Set(positions) { try await requireResult(request: request, position: position, on: connection) }
        }
        _ = ref
        var found: [RedactionSuggestion] = []
        for position in Array(Set(positions)).sorted() {
            guard let text = try await message(at: position).text else { continue }
            found += RedactionSuggester.suggestions(in: text, position: position, list: exemptions)
        }
        return found
    }

    /// The suggestions for the messages search `search` of the request found.
    public func suggest(_ request: String, search: Int, role: StaffRole) async throws -> [RedactionSuggestion] {
        try RecordsRequests.require(role, acting: true, "see redaction suggestions")
        let ref = try await requireRequest(request)
        let positions = try await store.withTransaction { connection in
            try await Self.searchResults(request, search: search, ledger: ref, store: store, on: connection, logger: store.logger)
        }
        guard let positions else { throw RedactionError.noSuchSearch(request: request, search: search) }
        return try await suggest(request, positions: positions, role: role)
    }

    // MARK: Reading

    /// The request's redactions, in the order they were applied, with their explanations and
    /// reasons read from the payloads.
    public func list(_ request: String, role: StaffRole) async throws -> [Redaction] {
        try RecordsRequests.require(role, acting: false, "read redactions")
        let ref = try await requireRequest(request)
        let redactions = try await store.withTransaction { connection in
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            return try await Self.redactions(request, ledger: ref, message: nil, on: connection, logger: store.logger)
        }
        var filled: [Redaction] = []
        for var redaction in redactions {
            redaction.explanation = try await payloadText(redaction.appliedPosition, "explanation")
            if let closed = redaction.closedPosition { redaction.reason = try await payloadText(closed, "reason") }
            filled.append(redaction)
        }
        return filled
    }

    /// What an installment of `request` may release: the approved redactions of each message with
    /// their citations and explanations, and the redactions not approved yet (whose messages it
    /// must not release). The export step calls this; it checks roles itself.
    /// - Throws: ``RedactionError/explanationUnavailable(id:why:)`` when an approved redaction's
    ///   explanation cannot be read (sealed, destroyed), ``RecordsRequestError`` for an unknown request.
    public func approved(request: String) async throws -> ApprovedRedactions {
        let ref = try await requireRequest(request)
        let all = try await store.withTransaction { connection in
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            return try await Self.redactions(request, ledger: ref, message: nil, on: connection, logger: store.logger)
        }
        var messages: [Int64: MessageRedactions] = [:]
        for redaction in all where redaction.state == .approved {
            guard let explanation = try await payloadText(redaction.appliedPosition, "explanation") else {
                throw RedactionError.explanationUnavailable(id: redaction.id, position: redaction.appliedPosition)
            }
            let grounds = RedactionGrounds(redaction: redaction.id, code: redaction.exemption, citation: redaction.citation, explanation: explanation)
            var message = messages[redaction.messagePosition] ?? MessageRedactions(position: redaction.messagePosition)
            switch redaction.target {
            case .message: message.withheld = grounds
            case .span(let start, let length): message.spans.append(RedactedSpan(start: start, length: length, grounds: grounds))
            case .media(let media): message.media[media] = grounds
            }
            message.spans.sort { $0.start < $1.start }
            messages[redaction.messagePosition] = message
        }
        let unreviewed = all.filter { $0.state == .applied || $0.state == .returned }
        return ApprovedRedactions(request: request, messages: messages, unreviewed: unreviewed)
    }

    // MARK: Parts

    /// The ledger of an existing request.
    func requireRequest(_ id: String) async throws -> LedgerRef {
        guard RecordsRequests.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        let exists = try await store.withTransaction { connection in
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            return try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) != nil
        }
        guard exists else { throw RecordsRequestError.unknownRequest(id) }
        return ref
    }

    /// Refuses a message that is in none of the request's search results (migration 0024's
    /// `request_search_results`; not checked where that table does not exist).
    func requireResult(request: String, position: Int64, on connection: PostgresConnection) async throws {
        guard try await Self.searchesExist(on: connection, logger: store.logger) else { return }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(request) }
        try await RequestSearches.catchUp(store: store, ledger: ref, on: connection)
        let rows = try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM request_search_results
                WHERE ledger_id = \(ref.id) AND request_id = \(request) AND position = \(position))
            """, logger: store.logger
        ).collect()
        guard try rows.first?.decode(Bool.self) == true else { throw RedactionError.notInResults(position: position, request: request) }
    }

    static func searchesExist(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT to_regclass('request_search_results') IS NOT NULL", logger: logger).collect()
        return try rows.first?.decode(Bool.self) == true
    }

    /// The positions search `search` of the request found, or nil when it has no such search.
    static func searchResults(
        _ request: String, search: Int, ledger: LedgerRef, store: LedgerStore, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64]? {
        guard try await searchesExist(on: connection, logger: logger) else { return nil }
        try await ProjectionRunner.catchUp(RequestSearchesProjection(), ledger: ledger, store: store, on: connection)
        let exists = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM request_searches WHERE ledger_id = \(ledger.id) AND request_id = \(request) AND search_number = \(Int32(search)))",
            logger: logger
        ).collect()
        guard try exists.first?.decode(Bool.self) == true else { return nil }
        var positions: [Int64] = []
        let rows = try await connection.query(
            """
            SELECT position FROM request_search_results
            WHERE ledger_id = \(ledger.id) AND request_id = \(request) AND search_number = \(Int32(search)) ORDER BY position
            """, logger: logger)
        for try await position in rows.decode(Int64.self) { positions.append(position) }
        return positions
    }

    /// A text member of the payload of the entry at `position`, nil when absent or unreadable.
    func payloadText(_ position: Int64, _ member: String) async throws -> String? {
        guard let record = try await store.record(ledger: ledger, position: position), case .bytes(let bytes) = record.payload,
            let json = try? JSONValue.parse(bytes)
        else { return nil }
        return json.text(member)
    }

    static func nextNumber(_ request: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT coalesce(max(substr(redaction_id, 2)::int), 0) + 1 FROM request_redactions
            WHERE ledger_id = \(ledger.id) AND request_id = \(request)
            """, logger: logger
        ).collect()
        return try rows.first?.decode(Int.self) ?? 1
    }

    static func redaction(
        _ request: String, _ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws
        -> Redaction
    {
        guard let found = try await redactions(request, ledger: ledger, message: nil, id: id, on: connection, logger: logger).first else {
            throw RedactionError.unknownRedaction(request: request, id: id)
        }
        return found
    }

    /// The request's redactions as projected (no explanation), of one message when given.
    static func redactions(
        _ request: String, ledger: LedgerRef, message: Int64?, id: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Redaction] {
        let rows = try await connection.query(
            """
            SELECT redaction_id, message_position, kind, span_start, span_length, media_id, exemption_code, citation, state,
                applied_position, applied_at_us, applied_by, reviewed_by, closed_position
            FROM request_redactions
            WHERE ledger_id = \(ledger.id) AND request_id = \(request)
                AND (\(message)::int8 IS NULL OR message_position = \(message)) AND (\(id)::text IS NULL OR redaction_id = \(id))
            ORDER BY applied_position
            """, logger: logger)
        var found: [Redaction] = []
        for try await row in rows.decode(
            (String, Int64, String, Int32?, Int32?, String?, String, String, String, Int64, Int64, String, String?, Int64?).self)
        {
            let target: RedactionTarget =
                switch row.2 {
                case "span": .span(start: Int(row.3 ?? 0), length: Int(row.4 ?? 0))
                case "media": .media(row.5 ?? "")
                default: .message
                }
            var redaction = Redaction(
                request: request, id: row.0, messagePosition: row.1, target: target, exemption: row.6, citation: row.7,
                state: RedactionState(rawValue: row.8) ?? .applied, appliedPosition: row.9,
                appliedBy: row.11, appliedAt: Date(timeIntervalSince1970: Double(row.10) / 1_000_000), reviewedBy: row.12)
            redaction.closedPosition = row.13
            found.append(redaction)
        }
        return found
    }
}
