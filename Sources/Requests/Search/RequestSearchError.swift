/// A request search that was refused. Nothing was recorded; the message says what to do.
public enum RequestSearchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A parameter that is not a search filter.
    case unknownParameter(String)
    /// A filter's value that does not fit.
    case malformed(parameter: String, value: String, expected: String)
    /// `from`, `to` or `words` given twice.
    case repeated(String)
    /// No filter at all.
    case noFilter
    /// `from` after `to`.
    case emptyDateRange(from: String, to: String)
    /// More results than one search may commit to.
    case tooManyResults(limit: Int)
    /// Words were asked for but the store has no master key, so the index cannot be read.
    case wordsUnavailable
    /// The word index was built with another key (the master key was rotated) and is being rebuilt.
    case indexRebuilding
    /// The read models searched (or the word index) have not been built in this ledger yet.
    case notBuilt(String)
    /// No such search of the request.
    case unknownSearch(request: String, number: Int)

    public var description: String {
        switch self {
        case .unknownParameter(let name):
            "\(name) is not a search filter: give \(RequestSearchFilters.parameterNames.joined(separator: ", "))"
        case .malformed(let parameter, let value, let expected):
            "\(parameter) \"\(value)\" is not valid: give \(expected)"
        case .repeated(let name):
            "\(name) was given more than once: give it once"
        case .noFilter:
            "a search needs at least one filter (citizen, business number, team, agent, from, to, direction, type, category or words): a search for everything cannot be defended as a search"
        case .emptyDateRange(let from, let to):
            "from \(from) is after to \(to): give a date range that is not empty"
        case .tooManyResults(let limit):
            "the search selects more than \(limit) messages: narrow it (a date range, a business number, words) and run it in parts; nothing was recorded"
        case .wordsUnavailable:
            "searching words needs the master key (RECORDKEEPER_MASTER_KEY or RECORDKEEPER_MASTER_KEY_FILE): nothing was recorded"
        case .indexRebuilding:
            "the word index is being rebuilt after a master key rotation: search words again once `recordkeeper work` has finished rebuilding it; nothing was recorded"
        case .notBuilt(let what):
            "\(what) has not been built yet: run `recordkeeper work` (or search without --no-catch-up) and search again; nothing was recorded"
        case .unknownSearch(let request, let number):
            "\(request) has no search \(number): see `recordkeeper requests searches \(request)`"
        }
    }
}
