public import Classification
public import RecordkeeperCore
import WhatsApp

/// What a reader sees of a message, given its data category and the reader's clearance
/// (docs/access.md, "Masking").
///
/// - No clearance at all (auditors, admins without a break-glass reason): the content is withheld.
/// - A category at or below the clearance: shown as recorded.
/// - A category above the clearance, decided by the detectors: every text of the message is
///   shown with what the detectors find masked (`•••-••-6789`).
/// - A category above the clearance that staff raised by hand (the detectors found nothing to
///   mask), or category 4 (special handling: health terms give away what they are about even
///   masked): withheld.
/// - Not classified yet (the classifier has not reached it): treated as category 4 until it is
///   (fail closed), so only a category-4 clearance sees it.
public enum ContentMasking {
    /// The category a message counts as while its classification is pending.
    public static let unclassifiedCategory: DataCategory = .specialHandling

    /// The timeline item as `clearance` may see it (``TimelineItem/masked`` set when masked).
    public static func apply(_ item: TimelineItem, clearance: DataCategory?) -> TimelineItem {
        var item = item
        guard let clearance else {
            if case .available = item.content { item.content = .withheld(category: item.classification?.category ?? unclassifiedCategory) }
            return item
        }
        guard let classification = item.classification else {
            if clearance < unclassifiedCategory, case .available = item.content {
                item.content = .withheld(category: nil)
                item.masked = true
            }
            return item
        }
        guard classification.category > clearance else { return item }
        guard case .available(let message, let profile) = item.content else { return item }
        if classification.source != "automatic" || classification.category == .specialHandling {
            item.content = .withheld(category: classification.category)
            return item
        }
        item.content = .available(message: mask(message), profile: profile)
        item.masked = true
        return item
    }

    /// Every string of `value` with the detectors' findings masked.
    public static func mask(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            let findings = SensitiveDataClassifier.findings(in: text)
            return findings.isEmpty ? value : .string(SensitiveDataMasker.mask(text, findings: findings))
        case .array(let elements):
            return .array(elements.map(mask))
        case .object(let members):
            return .object(members.mapValues(mask))
        default:
            return value
        }
    }

    /// A text with the detectors' findings masked.
    public static func mask(text: String) -> String {
        let findings = SensitiveDataClassifier.findings(in: text)
        return findings.isEmpty ? text : SensitiveDataMasker.mask(text, findings: findings)
    }
}
