public import Foundation
public import RecordkeeperCore

/// The routing rules of the team inbox (docs/operations.md, "Routing rules"): ordered rules,
/// the first that matches a new conversation names its team; none matching: ``defaultTeam``.
///
/// JSON (the body of `PUT /v1/routing/rules` and the payload of `routing.rules.set`):
/// `{"default_team":"general","timezone":"America/Los_Angeles","rules":[{"id":"permits",
/// "team":"permits","phone_number_ids":["1065"],"keywords":["permit"],"days":["mon","fri"],
/// "from":"08:00","to":"17:00"}]}`. Every condition a rule states must hold; a rule without
/// conditions matches everything.
public struct RoutingRuleSet: Sendable, Hashable {
    public static let defaultTeamName = "general"
    /// The most rules one set holds.
    public static let maxRules = 200

    public var defaultTeam: String
    /// The IANA time zone that `days`, `from` and `to` are read in.
    public var timeZone: String
    public var rules: [RoutingRule]

    public init(defaultTeam: String = defaultTeamName, timeZone: String = "UTC", rules: [RoutingRule] = []) {
        self.defaultTeam = defaultTeam
        self.timeZone = timeZone
        self.rules = rules
    }

    /// The rule set in force before any `routing.rules.set`: everything to `general`.
    public static let initial = RoutingRuleSet()

