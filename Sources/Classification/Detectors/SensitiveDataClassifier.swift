/// Classifies a message's text with every detector: the category is the highest any finding
/// implies (category 1 when nothing is found), the reasons count findings per kind.
///
/// Pure and deterministic: the same text and ``detectorVersion`` always give the same result.
public enum SensitiveDataClassifier {
    /// The version of the detection rules. Bump it whenever a rule, a word list or a category
    /// mapping changes, so that `record.classified` events say which rules decided.
    public static let detectorVersion = "sdd-1"

    /// When two findings overlap, the one whose kind comes first here is kept.
    static let precedence: [SensitiveDataKind] = [.paymentCard, .ssn, .bankRouting, .bankAccount, .driversLicense, .dateOfBirth, .health]

    /// Every finding in `text`, in text order, overlaps resolved.
    public static func findings(in text: String) -> [SensitiveFinding] {
        let scan = ScanText(text)
        let all =
            NumberDetectors.findings(in: scan) + LicenceDetector.findings(in: scan) + BirthDateDetector.findings(in: scan)
            + HealthTermDetector.findings(in: scan)
        let ranked = all.sorted {
            let left = precedence.firstIndex(of: $0.kind)!
            let right = precedence.firstIndex(of: $1.kind)!
            return left != right ? left < right : $0.utf8Range.lowerBound < $1.utf8Range.lowerBound
        }
        var kept: [SensitiveFinding] = []
        for finding in ranked where !kept.contains(where: { $0.utf8Range.overlaps(finding.utf8Range) }) { kept.append(finding) }
        return kept.sorted { $0.utf8Range.lowerBound < $1.utf8Range.lowerBound }
    }

    /// The classification of `text`.
    public static func classify(_ text: String) -> SensitiveDataClassification {
        SensitiveDataClassification(findings: findings(in: text))
    }
}

/// One reason for a category: a kind of finding and how many there were. Never the text.
public struct ClassificationReason: Sendable, Hashable, Codable {
    public var kind: SensitiveDataKind
    public var count: Int

    public init(kind: SensitiveDataKind, count: Int) {
        self.kind = kind
        self.count = count
    }
}

/// What the classifier concluded about one text.
public struct SensitiveDataClassification: Sendable, Hashable {
    public var category: DataCategory
    /// One per kind found, ordered by kind name.
    public var reasons: [ClassificationReason]
    public var detectorVersion: String
    /// Where each finding is (UTF-8 offsets into the classified text), for masking.
    public var findings: [SensitiveFinding]

    public init(findings: [SensitiveFinding], detectorVersion: String = SensitiveDataClassifier.detectorVersion) {
        self.findings = findings
        self.detectorVersion = detectorVersion
        category = DataCategory.highest(findings.map(\.category))
        var counts: [SensitiveDataKind: Int] = [:]
        for finding in findings { counts[finding.kind, default: 0] += 1 }
        reasons = counts.keys.sorted().map { ClassificationReason(kind: $0, count: counts[$0]!) }
    }
}
