public import Ledger
public import RecordkeeperCore

/// A recorded rule set that cannot be read back (a `retention.filing_rules.set` payload or a
/// projection row that does not fit the canonical form).
public struct FilingRulesJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public var description: String { "recorded filing rules: \(field): \(message)" }
}

extension FilingRules {
    /// The canonical JSON document: `{"transitory_phrases":[…],"rules":[{"id","series","when":{…}}]}`,
    /// the rules in their order (the first match wins), conditions as the file names them.
    public var json: JSONValue {
        .object([
            "transitory_phrases": .array(transitoryPhrases.map(JSONValue.string)),
            "rules": .array(
                rules.map { rule in
                    var when: [String: JSONValue] = [:]
                    let c = rule.when
                    if let list = c.businessNumbers { when["business_numbers"] = .array(list.map(JSONValue.string)) }
                    if let list = c.teams { when["teams"] = .array(list.map(JSONValue.string)) }
                    if let list = c.categories { when["categories"] = .array(list.map { .string($0.name) }) }
                    if let list = c.keywords { when["keywords"] = .array(list.map(JSONValue.string)) }
                    if let flag = c.transitory { when["transitory"] = .bool(flag) }
                    return .object(["id": .string(rule.id), "series": .string(rule.series), "when": .object(when)])
                }),
        ])
    }

    /// The canonical JSON text (compact, sorted keys): the payload of `retention.filing_rules.set`.
    public func canonicalJSON() throws -> [UInt8] { try json.encoded() }

    /// The SHA-256 of ``canonicalJSON()``: two rule sets with the same digest are the same.
    public func digest() throws -> LedgerDigest { LedgerDigest.sha256(try canonicalJSON()) }

    /// Reads a rule set back from its canonical JSON document.
    public init(json: JSONValue) throws(FilingRulesJSONError) {
        func strings(_ value: JSONValue?, _ field: String) throws(FilingRulesJSONError) -> [String]? {
            guard let value else { return nil }
            guard let items = value.array?.compactMap(\.string), items.count == value.array?.count else {
                throw FilingRulesJSONError(field: field, message: "is not a list of strings")
            }
            return items
        }
        guard let items = json["rules"]?.array else { throw FilingRulesJSONError(field: "rules", message: "is missing or not an array") }
        var rules: [FilingRule] = []
        for (index, item) in items.enumerated() {
            let field = "rules[\(index)]"
            guard let id = item["id"]?.string, let series = item["series"]?.string, let when = item["when"] else {
                throw FilingRulesJSONError(field: field, message: "lacks an id, a series or conditions")
            }
            var categories: [FilingCategory]?
            if let names = try strings(when["categories"], "\(field).when.categories") {
                categories = try names.map { name throws(FilingRulesJSONError) in
                    guard let category = FilingCategory.allCases.first(where: { $0.name == name }) else {
                        throw FilingRulesJSONError(field: "\(field).when.categories", message: "`\(name)` is not a category")
                    }
                    return category
                }
            }
            let conditions = FilingConditions(
                businessNumbers: try strings(when["business_numbers"], "\(field).when.business_numbers"),
                teams: try strings(when["teams"], "\(field).when.teams"), categories: categories,
                keywords: try strings(when["keywords"], "\(field).when.keywords"), transitory: when["transitory"]?.bool)
            rules.append(FilingRule(id: id, series: series, when: conditions))
        }
        self.init(transitoryPhrases: try strings(json["transitory_phrases"], "transitory_phrases") ?? [], rules: rules)
    }
}
