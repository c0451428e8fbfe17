import Foundation
import Yams

/// A filing rules file that cannot be loaded, with every fault found (not only the first).
public struct FilingRulesError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [CatalogProblem]

    public init(_ problems: [CatalogProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension FilingRules {
    /// Reads a filing rules file written in the YAML format of docs/records-officer.md ("Filing
    /// rules"). Series are checked against a catalog only when loading (``RetentionFilingRules``).
    ///
    /// - Parameters:
    ///   - yaml: The text of the file.
    ///   - file: The file's name as the records officer knows it; every problem names it.
    /// - Throws: ``FilingRulesError`` with every problem found, in the order of the file, each
    ///   with its line and field.
    public init(yaml: String, file: String) throws(FilingRulesError) {
        var reader = CatalogReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw FilingRulesError([reader.syntaxProblem(error)])
        }
        let rules = reader.filingRules(root)
        guard let rules, reader.problems.isEmpty else {
            throw FilingRulesError(reader.problems.sorted { $0.line < $1.line })
        }
        self = rules
    }
}

/// The fields of a rules file, as it spells them.
enum FilingField {
    static let file = ["transitory_phrases", "rules"]
    static let rule = ["id", "series", "when"]
    static let when = ["business_numbers", "teams", "categories", "keywords", "transitory"]
}

extension CatalogReader {
    mutating func filingRules(_ root: Node?) -> FilingRules? {
        guard let root else {
            report(line: 1, field: "", "the file is empty: a rules file has `rules:`, a list of rules (and optionally `transitory_phrases:`)")
            return nil
        }
        guard let fields = mapping(root, path: "", allowed: FilingField.file, what: "a rules file") else { return nil }
        let phrases = fields.value("transitory_phrases") == nil ? [] : strings(fields, "transitory_phrases")
        guard let node = fields.value("rules") else {
            report(line: fields.line, field: "rules", "missing: the file needs `rules:`, a list of rules each starting with `- id:`")
            return nil
        }
        guard case .sequence(let list) = node, !list.isEmpty else {
            report(line: fields.line("rules"), field: "rules", "must be a list of at least one rule, each starting with `- id:`")
            return nil
        }
        var rules: [FilingRule] = []
        var complete = true
        var seen: [String: Int] = [:]
        for (index, item) in list.enumerated() {
            let path = "rules[\(index + 1)]"
            // Ids are compared even when a rule has faults elsewhere.
            if case .mapping(let mapping) = item, let node = mapping["id"], case .scalar(let scalar) = node, !scalar.string.isEmpty {
                let line = node.mark?.line ?? item.mark?.line ?? 0
                if let first = seen[scalar.string] {
                    report(
                        line: line, field: "\(path).id", "`\(scalar.string)` is already the id of the rule at line \(first): give each rule its own id")
                    complete = false
                } else {
                    seen[scalar.string] = line
                }
            }
            guard let rule = filingRule(item, path: path) else {
                complete = false
                continue
            }
            rules.append(rule)
        }
        if rules.contains(where: { $0.when.transitory == true }), fields.value("transitory_phrases") == nil {
            report(
                line: fields.line, field: "transitory_phrases",
                "a rule uses `transitory: true`: list the short acknowledgements it means under `transitory_phrases:`, such as `[ok, thanks, \"thank you\"]`"
            )
            complete = false
        }
        guard complete, let phrases else { return nil }
        return FilingRules(transitoryPhrases: phrases, rules: rules)
    }

    private mutating func filingRule(_ node: Node, path: String) -> FilingRule? {
        let before = problems.count
        guard let fields = mapping(node, path: path, allowed: FilingField.rule, what: "a rule") else { return nil }
        var id = text(fields, "id")
        if let given = id, !Self.isRuleID(given) {
            report(
                line: fields.line("id"), field: fields.path("id"),
                "`\(given)` is not a rule id: use 1 to 64 lower-case letters, digits and dashes, such as `board-members`")
            id = nil
        }
        let series = text(fields, "series")
        if let series, series.lowercased().contains("rev"), !series.contains(" Rev. ") {
            report(
                line: fields.line("series"), field: fields.path("series"),
                "`\(series)` is not a citation: write the revision as the schedule prints it, such as `GS50-01-12 Rev. 3`")
        }
        let when = conditions(fields, path: fields.path("when"))
        guard let id, let series, let when, problems.count == before else { return nil }
        return FilingRule(id: id, series: series, when: when)
    }

    private mutating func conditions(_ rule: Fields, path: String) -> FilingConditions? {
        guard let node = rule.value("when") else {
            report(
                line: rule.line, field: path,
                "missing: add `when:` with at least one of `business_numbers`, `teams`, `categories`, `keywords`, `transitory`")
            return nil
        }
        guard let fields = mapping(node, path: path, allowed: FilingField.when, what: "`when:`") else { return nil }
        var conditions = FilingConditions()
        var complete = true
        if fields.value("business_numbers") != nil {
            conditions.businessNumbers = strings(fields, "business_numbers")
            complete = complete && conditions.businessNumbers != nil
        }
        if fields.value("teams") != nil {
            conditions.teams = strings(fields, "teams")
            complete = complete && conditions.teams != nil
        }
        if fields.value("keywords") != nil {
            conditions.keywords = strings(fields, "keywords")
            complete = complete && conditions.keywords != nil
        }
        if fields.value("categories") != nil, let names = strings(fields, "categories") {
            let known = FilingCategory.allCases.map(\.name)
            var categories: [FilingCategory] = []
            for name in names {
                if let category = FilingCategory.allCases.first(where: { $0.name == name || String($0.rawValue) == name }) {
                    categories.append(category)
                } else {
                    let guess = closest(to: name, in: known).map { "did you mean `\($0)`? " } ?? ""
                    report(
                        line: fields.line("categories"), field: fields.path("categories"),
                        "`\(name)` is not a classification category: \(guess)write \(known.map { "`\($0)`" }.joined(separator: ", ")) (docs/classification.md)"
                    )
                    complete = false
                }
            }
            conditions.categories = categories
        } else if fields.value("categories") != nil {
            complete = false
        }
        if fields.value("transitory") != nil {
            switch flag(fields, "transitory") {
            case true?: conditions.transitory = true
            case false?:
                report(
                    line: fields.line("transitory"), field: fields.path("transitory"),
                    "only `transitory: true` is a condition: leave the field out to match every message")
                complete = false
            case nil: complete = false
            }
        }
        if complete, conditions == FilingConditions() {
            report(
                line: fields.line, field: path,
                "`when:` names no condition: add at least one of `business_numbers`, `teams`, `categories`, `keywords`, `transitory`")
            return nil
        }
        return complete ? conditions : nil
    }

    /// A list of at least one non-empty text (a single value is read as a list of one).
    mutating func strings(_ fields: Fields, _ name: String) -> [String]? {
        guard let node = fields.value(name) else { return nil }
        let items: [Node]
        switch node {
        case .sequence(let list): items = Array(list)
        case .scalar: items = [node]
        default:
            report(line: fields.line(name), field: fields.path(name), "must be a list such as `[a, b]`, not \(describe(node))")
            return nil
        }
        var values: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item, !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
                report(
                    line: item.mark?.line ?? fields.line(name), field: fields.path(name),
                    "every member must be a single non-empty value, not \(describe(item))")
                return nil
            }
            values.append(scalar.string.trimmingCharacters(in: .whitespaces))
        }
        if values.isEmpty {
            report(line: fields.line(name), field: fields.path(name), "is empty: list at least one value, or leave the field out")
            return nil
        }
        return values
    }

    /// `[a-z0-9-]{1,64}`.
    static func isRuleID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
