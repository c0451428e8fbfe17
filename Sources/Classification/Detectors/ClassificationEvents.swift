import Events
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// The event type of classification decisions (docs/classification.md).
public enum ClassificationEventType {
    public static let classified = EventType.Classification.classified

    /// Every type of this catalog.
    public static let all: Set<String> = [classified]
}

/// Who decided a category.
public enum ClassificationSource: Sendable, Hashable {
    /// The detectors, at ``SensitiveDataClassifier/detectorVersion``.
    case automatic
    /// A member of staff raising or lowering the category, with their reason.
    case staff(reason: String)

    var name: String {
        switch self {
        case .automatic: "automatic"
        case .staff: "staff"
        }
    }
}

/// Why a classification event could not be built.
public enum ClassificationEventError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A staff change needs a reason.
    case missingReason
    /// The target position is not a ledger position.
    case invalidTarget(Int64)

    public var description: String {
        switch self {
        case .missingReason: "a staff change of category needs a reason"
        case .invalidTarget(let position): "\(position) is not a ledger position: positions start at 1"
        }
    }
}

/// Builds `record.classified` events. Pure: the caller appends.
///
/// Header and payload are the same JSON object:
/// `{"v":1,"target_position":…,"category":1…4,"reasons":[{"kind":…,"count":…}],
/// "detector_version":…,"source":"automatic"|"staff","previous_category":…?,"reason":…?}`.
/// Reasons name kinds and counts, never the matched text; the staff reason is staff's own words.
public enum ClassificationEvents {
    /// The longest staff reason kept in the header.
    public static let maxReasonLength = 500

    /// - Parameters:
    ///   - stream: the classified message's stream.
    ///   - targetPosition: the position of the classified message's event.
    ///   - category: the decided category.
    ///   - reasons: the kinds found and their counts (for staff changes, usually the detector's).
    ///   - detectorVersion: the rules that found `reasons`.
    ///   - source: the detectors, or staff with a reason.
    ///   - previousCategory: the category before this decision, when there was one.
    ///   - actor: `system:classifier` for automatic decisions, `staff:<name>` for staff.
    /// - Throws: ``ClassificationEventError``.
    public static func classified(
        stream: String, targetPosition: Int64, category: DataCategory, reasons: [ClassificationReason],
        detectorVersion: String = SensitiveDataClassifier.detectorVersion, source: ClassificationSource,
        previousCategory: DataCategory? = nil, actor: String = "system:classifier", occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        guard targetPosition >= 1 else { throw ClassificationEventError.invalidTarget(targetPosition) }
        var members: [String: JSONValue] = [
            "v": .integer(1), "target_position": .integer(targetPosition), "category": .integer(Int64(category.rawValue)),
            "reasons": .array(reasons.map { .object(["kind": .string($0.kind.rawValue), "count": .integer(Int64($0.count))]) }),
            "detector_version": .string(detectorVersion), "source": .string(source.name),
        ]
        if let previousCategory { members["previous_category"] = .integer(Int64(previousCategory.rawValue)) }
        var dedupe: String?
        switch source {
        case .automatic:
            dedupe = "classify:auto:\(targetPosition):\(detectorVersion)"
        case .staff(let reason):
            let trimmed = reason.trimmingPrefixAndSuffixWhitespace()
            guard !trimmed.isEmpty else { throw ClassificationEventError.missingReason }
            members["reason"] = .string(String(trimmed.prefix(maxReasonLength)))
        }
        let json = try JSONValue.object(members).encoded()
        return NewEvent(
            stream: stream, eventType: ClassificationEventType.classified, occurredAt: occurredAt, actor: actor, dedupeKey: dedupe,
            header: String(decoding: json, as: UTF8.self), payload: json)
    }

    /// The automatic `record.classified` event for a classifier result.
    public static func classified(
        _ classification: SensitiveDataClassification, stream: String, targetPosition: Int64, previousCategory: DataCategory? = nil,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        try classified(
            stream: stream, targetPosition: targetPosition, category: classification.category, reasons: classification.reasons,
            detectorVersion: classification.detectorVersion, source: .automatic, previousCategory: previousCategory,
            occurredAt: occurredAt)
    }
}

extension String {
    fileprivate func trimmingPrefixAndSuffixWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
