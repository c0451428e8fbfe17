import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore

extension RequestEvents {
    /// `request.search.run` on `requests/<id>` (docs/public-records.md, "Searches").
    ///
    /// Retained header: `v`, `request`, `status` (unchanged), `search` (its number, 1, 2, …),
    /// `result_count`, `result_sha256` (``RequestSearchDigest``), `filters` (the names of the
    /// filters used, never their values), `through` (the ledger position the search covered
    /// messages up to) and `holds` (the ids of the holds the search placed; empty when the request's
    /// holds already covered every conversation). The payload repeats the header and adds `values`
    /// (each filter's values: citizen keys, numbers, teams, agents, dates, words) and `results`
    /// (each conversation id with the positions of its messages the search selected, ascending).
    /// Its dedupe key is `requests:<id>:search:<n>`: one entry per search number.
    public static func searchRun(
        id: String, status: RequestStatus, number: Int, filters: RequestSearchFilters, hits: [RequestSearchHit], through: Int64, holds: [String],
        actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        var grouped: [String: [Int64]] = [:]
        for hit in hits { grouped[hit.conversationID, default: []].append(hit.position) }
        var results: [String: JSONValue] = [:]
        for (conversation, positions) in grouped { results[conversation] = .array(positions.sorted().map { .integer($0) }) }
        var values: [String: JSONValue] = [:]
        for (name, list) in filters.values { values[name] = .array(list.map(JSONValue.string)) }
        return try event(
            EventType.Requests.searchRun, id: id,
            header: [
                "status": .string(status.rawValue), "search": .integer(Int64(number)), "result_count": .integer(Int64(hits.count)),
                "result_sha256": .string(RequestSearchDigest.sha256(hits.map(\.position))), "filters": .array(filters.names.map(JSONValue.string)),
                "through": .integer(through), "holds": .array(holds.map(JSONValue.string)),
            ], payload: ["values": .object(values), "results": .object(results)], actor: actor, occurredAt: occurredAt,
            dedupeKey: "requests:\(id):search:\(number)")
    }
}
