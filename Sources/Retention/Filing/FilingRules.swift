/// The filing rules an agency loads (`recordkeeper retention rules load FILE`): which series a
/// record's messages call for (docs/records-officer.md, "Filing records into series").
public struct FilingRules: Sendable, Hashable {
    /// The short acknowledgements (`ok`, `thanks`, `👍`) a message may be made of to be transitory.
    public var transitoryPhrases: [String]
    /// The rules, in the order they are tried: the first that matches a message gives its series.
    public var rules: [FilingRule]

    public init(transitoryPhrases: [String] = [], rules: [FilingRule]) {
        self.transitoryPhrases = transitoryPhrases
        self.rules = rules
    }
}

/// One filing rule: a series, and the conditions a message (or a record) must meet for it.
public struct FilingRule: Sendable, Hashable {
    /// `[a-z0-9-]{1,64}`: how filings and the history name the rule.
    public var id: String
    /// The citation of the series (DAN and revision, `GS50-01-12 Rev. 3`) in the catalog in force.
    public var series: String
    public var when: FilingConditions

    public init(id: String, series: String, when: FilingConditions) {
        self.id = id
        self.series = series
        self.when = when
    }
}

/// The conditions of a rule: it matches when every condition it names holds (a condition left
/// out holds always; a list holds when any of its members does).
public struct FilingConditions: Sendable, Hashable {
    /// Business numbers (`phone_number_id`s).
    public var businessNumbers: [String]?
    /// Teams the conversation is routed to.
    public var teams: [String]?
    /// Classification categories of the message.
    public var categories: [FilingCategory]?
    /// Words, any of which the message's text contains (whole words; case and accents ignored).
    public var keywords: [String]?
    /// `true`: the message is only a short acknowledgement (made of the transitory phrases).
    public var transitory: Bool?

    public init(
        businessNumbers: [String]? = nil, teams: [String]? = nil, categories: [FilingCategory]? = nil, keywords: [String]? = nil,
        transitory: Bool? = nil
    ) {
        self.businessNumbers = businessNumbers
        self.teams = teams
        self.categories = categories
        self.keywords = keywords
        self.transitory = transitory
    }

    /// Whether the rule names only conditions a record without messages can be judged by
    /// (business number and team).
    public var isRecordLevel: Bool { categories == nil && keywords == nil && transitory == nil }
}

/// A classification category (docs/classification.md), as a filing rule names it.
public enum FilingCategory: Int, Sendable, Hashable, CaseIterable, Comparable {
    /// Category 1: public information.
    case `public` = 1
    /// Category 2: sensitive, for official use.
    case sensitive = 2
    /// Category 3: confidential, protected by law.
    case confidential = 3
    /// Category 4: confidential, special handling (health information). A message not yet
    /// classified counts as this category (fail closed).
    case specialHandling = 4

    /// The name a rules file writes.
    public var name: String {
        switch self {
        case .public: "public"
        case .sensitive: "sensitive"
        case .confidential: "confidential"
        case .specialHandling: "special_handling"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
