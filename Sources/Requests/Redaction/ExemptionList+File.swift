import Classification
import Foundation
import Retention
import Yams

extension ExemptionList {
    /// The environment variable that names another exemption list file.
    public static let environmentVariable = "RECORDKEEPER_EXEMPTIONS_FILE"

    /// Washington's list, as shipped in `config/exemptions/washington.yaml`.
    public static let washington: ExemptionList = {
        do {
            return try ExemptionList(yaml: ExemptionList.washingtonYAML, file: "config/exemptions/washington.yaml")
        } catch {
            fatalError("the built-in exemption list does not parse: \(error)")
        }
    }()

    /// The list of `RECORDKEEPER_EXEMPTIONS_FILE`, or Washington's when it is not set.
    /// - Throws: ``ExemptionListError`` naming the file, line and field of every fault, or a file
    ///   that cannot be read.
    public static func fromEnvironment(_ environment: [String: String]) throws(ExemptionListError) -> ExemptionList {
        guard let path = environment[environmentVariable], !path.isEmpty else { return washington }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExemptionListError([
                ExemptionListProblem(
                    file: path, line: 0, field: "",
                    message: "cannot be read (\(error.localizedDescription)): check \(environmentVariable) names a readable UTF-8 file")
            ])
        }
        return try ExemptionList(yaml: text, file: path)
    }

    /// Reads an exemption list file (the form of `config/exemptions/washington.yaml`).
    /// - Throws: ``ExemptionListError`` with every fault, in the order of the file.
    public init(yaml: String, file: String) throws(ExemptionListError) {
        var reader = ExemptionListReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ExemptionListError([reader.syntaxProblem(error)])
        }
        let list = reader.list(root)
        guard let list, reader.problems.isEmpty else { throw ExemptionListError(reader.problems.sorted { $0.line < $1.line }) }
        self = list
    }
}

/// Reads a composed YAML tree into an exemption list, collecting every problem on the way.
struct ExemptionListReader {
    let file: String
    private(set) var problems: [ExemptionListProblem] = []

    static let topFields = ["name", "version", "exemptions", "detectors", "terms"]
    static let exemptionFields = ["code", "citation", "title", "information", "explanation_stem", "confirmed", "note"]
    static let termFields = ["term", "exemption"]

    init(file: String) {
        self.file = file
    }

    mutating func report(_ line: Int, _ field: String, _ message: String) {
        problems.append(ExemptionListProblem(file: file, line: line, field: field, message: message))
    }

