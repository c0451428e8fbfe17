/// The schedule catalog an agency loads (`recordkeeper retention load FILE`): the series its
/// records are filed into, and the one a record goes to when no filing rule matches.
public struct RetentionCatalog: Sendable, Hashable, Codable {
    /// The catalog's name, e.g. `washington-core`.
    public var name: String
    /// The agency's version of this catalog, e.g. `2026-12`.
    public var version: String
    /// The DAN (with revision: ``RetentionSeries/citation``) of the default series.
    public var defaultSeries: String
    public var series: [RetentionSeries]

    public init(name: String, version: String, defaultSeries: String, series: [RetentionSeries]) {
        self.name = name
        self.version = version
        self.defaultSeries = defaultSeries
        self.series = series
    }
}

/// One fault of a catalog file: where it is and what is wrong.
public struct CatalogProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the fault is the file's as a whole.
    public var line: Int
    /// The field, as a path: `series[2].retention` (series counted from 1); empty when the fault
    /// is not one field's (a file that is not YAML).
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: field: message` (`file:line: message` without a field), as compilers print faults.
    public var description: String { field.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(field): \(message)" }
}

/// A catalog file that cannot be loaded, with every fault found (not only the first).
public struct RetentionCatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [CatalogProblem]

    public init(_ problems: [CatalogProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
