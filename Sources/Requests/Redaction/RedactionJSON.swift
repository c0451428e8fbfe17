import Classification
import Foundation

/// The JSON forms of exemptions, suggestions and redactions that the CLI's `--json` and the
/// HTTP API print.
public enum RedactionJSON {
    public static func exemption(_ e: Exemption) -> [String: Any] {
        var object: [String: Any] = [
            "code": e.code, "citation": e.citation, "title": e.title, "information": e.information, "explanation_stem": e.explanationStem,
            "confirmed": e.confirmed,
        ]
        if let note = e.note { object["note"] = note }
        return object
    }

    public static func list(_ list: ExemptionList) -> [String: Any] {
        [
            "name": list.name, "version": list.version, "exemptions": list.exemptions.map(exemption),
            "detectors": Dictionary(uniqueKeysWithValues: list.detectors.map { ($0.key.rawValue, $0.value) }),
            "terms": list.terms.map { ["term": $0.term, "exemption": $0.exemption] },
            "explanation_rule": "at least \(ExplanationRule.minimumOwnWords) words of its own beyond the exemption's citation, title and stem",
        ]
    }

    public static func suggestion(_ s: RedactionSuggestion) -> [String: Any] {
        [
            "message_position": s.messagePosition, "start": s.start, "length": s.length, "detector": s.detector, "matched": s.matched,
            "exemption": s.exemption.code, "citation": s.exemption.citation, "confirmed": s.exemption.confirmed,
            "explanation_stem": s.exemption.explanationStem,
        ]
    }

    public static func redaction(_ r: Redaction) -> [String: Any] {
        var object: [String: Any] = [
            "request": r.request, "redaction": r.id, "message_position": r.messagePosition, "kind": r.target.kind, "exemption": r.exemption,
            "citation": r.citation, "state": r.state.rawValue, "applied_position": r.appliedPosition, "applied_by": r.appliedBy,
            "applied_at": ISO8601DateFormatter().string(from: r.appliedAt),
        ]
        switch r.target {
        case .span(let start, let length):
            object["start"] = start
            object["length"] = length
        case .media(let media): object["media_id"] = media
        case .message: break
        }
        if let by = r.reviewedBy { object["reviewed_by"] = by }
        if let explanation = r.explanation { object["explanation"] = explanation }
        if let reason = r.reason { object["reason"] = reason }
        return object
    }

    /// One line for people: `R1  applied  position 42  span 10:11  ssn (RCW 42.56.250)`.
    public static func line(_ r: Redaction) -> String {
        let what: String =
            switch r.target {
            case .span(let start, let length): "span \(start):\(length)"
            case .message: "whole message"
            case .media(let media): "media \(media)"
            }
        var line = "\(r.id)  \(r.state.rawValue)  position \(r.messagePosition)  \(what)  \(r.exemption) (\(r.citation))"
        if let explanation = r.explanation { line += "\n    explanation: \(explanation)" }
        if let reason = r.reason { line += "\n    \(r.state == .withdrawn ? "withdrawn" : "returned"): \(reason)" }
        return line
    }
}