    func syntaxProblem(_ error: any Error) -> ExemptionListProblem {
        if let error = error as? YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return ExemptionListProblem(
                    file: file, line: mark.line, field: "", message: "this file is not valid YAML: \(problem); check the indentation of this line")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
                return ExemptionListProblem(file: file, line: context.mark.line, field: "", message: "\(names) is written twice; keep one")
            default: break
            }
        }
        return ExemptionListProblem(file: file, line: 0, field: "", message: "this file is not valid YAML: \(error)")
    }

    /// The fields of a mapping by name with their nodes; unknown names reported.
    mutating func fields(_ node: Node, path: String, allowed: [String], what: String) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node.mark?.line ?? 0, path, "\(what) must be `field: value` lines (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                report(
                    key.mark?.line ?? 0, path.isEmpty ? name : "\(path).\(name)",
                    "is not a field of \(what): its fields are \(allowed.joined(separator: ", "))")
                continue
            }
            fields[name] = value
        }
        return fields
    }

    /// A required non-empty text field (or an optional one when `required` is false).
    mutating func text(_ fields: [String: Node], _ name: String, path: String, line: Int, required: Bool = true) -> String? {
        let field = path.isEmpty ? name : "\(path).\(name)"
        guard let node = fields[name] else {
            if required { report(line, field, "missing: give it") }
            return nil
        }
        guard case .scalar(let scalar) = node, !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(node.mark?.line ?? line, field, "must be a text, not empty")
            return nil
        }
        return scalar.string.trimmingCharacters(in: .whitespaces)
    }

    mutating func list(_ root: Node?) -> ExemptionList? {
        guard let root else {
            report(1, "", "the file is empty: an exemption list has `name:`, `version:`, `exemptions:` and `detectors:`")
            return nil
        }
        guard let top = fields(root, path: "", allowed: Self.topFields, what: "an exemption list") else { return nil }
        let line = root.mark?.line ?? 1
        let name = text(top, "name", path: "", line: line)
        let version = text(top, "version", path: "", line: line)
        let exemptions = exemptionList(top["exemptions"], line: line)
        let codes = Set(exemptions.map(\.code))
        var detectors: [SensitiveDataKind: String] = [:]
        if let node = top["detectors"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    let field = "detectors.\(key.string ?? "")"
                    guard let kind = key.string.flatMap(SensitiveDataKind.init(rawValue:)) else {
                        let known = SensitiveDataKind.allCases.map(\.rawValue).joined(separator: ", ")
                        report(key.mark?.line ?? line, field, "is not a detector: the detectors are \(known)")
                        continue
                    }
                    guard let code = value.string, codes.contains(code) else {
                        report(value.mark?.line ?? line, field, "`\(value.string ?? "")` is not the code of an exemption of this file")
                        continue
                    }
                    detectors[kind] = code
                }
            } else if node.string?.isEmpty != true {
                report(node.mark?.line ?? line, "detectors", "must be `detector: exemption code` lines")
            }
        }
        var terms: [ExemptionTerm] = []
        if let node = top["terms"] {
            if case .sequence(let items) = node {
                for (index, item) in items.enumerated() {
                    let path = "terms[\(index + 1)]"
                    guard let f = fields(item, path: path, allowed: Self.termFields, what: "a term") else { continue }
                    let itemLine = item.mark?.line ?? line
                    guard let term = text(f, "term", path: path, line: itemLine), let code = text(f, "exemption", path: path, line: itemLine) else {
                        continue
                    }
                    guard codes.contains(code) else {
                        report(f["exemption"]?.mark?.line ?? itemLine, "\(path).exemption", "`\(code)` is not the code of an exemption of this file")
                        continue
                    }
                    terms.append(ExemptionTerm(term: term, exemption: code))
                }
            } else if node.string?.isEmpty != true {
                report(node.mark?.line ?? line, "terms", "must be a list of `- term: …` / `exemption: …` items")
            }
        }
        guard let name, let version else { return nil }
        return ExemptionList(name: name, version: version, exemptions: exemptions, detectors: detectors, terms: terms)
    }

    mutating func exemptionList(_ node: Node?, line: Int) -> [Exemption] {
        guard let node else {
            report(line, "exemptions", "missing: the file needs `exemptions:`, a list of exemptions each starting with `- code:`")
            return []
        }
        guard case .sequence(let items) = node, !items.isEmpty else {
            report(node.mark?.line ?? line, "exemptions", "must be a list of at least one exemption, each starting with `- code:`")
            return []
        }
        var exemptions: [Exemption] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "exemptions[\(index + 1)]"
            let itemLine = item.mark?.line ?? line
            guard let f = fields(item, path: path, allowed: Self.exemptionFields, what: "an exemption") else { continue }
            let code = text(f, "code", path: path, line: itemLine)
            let citation = text(f, "citation", path: path, line: itemLine)
            let title = text(f, "title", path: path, line: itemLine)
            let information = text(f, "information", path: path, line: itemLine)
            let stem = text(f, "explanation_stem", path: path, line: itemLine)
            let note = text(f, "note", path: path, line: itemLine, required: false)
            var confirmed: Bool?
            if let node = f["confirmed"] {
                switch node.string {
                case "true": confirmed = true
                case "false": confirmed = false
                default: report(node.mark?.line ?? itemLine, "\(path).confirmed", "must be true or false")
                }
            } else {
                report(itemLine, "\(path).confirmed", "missing: say true when the citation was checked, false (with a `note:`) when not")
            }
            if let code {
                let codeLine = f["code"]?.mark?.line ?? itemLine
                if !code.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                    report(codeLine, "\(path).code", "`\(code)` must be lowercase letters, digits and `-` only")
                } else if let first = seen[code] {
                    report(codeLine, "\(path).code", "`\(code)` is already the code of the exemption at line \(first): give each its own")
                } else {
                    seen[code] = codeLine
                }
            }
            if let citation, !citation.contains("RCW") && !citation.contains("U.S.C.") && !citation.contains("WAC") {
                report(f["citation"]?.mark?.line ?? itemLine, "\(path).citation", "`\(citation)` does not name a statute (e.g. `RCW 42.56.230(5)`)")
            }
            if confirmed == false, note == nil {
                report(itemLine, "\(path).note", "missing: an exemption not confirmed needs a `note:` saying what to check")
            }
            if let code, let citation, let title, let information, let stem, let confirmed {
                exemptions.append(
                    Exemption(
                        code: code, citation: citation, title: title, information: information, explanationStem: stem, confirmed: confirmed,
                        note: note))
            }
        }
        return exemptions
    }
}
