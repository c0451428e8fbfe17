public import Classification

/// One exemption of the exemption list: what a redaction or a withholding cites
/// (RCW 42.56.210(3): the specific exemption and a brief explanation of how it applies).
public struct Exemption: Sendable, Hashable {
    /// The list's short name for it, e.g. `financial-account` (lowercase letters, digits, `-`).
    public var code: String
    /// The specific exemption, e.g. `RCW 42.56.230(5)`.
    public var citation: String
    /// What it is called, e.g. `Credit card, debit card and bank account numbers`.
    public var title: String
    /// The kind of information it covers, for the officer choosing it.
    public var information: String
    /// How an explanation may start. It is boilerplate: an explanation must add words of its own
    /// about the record (``ExplanationRule``).
    public var explanationStem: String
    /// Whether the citation was checked against the project's reference notes; when false,
    /// ``note`` says what is not confirmed.
    public var confirmed: Bool
    public var note: String?

    public init(
        code: String, citation: String, title: String, information: String, explanationStem: String, confirmed: Bool, note: String? = nil
    ) {
        self.code = code
        self.citation = citation
        self.title = title
        self.information = information
        self.explanationStem = explanationStem
        self.confirmed = confirmed
        self.note = note
    }
}

/// A configured term: a word or phrase the agency always reviews, with the exemption it suggests.
public struct ExemptionTerm: Sendable, Hashable {
    public var term: String
    /// The code of an exemption of the same list.
    public var exemption: String

    public init(term: String, exemption: String) {
        self.term = term
        self.exemption = exemption
    }
}

/// The exemption list in force (`config/exemptions/washington.yaml`, or the file named by
/// `RECORDKEEPER_EXEMPTIONS_FILE`): the exemptions, which one each detector's findings suggest,
/// and the configured terms.
public struct ExemptionList: Sendable, Hashable {
    public var name: String
    public var version: String
    /// In the file's order.
    public var exemptions: [Exemption]
    /// The exemption code each detector's findings suggest; a detector not here suggests nothing.
    public var detectors: [SensitiveDataKind: String]
    public var terms: [ExemptionTerm]

    public init(name: String, version: String, exemptions: [Exemption], detectors: [SensitiveDataKind: String], terms: [ExemptionTerm] = []) {
        self.name = name
        self.version = version
        self.exemptions = exemptions
        self.detectors = detectors
        self.terms = terms
    }

    /// The exemption of `code`, or nil.
    public func exemption(_ code: String) -> Exemption? { exemptions.first { $0.code == code } }

    /// The exemption a detector's finding suggests, or nil when the detector is not mapped.
    public func suggested(for kind: SensitiveDataKind) -> Exemption? { detectors[kind].flatMap(exemption) }
}
