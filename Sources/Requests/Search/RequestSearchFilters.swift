public import Classification
public import Deadlines
public import Foundation
import Inbox
import Retention

/// One end of a search's date range: a day in the agency's time zone (inclusive: `--to
/// 2026-10-31` takes the whole of that day) or an instant (ISO 8601, inclusive at both ends).
public enum RequestSearchBound: Sendable, Hashable, CustomStringConvertible {
    case day(CivilDay)
    case instant(Date)

    /// `2026-10-01` or `2026-10-01T07:00:00Z`: a day, or an ISO 8601 instant with its offset.
    public init?(_ text: String) {
        if let day = CivilDay(text) {
            self = .day(day)
        } else if let instant = DueDateExplanation.date(text) {
            self = .instant(instant)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .day(let day): day.description
        case .instant(let date): DueDateExplanation.iso(date)
        }
    }
}

/// The filters of a request search (docs/public-records.md, "Searches"). Every filter given
/// restricts (filters combine with AND); the values of one filter combine with OR. A search with no
/// filter is refused: "everything" is not a search an officer can defend.
public struct RequestSearchFilters: Sendable, Hashable {
    /// Citizen keys (`p:<wa_id>`, `u:<BSUID>`): every conversation linked to the citizen, on any
    /// business number (given as a phone number or a BSUID: ``LegalHoldScope/citizenKey(_:)``).
    public var citizens: [String] = []
    /// Business numbers (`phone_number_id`).
    public var businessNumbers: [String] = []
    /// Teams: messages of conversations ever routed to one of them.
    public var teams: [String] = []
    /// Staff user names: messages they sent, and every message of a conversation ever assigned to them.
    public var agents: [String] = []
    public var from: RequestSearchBound?
    public var to: RequestSearchBound?
    /// `inbound`, `outbound`.
    public var directions: [String] = []
    /// Message types (`text`, `image`, `document`, …).
    public var types: [String] = []
    /// Data categories: a message awaiting classification counts as category 4 (as masking does).
    public var categories: [DataCategory] = []
    /// The words as given; every word must be in the message (the blind index: ``words``).
    public var wordsText: String?

    public init() {}

    /// The parameter names, in the order ``names`` lists them.
    public static let parameterNames = ["citizen", "business_number", "team", "agent", "from", "to", "direction", "type", "category", "words"]
    /// The most words a search may hold (as content search).
    public static let maxWords = ContentSearch.maxQueryTerms
    /// The most values one filter may hold.
    public static let maxValues = 100

    /// The words searched for, as the index knows them (folded, at least two letters or digits).
    public var words: [String] { wordsText.map(SearchTerms.terms(in:)) ?? [] }

    /// The names of the filters given, in a fixed order: what the retained header records (never
    /// the values).
    public var names: [String] {
        var names: [String] = []
        if !citizens.isEmpty { names.append("citizen") }
        if !businessNumbers.isEmpty { names.append("business_number") }
        if !teams.isEmpty { names.append("team") }
        if !agents.isEmpty { names.append("agent") }
        if from != nil { names.append("from") }
        if to != nil { names.append("to") }
        if !directions.isEmpty { names.append("direction") }
        if !types.isEmpty { names.append("type") }
        if !categories.isEmpty { names.append("category") }
        if wordsText != nil { names.append("words") }
        return names
    }

    /// Whether no filter is given.
    public var isEmpty: Bool { names.isEmpty }

    /// Reads filters from parameters (`name`, `value`) as the CLI and the HTTP API give them: each
    /// name one of ``parameterNames`` (`business-number` is read as `business_number`), each value
    /// checked. A filter given more than once takes every value (OR), except `from`, `to` and
    /// `words`, which may be given once.
    /// - Throws: ``RequestSearchError`` naming the parameter that is unknown, malformed or
    ///   repeated, or ``RequestSearchError/noFilter`` when none is given.
    public static func parse(_ parameters: [(name: String, value: String)]) throws(RequestSearchError) -> RequestSearchFilters {
        var filters = RequestSearchFilters()
        for (rawName, rawValue) in parameters {
            let name = rawName.replacingOccurrences(of: "-", with: "_")
            let value = rawValue.trimmingCharacters(in: .whitespacesAndNewlines)
            guard parameterNames.contains(name) else { throw .unknownParameter(rawName) }
            guard !value.isEmpty else { throw .malformed(parameter: name, value: rawValue, expected: "a value that is not empty") }
            try filters.add(name, value)
        }
        try filters.validate()
        return filters
    }

