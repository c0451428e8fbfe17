import Yams

extension RetentionCatalog {
    /// Reads a schedule catalog written in the YAML format of docs/records-officer.md ("The
    /// schedule catalog"), checking every rule there.
    ///
    /// - Parameters:
    ///   - yaml: The text of the file.
    ///   - file: The file's name as the records officer knows it; every problem names it.
    /// - Throws: ``RetentionCatalogError`` with every problem found, in the order of the file, each
    ///   with its line and field; never only the first.
    public init(yaml: String, file: String) throws(RetentionCatalogError) {
        var reader = CatalogReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw RetentionCatalogError([reader.syntaxProblem(error)])
        }
        let catalog = reader.catalog(root)
        guard let catalog, reader.problems.isEmpty else {
            throw RetentionCatalogError(reader.problems.sorted { $0.line < $1.line })
        }
        self = catalog
    }
}

/// The fields of a series, and of the catalog, as the file spells them.
enum CatalogField {
    static let catalog = ["name", "version", "default_series", "series"]
    static let series = [
        "dan", "revision", "title", "description", "retention", "trigger", "final_action", "designation", "confirmed",
        "two_person_approval",
    ]
    static let designation = ["archival", "essential", "office"]
    static let trigger = ["event"]
    /// The text of a retention that a records officer ends by decision.
    static let untilNoLongerNeeded = "until no longer needed"
}

/// Reads a composed YAML tree into a catalog, collecting every problem on the way.
struct CatalogReader {
    let file: String
    private(set) var problems: [CatalogProblem] = []
    /// Every citation read so far, with its DAN and line, even of a series with faults elsewhere.
    var citations: [(citation: String, dan: String, line: Int)] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(line: Int, field: String, _ message: String) {
        problems.append(CatalogProblem(file: file, line: line, field: field, message: message))
    }

    /// The one problem of a file that is not YAML at all.
    func syntaxProblem(_ error: any Error) -> CatalogProblem {
        let advice = "this file is not valid YAML"
        guard let error = error as? YamlError else {
            return CatalogProblem(file: file, line: 0, field: "", message: "\(advice): \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text), from line \($0.mark.line))" } ?? ""
            return CatalogProblem(
                file: file, line: mark.line, field: "",
                message: "\(advice): \(problem)\(during); check the indentation and the `field: value` form of this line and the one before")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return CatalogProblem(
                file: file, line: context.mark.line, field: "",
                message: "the field \(names) is written twice in the same place; keep one")
        default:
            return CatalogProblem(file: file, line: 0, field: "", message: "\(advice): \(error)")
        }
    }

    mutating func catalog(_ root: Node?) -> RetentionCatalog? {
        guard let root else {
            report(line: 1, field: "", "the file is empty: a catalog has a name, a version, a default_series and its series")
            return nil
        }
        guard let fields = mapping(root, path: "", allowed: CatalogField.catalog, what: "the catalog") else { return nil }
        let name = text(fields, "name")
        let version = text(fields, "version")
        let defaultSeries = text(fields, "default_series")
        let series = seriesList(fields)
        if let defaultSeries, !citations.isEmpty, !citations.contains(where: { $0.citation == defaultSeries }) {
            let sameDAN = citations.filter { $0.dan == defaultSeries }.map { "`\($0.citation)`" }
            let hint =
                sameDAN.isEmpty
                ? "the series are: \(citations.map { "`\($0.citation)`" }.joined(separator: ", "))"
                : "did you mean \(sameDAN.joined(separator: " or "))? Write the revision as the schedule prints it"
            report(
                line: fields.line("default_series"), field: "default_series",
                "`\(defaultSeries)` is not a series of this file; \(hint)")
        }
        guard let name, let version, let defaultSeries, let series else { return nil }
        return RetentionCatalog(name: name, version: version, defaultSeries: defaultSeries, series: series)
    }

    private mutating func seriesList(_ fields: Fields) -> [RetentionSeries]? {
        guard let node = fields.value("series") else {
            report(line: fields.line, field: "series", "missing: the catalog needs `series:`, a list of at least one series")
            return nil
        }
        guard case .sequence(let list) = node else {
            if case .scalar(let scalar) = node, scalar.string.isEmpty {
                report(line: fields.line("series"), field: "series", "the catalog has no series: list at least one under `series:`")
            } else {
                report(line: fields.line("series"), field: "series", "must be a list of series, each starting with `- dan:`")
            }
            return nil
        }
        if list.isEmpty {
            report(line: fields.line("series"), field: "series", "the catalog has no series: list at least one under `series:`")
            return nil
        }
        var read: [RetentionSeries] = []
        var complete = true
        for (index, item) in list.enumerated() {
            if let one = series(item, path: "series[\(index + 1)]") {
                read.append(one)
            } else {
                complete = false
            }
        }
        return complete ? read : nil
    }
}
