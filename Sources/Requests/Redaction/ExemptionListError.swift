public import Retention

/// One fault of an exemption list file, where it is: `file:line: field: message` (the field a
/// path such as `exemptions[2].citation`, counted from 1). The same form as a retention
/// catalog's faults.
public typealias ExemptionListProblem = CatalogProblem

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
