import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `request_searches` projection (migration 0024): one row per search run for a request
/// (`request_searches`: its number, who, when, the filter names, count, hash, the holds it placed)
/// and its result set (`request_search_results`: position and conversation id per message), from
/// the `request.search.run` entries. It reads their payloads for the result set, and checks it
/// against the header's count and hash: a result set that does not match is not stored
/// (`results_state` `mismatch`), nor one whose payload cannot be read (`unavailable`). It holds no
/// content and no filter values.
public struct RequestSearchesProjection: Projection {
    /// The projection's name in `projection_state`.
    public static let projectionName = "request_searches"
    public let name = Self.projectionName
    public let version = 1
    public let eventTypes: Set<String> = [EventType.Requests.searchRun]
    public let payloadTypes: Set<String> = [EventType.Requests.searchRun]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard let header = try? JSONValue.parse(Data(fields.header.utf8)), let id = header.text("request"), fields.stream == RequestEvents.stream(id),
                let number = header["search"]?.integer, number > 0, number <= Int64(Int32.max), let count = header["result_count"]?.integer,
                let sha = header.text("result_sha256"), sha.count == 64, let through = header["through"]?.integer
            else {
                logger.warning("request_searches: skipping a search entry whose header cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            let filters = (header["filters"]?.array ?? []).compactMap(\.string)
            let holds = (header["holds"]?.array ?? []).compactMap(\.string)
            var state = "unavailable"
            var positions: [Int64] = []
            var conversations: [String] = []
            if case .bytes(let bytes)? = record.payload, let payload = try? JSONValue.parse(bytes), let results = payload["results"]?.object {
                for (conversation, list) in results {
                    for value in list.array ?? [] {
                        guard let position = value.integer else { continue }
                        positions.append(position)
                        conversations.append(conversation)
                    }
                }
                state = Int64(positions.count) == count && RequestSearchDigest.sha256(positions) == sha ? "present" : "mismatch"
                if state == "mismatch" {
                    logger.warning(
                        "request_searches: a search's result set does not match its header's count and hash; not stored",
                        metadata: ["position": "\(fields.position)", "request": "\(id)"])
                }
            }
            try await connection.perform(
                """
                INSERT INTO request_searches (ledger_id, request_id, search_number, position, run_at_us, actor, filters, result_count, result_sha256,
                    through_position, holds, results_state)
                VALUES (\(ledger.id), \(id), \(Int32(number)), \(fields.position), \(fields.occurredAt.microseconds), \(fields.actor), \(filters), \(count),
                    \(sha), \(through), \(holds), \(state))
                ON CONFLICT DO NOTHING
                """, logger: logger)
            guard state == "present", !positions.isEmpty else { continue }
            try await connection.perform(
                """
                INSERT INTO request_search_results (ledger_id, request_id, search_number, position, conversation_id)
                SELECT \(ledger.id), \(id), \(Int32(number)), p, c FROM unnest(\(positions)::int8[], \(conversations)::text[]) AS x(p, c)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM request_search_results WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM request_searches WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
