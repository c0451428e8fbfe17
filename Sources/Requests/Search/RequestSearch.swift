import Deadlines
public import Foundation

/// A search run for a request, as logged (`request.search.run`) and projected (`request_searches`).
public struct RequestSearch: Sendable, Hashable {
    public var request: String
    /// 1, 2, … per request.
    public var number: Int
    /// The `request.search.run` entry.
    public var position: Int64
    public var runAt: Date
    /// Who ran it.
    public var actor: String
    /// The names of the filters used (``RequestSearchFilters/names``).
    public var filters: [String]
    public var resultCount: Int64
    /// ``RequestSearchDigest`` of the result positions.
    public var resultSHA256: String
    /// The search covered messages up to this ledger position.
    public var through: Int64
    /// The holds the search placed.
    public var holds: [String]
    /// `present`: the result set is in `request_search_results`; `unavailable`: its payload could
    /// not be read (destroyed, no master key); `mismatch`: it did not match the count and hash.
    public var resultsState: String
    /// Each filter's values, from the (encrypted) payload; nil when not read.
    public var values: [String: [String]]?

    public init(
        request: String, number: Int, position: Int64, runAt: Date, actor: String, filters: [String], resultCount: Int64, resultSHA256: String,
        through: Int64, holds: [String], resultsState: String, values: [String: [String]]? = nil
    ) {
        self.request = request
        self.number = number
        self.position = position
        self.runAt = runAt
        self.actor = actor
        self.filters = filters
        self.resultCount = resultCount
        self.resultSHA256 = resultSHA256
        self.through = through
        self.holds = holds
        self.resultsState = resultsState
        self.values = values
    }

    /// The JSON object `--json` prints and the HTTP API answers.
    public var json: [String: Any] {
        var object: [String: Any] = [
            "request": request, "search": number, "position": position, "run_at": DueDateExplanation.iso(runAt), "actor": actor, "filters": filters,
            "result_count": resultCount, "result_sha256": resultSHA256, "through": through, "holds": holds, "results_state": resultsState,
        ]
        if let values { object["values"] = values }
        return object
    }
}

/// A search just run: the search as logged, and the messages it selected.
public struct RequestSearchOutcome: Sendable {
    public var search: RequestSearch
    public var hits: [RequestSearchHit]
}

extension RequestSearchHit {
    /// The JSON object of a hit (no text: the text stays in the payload).
    public var json: [String: Any] {
        var object: [String: Any] = [
            "position": position, "conversation": conversationID, "direction": direction, "occurred_at": DueDateExplanation.iso(occurredAt),
        ]
        if let messageType { object["type"] = messageType }
        return object
    }
}
