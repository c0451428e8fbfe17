/// One fault of an exemption list file, where it is: `file:line: field: message`.
public struct ExemptionListProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the fault is the file's as a whole.
    public var line: Int
    /// The field as a path, `exemptions[2].citation` (counted from 1); empty when the file is not YAML.
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(field): \(message)" }
}

/// An exemption list file that cannot be used, with every fault found (not only the first).
public struct ExemptionListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [ExemptionListProblem]

    public init(_ problems: [ExemptionListProblem]) {
        self.problems = problems
    }

    public var description: String {
        "the exemption list cannot be used (see config/exemptions/washington.yaml for the form):\n"
            + problems.map(\.description).joined(separator: "\n")
    }
}
