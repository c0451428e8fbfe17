import Foundation
import Yams

/// The fields of one YAML mapping, by name, with their lines.
struct Fields {
    /// The mapping's path: `` for the catalog, `series[2]`, `series[2].designation`.
    let path: String
    /// The mapping's first line: where a missing field is reported.
    let line: Int
    private var values: [String: (key: Node, value: Node)] = [:]

    init(path: String, line: Int) {
        self.path = path
        self.line = line
    }

    mutating func set(_ name: String, key: Node, value: Node) {
        values[name] = (key, value)
    }

    func value(_ name: String) -> Node? { values[name]?.value }

    /// The line of a field's value, or of its name when the value is empty.
    func line(_ name: String) -> Int {
        guard let field = values[name] else { return line }
        return field.value.mark?.line ?? field.key.mark?.line ?? line
    }

    func path(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}

extension CatalogReader {
    /// The fields of `node`, refusing any name not in `allowed` (a typo would otherwise be
    /// silently ignored).
    mutating func mapping(_ node: Node, path: String, allowed: [String], what: String) -> Fields? {
        let line = node.mark?.line ?? 0
        guard case .mapping(let mapping) = node else {
            let fields = allowed.map { "`\($0)`" }.joined(separator: ", ")
            report(line: line, field: path, "\(what) must be a set of `field: value` lines (its fields are \(fields)), not \(describe(node))")
            return nil
        }
        var fields = Fields(path: path, line: line)
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                let known = allowed.map { "`\($0)`" }.joined(separator: ", ")
                let guess = closest(to: name, in: allowed).map { "did you mean `\($0)`? " } ?? ""
                report(
                    line: key.mark?.line ?? line, field: fields.path(name),
                    "unknown field `\(name)`: \(guess)the fields of \(what) are \(known)")
                continue
            }
            fields.set(name, key: key, value: value)
        }
        return fields
    }

    /// A required (or optional) single value, as text; nil, with a problem when required, if missing or empty.
    mutating func text(_ fields: Fields, _ name: String, required: Bool = true) -> String? {
        guard let node = fields.value(name) else {
            if required { report(line: fields.line, field: fields.path(name), "missing: add `\(name):`") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            report(line: fields.line(name), field: fields.path(name), "must be a single value, not \(describe(node))")
            return nil
        }
        let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            report(line: fields.line(name), field: fields.path(name), "is empty: write a value after `\(name):`")
            return nil
        }
        return value
    }

    /// `true` or `false`; `default` when the field is left out.
    mutating func flag(_ fields: Fields, _ name: String, default: Bool? = nil) -> Bool? {
        guard fields.value(name) != nil || `default` == nil else { return `default` }
        guard let value = text(fields, name) else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default:
            report(line: fields.line(name), field: fields.path(name), "must be `true` or `false`, not `\(value)`")
            return nil
        }
    }

    /// One of `choices`, each spelled as in the file.
    mutating func choice<T>(_ fields: Fields, _ name: String, _ choices: [(String, T)]) -> T? {
        guard let value = text(fields, name) else { return nil }
        if let match = choices.first(where: { $0.0 == value }) { return match.1 }
        let names = choices.map(\.0)
        let guess = closest(to: value, in: names).map { "did you mean `\($0)`? " } ?? ""
        report(
            line: fields.line(name), field: fields.path(name),
            "`\(value)` is not allowed here: \(guess)write one of \(names.map { "`\($0)`" }.joined(separator: ", "))")
        return nil
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a set of `field: value` lines"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.string.isEmpty ? "empty" : "the single value `\(scalar.string)`"
        case .alias: "an alias"
        }
    }

    /// The allowed name a typo most likely meant (at most two letters off), if any.
    func closest(to name: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, distance(name.lowercased(), $0.lowercased())) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
