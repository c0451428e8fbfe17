import Foundation
import Retention

/// How the records officer's pages write retention values as text a person reads.
enum RecordsText {
    /// `2026-12-07 14:05 UTC`, and its machine-readable form for `<time datetime>`.
    static func time(_ date: Date) -> [String: Any] {
        let iso = date.ISO8601Format()
        return ["text": String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC", "iso": iso]
    }

    /// `2026-12-07`, and its machine-readable form.
    static func day(_ date: Date) -> [String: Any] {
        let iso = date.ISO8601Format()
        return ["text": String(iso.prefix(10)), "iso": String(iso.prefix(10))]
    }

    /// `6 years`, `1 year 6 months`, `until no longer needed`.
    static func period(_ period: RetentionPeriod) -> String {
        switch period {
        case .untilNoLongerNeeded: return "Until no longer needed for agency business"
        case .period(let years, let months, let days):
            let parts = [(years, "year"), (months, "month"), (days, "day")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
            return parts.isEmpty ? "None" : parts.joined(separator: " ")
        }
    }

    /// What starts the retention period, in words.
    static func trigger(_ trigger: RetentionTrigger) -> String {
        switch trigger {
        case .communication: return "The communication was received or sent"
        case .conversationClosed: return "The conversation was closed"
        case .requestClosed: return "The public records request was closed"
        case .event(let type): return "The event \(type)"
        }
    }

    /// The final action, in words.
    static func finalAction(_ action: FinalAction) -> String {
        switch action {
        case .destroy: return "Destroy"
        case .transfer: return "Transfer to the archives"
        case .review: return "Review record by record"
        }
    }

    /// The designation, in words: `Non-archival, essential, OPR`.
    static func designation(_ designation: Designation) -> String {
        let archival =
            switch designation.archival {
            case .permanent: "Archival (permanent retention)"
            case .appraisalRequired: "Archival (appraisal required)"
            case .nonArchival: "Non-archival"
            }
        return [archival, designation.essential ? "essential" : "not essential", designation.office.rawValue].joined(separator: ", ")
    }

    /// A hold type, in words.
    static func holdType(_ type: LegalHoldType) -> String {
        switch type {
        case .litigation: return "Litigation"
        case .publicRecordsRequest: return "Public records request"
        case .audit: return "Audit"
        case .investigation: return "Investigation"
        }
    }

    /// A comma-separated form field as a list of values (blanks dropped).
    static func values(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// A `YYYY-MM-DD` day of a date field: its start, or the start of the next day for
    /// `endOfDay` (as `/v1` reads `scope.to`); nil when the text is not such a day.
    static func date(_ text: String, endOfDay: Bool) -> Date? {
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = day.date(from: text) else { return nil }
        return endOfDay ? date.addingTimeInterval(86_400) : date
    }
}
