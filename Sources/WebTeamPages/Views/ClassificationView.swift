import Classification
import Foundation
import WebFoundation

/// What the classification form holds after a refusal: the chosen category, the reason, and
/// the errors by field id (`classification-category`, `classification-reason`).
struct ClassificationForm {
    var category = ""
    var reason = ""
    var errors: [String: String] = [:]
}

/// The classification page's context (`classification.mustache`): the message (never its
/// content), its category and how it was decided, and the change form.
struct ClassificationView {
    let decision: MessageCategoryDecision
    let conversationPath: String
    let citizen: String
    let form: ClassificationForm
    let csrf: String

    /// A category's number and name (docs/classification.md, OCIO 141.10).
    static func categoryText(_ category: DataCategory) -> String {
        let name =
            switch category {
            case .publicInformation: "Public"
            case .sensitive: "Sensitive"
            case .confidential: "Confidential"
            case .specialHandling: "Confidential, special handling"
            }
        return "Category \(category.rawValue): \(name)"
    }

    var context: [String: Any] {
        let current = decision.category
        var context: [String: Any] = [
            "position": String(decision.position), "conversationPath": conversationPath, "citizen": citizen,
            "direction": decision.direction == "inbound" ? "From the citizen" : "Sent by the agency",
            "kind": decision.messageType.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? "Unknown",
            "time": PageText.timeText(decision.occurredAt), "timeISO": decision.occurredAt.ISO8601Format(),
            "category": current.map(Self.categoryText) ?? "Not classified yet: until it is, only staff cleared for category 4 see it",
            "csrf": csrf, "formAction": "\(conversationPath)/messages/\(decision.position)/classification",
            "categoryField": RequestsField(
                id: "classification-category", label: "New data category", name: "category",
                value: form.category.isEmpty ? current.map { String($0.rawValue) } ?? "" : form.category,
                hint: "Raise it when the message holds more than the detectors saw; lower it when they erred high.",
                error: form.errors["classification-category"],
                options: [("", "Choose a category")] + DataCategory.allCases.map { (String($0.rawValue), Self.categoryText($0)) }
            ).context,
            "reasonField": RequestsField(
                id: "classification-reason", label: "Reason for the change", name: "reason", value: form.reason,
                hint: "Recorded in the ledger with the change, under your name (at most 500 characters are kept). Do not copy the message's content here.",
                error: form.errors["classification-reason"], rows: 3
            ).context,
        ]
        if let how { context["how"] = ["text": how] }
        return context
    }

    /// How the category in force was decided, in words; nil while unclassified.
    private var how: String? {
        guard decision.category != nil else { return nil }
        var text: String
        if decision.source == "staff" {
            text = "Set by \(decision.decidedBy ?? "a member of staff")"
            if let time = decision.decidedTime { text += " on \(PageText.timeText(time))" }
            if let previous = decision.previousCategory { text += ", changed from category \(previous.rawValue)" }
            if let reason = decision.staffReason { text += ". Reason given: “\(reason)”" }
        } else {
            text = "Decided by the detectors"
            if let version = decision.detectorVersion { text += " (rules \(version))" }
            text += decision.reasons.isEmpty ? ", which found nothing sensitive" : ", which found: \(decision.reasons.joined(separator: ", "))"
            if let time = decision.decidedTime { text += ", on \(PageText.timeText(time))" }
        }
        return text + "."
    }
}