    /// The team of a new conversation, and the rule that chose it (`default` when none matched).
    /// - Parameters:
    ///   - phoneNumberID: the business number the citizen wrote to.
    ///   - text: the citizen's first message (its text, caption …).
    ///   - time: when they wrote it.
    public func route(phoneNumberID: String, text: String, at time: Date) -> (team: String, rule: String) {
        let words = Self.words(text)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: time)
        let weekday = RoutingRule.dayNames[(parts.weekday ?? 1) - 1]
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        for rule in rules where rule.matches(phoneNumberID: phoneNumberID, words: words, weekday: weekday, minuteOfDay: minute) {
            return (rule.team, rule.id)
        }
        return (defaultTeam, "default")
    }

    /// The words of a text for keyword matching: case and accents folded, split on anything
    /// that is not a letter or a digit.
    static func words(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
            .split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    // MARK: JSON

    /// The rule set as JSON (keys sorted).
    public var json: JSONValue {
        .object([
            "default_team": .string(defaultTeam), "timezone": .string(timeZone), "rules": .array(rules.map(\.json)),
        ])
    }

    /// Parses and validates a rule set.
    /// - Throws: ``RoutingRulesError`` naming the field.
    public static func parse(_ bytes: [UInt8]) throws -> RoutingRuleSet {
        guard let value = try? JSONValue.parse(bytes), case .object = value else { throw RoutingRulesError.notJSON }
        return try parse(value)
    }

    /// Validates a rule set given as JSON.
    /// - Throws: ``RoutingRulesError`` naming the field.
    public static func parse(_ value: JSONValue) throws -> RoutingRuleSet {
        guard case .object(let members) = value else { throw RoutingRulesError.notJSON }
        let known: Set<String> = ["default_team", "timezone", "rules"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw RoutingRulesError.invalid(field: unknown, "is not a field of a rule set (default_team, timezone, rules)")
        }
        var set = RoutingRuleSet()
        if let team = members["default_team"], team != .null {
            set.defaultTeam = try teamName(team, field: "default_team")
        }
        if let zone = members["timezone"], zone != .null {
            guard let name = zone.string, TimeZone(identifier: name) != nil else {
                throw RoutingRulesError.invalid(field: "timezone", "must be an IANA time zone name such as America/Los_Angeles")
            }
            set.timeZone = name
        }
        guard let rules = members["rules"] else { return set }
        guard let list = rules.array else { throw RoutingRulesError.invalid(field: "rules", "must be an array of rules") }
        guard list.count <= maxRules else { throw RoutingRulesError.invalid(field: "rules", "may hold at most \(maxRules) rules") }
        var ids: Set<String> = []
        for (index, element) in list.enumerated() {
            let rule = try RoutingRule.parse(element, field: "rules[\(index)]")
            guard ids.insert(rule.id).inserted else {
                throw RoutingRulesError.invalid(field: "rules[\(index)].id", "\"\(rule.id)\" names two rules: rule ids must be unique")
            }
            set.rules.append(rule)
        }
        return set
    }

    /// A team name: 1 to 64 letters, digits, `.`, `_` or `-`.
    public static func isTeamName(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    static func teamName(_ value: JSONValue, field: String) throws -> String {
        guard let text = value.string, isTeamName(text) else {
            throw RoutingRulesError.invalid(field: field, "must be a team name: 1 to 64 letters, digits, '.', '_' or '-'")
        }
        return text
    }
}

/// One routing rule: conditions and the team it names.
public struct RoutingRule: Sendable, Hashable {
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Its id, recorded as the `rule` of `conversation.routed`.
    public var id: String
    public var team: String
    /// Business numbers (`phone_number_id`); empty: any.
    public var phoneNumberIDs: [String]
    /// Words or phrases of which one must be in the first message (case and accents ignored); empty: any.
    public var keywords: [String]
    /// Days of the week (`mon` … `sun`); empty: any.
    public var days: [String]
    /// Minutes after midnight; `from` after `to` wraps midnight (`17:00`–`08:00`). Nil: all day.
    public var from: Int?
    public var to: Int?

    public init(id: String, team: String, phoneNumberIDs: [String] = [], keywords: [String] = [], days: [String] = [], from: Int? = nil, to: Int? = nil) {
        self.id = id
        self.team = team
        self.phoneNumberIDs = phoneNumberIDs
        self.keywords = keywords
        self.days = days
        self.from = from
        self.to = to
    }

    func matches(phoneNumberID: String, words: [String], weekday: String, minuteOfDay: Int) -> Bool {
        if !phoneNumberIDs.isEmpty, !phoneNumberIDs.contains(phoneNumberID) { return false }
        if !days.isEmpty, !days.contains(weekday) { return false }
        if let from, let to {
            let inside = from <= to ? (from <= minuteOfDay && minuteOfDay < to) : (minuteOfDay >= from || minuteOfDay < to)
            if !inside { return false }
        }
        if !keywords.isEmpty {
            return keywords.contains { keyword in
                let phrase = RoutingRuleSet.words(keyword)
                guard !phrase.isEmpty, phrase.count <= words.count else { return false }
                return (0...(words.count - phrase.count)).contains { Array(words[$0..<($0 + phrase.count)]) == phrase }
            }
        }
        return true
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "team": .string(team)]
        if !phoneNumberIDs.isEmpty { members["phone_number_ids"] = .array(phoneNumberIDs.map { .string($0) }) }
        if !keywords.isEmpty { members["keywords"] = .array(keywords.map { .string($0) }) }
        if !days.isEmpty { members["days"] = .array(days.map { .string($0) }) }
        if let from, let to {
            members["from"] = .string(Self.clock(from))
            members["to"] = .string(Self.clock(to))
        }
        return .object(members)
    }

    static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    /// `HH:MM`, 00:00 … 24:00, in minutes.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 24 * 60
        else { return nil }
        return hours * 60 + minutes
    }

    static func parse(_ value: JSONValue, field: String) throws -> RoutingRule {
        guard case .object(let members) = value else { throw RoutingRulesError.invalid(field: field, "must be a rule object") }
        let known: Set<String> = ["id", "team", "phone_number_ids", "keywords", "days", "from", "to"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw RoutingRulesError.invalid(
                field: "\(field).\(unknown)", "is not a field of a rule (id, team, phone_number_ids, keywords, days, from, to)")
        }
        guard let id = members["id"]?.string, (1...64).contains(id.count), id != "default", id != "transfer",
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
        else {
            throw RoutingRulesError.invalid(
                field: "\(field).id", "must be 1 to 64 letters, digits, '.', '_' or '-' (not \"default\" or \"transfer\")")
        }
        guard let teamValue = members["team"] else { throw RoutingRulesError.invalid(field: "\(field).team", "is required: the team this rule routes to") }
        var rule = RoutingRule(id: id, team: try RoutingRuleSet.teamName(teamValue, field: "\(field).team"))
        rule.phoneNumberIDs = try strings(
            members["phone_number_ids"], field: "\(field).phone_number_ids", requirement: "must be an array of business phone number ids (digits)"
        ) { text in !text.isEmpty && text.count <= 32 && text.allSatisfy { $0.isASCII && $0.isNumber } }
        rule.keywords = try strings(
            members["keywords"], field: "\(field).keywords",
            requirement: "must be an array of words or phrases (each with a letter or digit, at most 100 characters)"
        ) { text in !RoutingRuleSet.words(text).isEmpty && text.count <= 100 }
        rule.days = try strings(members["days"], field: "\(field).days", requirement: "must be an array of days: mon, tue, wed, thu, fri, sat, sun") {
            dayNames.contains($0.lowercased())
        }
        rule.days = rule.days.map { $0.lowercased() }
        let from = members["from"].flatMap { $0 == .null ? nil : $0 }
        let to = members["to"].flatMap { $0 == .null ? nil : $0 }
        switch (from, to) {
        case (nil, nil): break
        case (let from?, let to?):
            guard let start = from.string.flatMap(minutes) else { throw RoutingRulesError.invalid(field: "\(field).from", "must be a time HH:MM, e.g. 08:00") }
            guard let end = to.string.flatMap(minutes) else { throw RoutingRulesError.invalid(field: "\(field).to", "must be a time HH:MM, e.g. 17:00") }
            guard start != end else { throw RoutingRulesError.invalid(field: "\(field).to", "must differ from \"from\"") }
            rule.from = start
            rule.to = end
        case (nil, _): throw RoutingRulesError.invalid(field: "\(field).from", "is required with \"to\"")
        case (_, nil): throw RoutingRulesError.invalid(field: "\(field).to", "is required with \"from\"")
        }
        return rule
    }

    private static func strings(_ value: JSONValue?, field: String, requirement: String, _ valid: (String) -> Bool) throws -> [String] {
        guard let value, value != .null else { return [] }
        guard let list = value.array, list.count <= 100 else { throw RoutingRulesError.invalid(field: field, requirement) }
        return try list.map { element in
            guard let text = element.string, valid(text) else { throw RoutingRulesError.invalid(field: field, requirement) }
            return text
        }
    }
}

/// Why a rule set was refused.
public enum RoutingRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON
    /// `field` (a JSON path such as `rules[2].from`) and what it must be.
    case invalid(field: String, String)

    public var description: String {
        switch self {
        case .notJSON: "the body must be a JSON object: {\"default_team\":…,\"timezone\":…,\"rules\":[…]}"
        case let .invalid(field, requirement): "\(field) \(requirement)"
        }
    }
}