    /// Adds one parameter's value.
    mutating func add(_ name: String, _ value: String) throws(RequestSearchError) {
        func once<T>(_ current: T?) throws(RequestSearchError) {
            if current != nil { throw .repeated(name) }
        }
        switch name {
        case "citizen":
            guard let key = LegalHoldScope.citizenKey(value) else {
                throw .malformed(
                    parameter: name, value: value, expected: "a phone number with its country code (+15551234567) or a WhatsApp user id (US.1349…)")
            }
            Self.append(key, to: &citizens)
        case "business_number":
            guard value.count <= 32, value.allSatisfy(\.isNumber) else {
                throw .malformed(parameter: name, value: value, expected: "a business number's phone_number_id (digits)")
            }
            Self.append(value, to: &businessNumbers)
        case "team":
            guard Self.isName(value, extra: "-_ .") else { throw .malformed(parameter: name, value: value, expected: "a team name") }
            Self.append(value, to: &teams)
        case "agent":
            let user = value.hasPrefix("staff:") ? String(value.dropFirst("staff:".count)) : value
            guard Self.isName(user, extra: "-_.@") else { throw .malformed(parameter: name, value: value, expected: "a staff user name") }
            Self.append(user, to: &agents)
        case "from", "to":
            guard let bound = RequestSearchBound(value) else {
                throw .malformed(parameter: name, value: value, expected: "a day (2026-10-01) or an ISO 8601 time (2026-10-01T07:00:00Z)")
            }
            if name == "from" {
                try once(from)
                from = bound
            } else {
                try once(to)
                to = bound
            }
        case "direction":
            guard value == "inbound" || value == "outbound" else { throw .malformed(parameter: name, value: value, expected: "inbound or outbound") }
            Self.append(value, to: &directions)
        case "type":
            guard value.count <= 32, value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") }) else {
                throw .malformed(parameter: name, value: value, expected: "a message type such as text, image, document, audio, video, location")
            }
            Self.append(value, to: &types)
        case "category":
            guard let number = Int(value), let category = DataCategory(rawValue: number) else {
                throw .malformed(parameter: name, value: value, expected: "a data category from 1 to 4")
            }
            if !categories.contains(category) { categories.append(category) }
        default:  // words
            try once(wordsText)
            let terms = SearchTerms.terms(in: value)
            guard !terms.isEmpty else {
                throw .malformed(parameter: name, value: value, expected: "at least one word of \(SearchTerms.minLength) or more letters or digits")
            }
            guard terms.count <= Self.maxWords, value.count <= ContentSearch.maxQueryLength else {
                throw .malformed(
                    parameter: name, value: value, expected: "at most \(Self.maxWords) words and \(ContentSearch.maxQueryLength) characters")
            }
            wordsText = value
        }
        for (member, count) in [("citizen", citizens.count), ("business_number", businessNumbers.count), ("team", teams.count), ("agent", agents.count)]
        where count > Self.maxValues {
            throw .malformed(parameter: member, value: value, expected: "at most \(Self.maxValues) values")
        }
    }

    /// Refuses an empty search and an empty date range (days compared as days, instants as instants).
    func validate() throws(RequestSearchError) {
        guard !isEmpty else { throw .noFilter }
        if case .day(let first)? = from, case .day(let last)? = to, first > last {
            throw .emptyDateRange(from: first.description, to: last.description)
        }
        if case .instant(let first)? = from, case .instant(let last)? = to, first > last {
            throw .emptyDateRange(from: DueDateExplanation.iso(first), to: DueDateExplanation.iso(last))
        }
    }

    /// The date range as ledger microseconds in `timeZone`: from inclusive, to exclusive (the day
    /// after a `to` day; one microsecond after a `to` instant).
    public func interval(in timeZone: TimeZone) -> (from: Int64?, to: Int64?) {
        func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
        let start: Int64? =
            switch from {
            case .day(let day)?: micros(day.start(in: timeZone))
            case .instant(let date)?: micros(date)
            case nil: nil
            }
        let end: Int64? =
            switch to {
            case .day(let day)?: micros(day.adding(days: 1).start(in: timeZone))
            case .instant(let date)?: micros(date) + 1
            case nil: nil
            }
        return (start, end)
    }

    /// The filter values, as the (encrypted) payload of `request.search.run` records them.
    public var values: [String: [String]] {
        var values: [String: [String]] = [:]
        if !citizens.isEmpty { values["citizen"] = citizens }
        if !businessNumbers.isEmpty { values["business_number"] = businessNumbers }
        if !teams.isEmpty { values["team"] = teams }
        if !agents.isEmpty { values["agent"] = agents }
        if let from { values["from"] = [from.description] }
        if let to { values["to"] = [to.description] }
        if !directions.isEmpty { values["direction"] = directions }
        if !types.isEmpty { values["type"] = types }
        if !categories.isEmpty { values["category"] = categories.map { String($0.rawValue) } }
        if let wordsText { values["words"] = [wordsText] }
        return values
    }

    private static func append(_ value: String, to list: inout [String]) {
        if !list.contains(value) { list.append(value) }
    }

    private static func isName(_ text: String, extra: String) -> Bool {
        let allowed = Set(extra)
        return (1...64).contains(text.count) && text.allSatisfy { $0.isLetter || $0.isNumber || allowed.contains($0) }
    }
}
