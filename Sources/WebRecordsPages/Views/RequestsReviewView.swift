import Requests
import WebFoundation

/// The redaction review as its page shows it: messages with the suggested spans marked, one form
/// per suggestion and one per message, the exemption picker, the redactions and their forms.
struct ReviewView {
    let exemptions: [Exemption]
    /// The search whose messages are shown (the forms send it back).
    let search: Int
    let errors: ReviewErrors

    /// An exemption of the list, with what it covers.
    static func exemption(_ exemption: Exemption) -> [String: Any] {
        var context: [String: Any] = [
            "code": exemption.code, "citation": exemption.citation, "title": exemption.title, "information": exemption.information,
            "stem": exemption.explanationStem,
        ]
        if let note = exemption.note, !exemption.confirmed { context["note"] = note }
        return context
    }

    /// The exemption picker's options: each exemption's citation and title.
    var options: [(value: String, title: String)] {
        exemptions.map { ($0.code, "\($0.citation): \($0.title)") }
    }

    /// The exemption and explanation fields of the form `key`, `exemption` chosen unless the form
    /// was sent back with another.
    func decisionFields(key: String, exemption: String) -> [String: Any] {
        let mine = errors.form == key
        return [
            "exemption": RequestsField(
                id: "\(key)-exemption", label: "Exemption", name: "exemption", value: mine ? errors.values["exemption"] ?? exemption : exemption,
                hint: "The exemptions' citations and what they cover are listed under “Exemptions” on this page.",
                error: mine ? errors.exemption : nil, options: options
            ).context,
            "explanation": RequestsField(
                id: "\(key)-explanation", label: "How the exemption applies to this record", name: "explanation",
                value: mine ? errors.values["explanation"] ?? "" : "",
                hint: "In at least \(ExplanationRule.minimumOwnWords) words of your own, beyond the citation (RCW 42.56.210(3)).",
                error: mine ? errors.explanation : nil, rows: 3
            ).context,
        ]
    }

    /// One message: its text with the suggestions marked, their forms, the whole-message form.
    func message(_ message: ReviewMessage) -> [String: Any] {
        var context: [String: Any] = ["position": message.position, "search": search]
        if let text = message.text {
            context["segments"] = Self.segments(text, message.suggestions)
            context["readable"] = true
        } else {
            context["unreadable"] = message.why ?? "it cannot be read"
        }
        if !message.media.isEmpty { context["media"] = message.media.joined(separator: ", ") }
        context["suggestions"] = message.suggestions.enumerated().map { element -> [String: Any] in
            let (index, suggestion) = element
            let key = "s-\(message.position)-\(suggestion.start)"
            var item = decisionFields(key: key, exemption: suggestion.exemption.code)
            item.merge(
                [
                    "key": key, "label": "S\(index + 1)", "matched": suggestion.matched, "detector": PageText.words(suggestion.detector),
                    "citation": suggestion.exemption.citation, "start": suggestion.start, "length": suggestion.length,
                ], uniquingKeysWith: { $1 })
            return item
        }
        context["hasSuggestions"] = !message.suggestions.isEmpty
        var whole = decisionFields(key: "m-\(message.position)", exemption: exemptions.first?.code ?? "")
        whole["key"] = "m-\(message.position)"
        context["whole"] = whole
        return context
    }

    /// The text cut into plain and marked pieces at the suggestions' scalar offsets; a
    /// suggestion overlapping an earlier one is not marked again.
    static func segments(_ text: String, _ suggestions: [RedactionSuggestion]) -> [[String: Any]] {
        let scalars = Array(text.unicodeScalars)
        func piece(_ from: Int, _ to: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<to])
            return String(view)
        }
        var segments: [[String: Any]] = []
        var cursor = 0
        for (index, suggestion) in suggestions.enumerated() {
            let end = suggestion.start + suggestion.length
            guard suggestion.start >= cursor, suggestion.length > 0, end <= scalars.count else { continue }
            if suggestion.start > cursor { segments.append(["text": piece(cursor, suggestion.start)]) }
            segments.append([
                "text": piece(suggestion.start, end), "mark": ["label": "S\(index + 1)", "citation": suggestion.exemption.citation],
            ])
            cursor = end
        }
        if cursor < scalars.count { segments.append(["text": piece(cursor, scalars.count)]) }
        return segments
    }

    /// One redaction: what it takes out, under what, where it stands; its review and withdrawal forms.
    func redaction(_ redaction: Redaction) -> [String: Any] {
        let number = String(redaction.id.dropFirst())
        let what: String =
            switch redaction.target {
            case .span(let start, let length): "characters \(start + 1) to \(start + length) of the message"
            case .message: "the whole message (withheld)"
            case .media(let media): "the media file \(media) (withheld)"
            }
        var context: [String: Any] = [
            "id": redaction.id, "number": number, "position": redaction.messagePosition, "what": what, "citation": redaction.citation,
            "exemption": redaction.exemption, "state": PageText.words(redaction.state.rawValue), "appliedBy": redaction.appliedBy,
            "appliedAt": PageText.time(redaction.appliedAt), "search": search,
        ]
        if let explanation = redaction.explanation { context["explanation"] = explanation }
        if let reason = redaction.reason { context["reason"] = reason }
        if let reviewer = redaction.reviewedBy { context["reviewedBy"] = reviewer }
        let reviewKey = "\(redaction.id)-review"
        let withdrawKey = "\(redaction.id)-withdraw"
        if redaction.state == .applied {
            context["review"] = [
                "reason": RequestsField(
                    id: "\(reviewKey)-reason", label: "Reason (needed to return it)", name: "reason", value: "",
                    error: errors.form == reviewKey ? errors.reason : nil, required: false, rows: 2
                ).context
            ]
        }
        if redaction.state != .withdrawn {
            context["withdraw"] = [
                "reason": RequestsField(
                    id: "\(withdrawKey)-reason", label: "Why it is withdrawn", name: "reason", value: "",
                    error: errors.form == withdrawKey ? errors.reason : nil, rows: 2
                ).context
            ]
        }
        if errors.form == reviewKey || errors.form == withdrawKey, let summary = errors.summary { context["formError"] = summary }
        return context
    }
}
