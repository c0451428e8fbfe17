import Disposition
import Foundation
import Retention
import WebFoundation

/// The review form of a disposition list: the records ticked (`record-<n>` checkboxes, one name
/// each, since a form body keeps one value a name), the decision, its reason and a deferral's
/// date, and the errors tied to them.
struct RecordsReviewForm {
    var selected: Set<String> = []
    var decisionValue = ""
    var reason = ""
    var until = ""
    /// Errors by field: `records`, `decision`, `review-reason`, `review-until`, `form`.
    var errors: [String: String] = [:]

    init() {}

    init(_ form: FormBody) {
        selected = Set(form.fields.filter { $0.key.hasPrefix("record-") }.map(\.value).filter { !$0.isEmpty })
        decisionValue = form.trimmed("decision") ?? ""
        reason = form.trimmed("review-reason") ?? ""
        until = form.trimmed("review-until") ?? ""
    }

    /// The decision, records and deferral date as `POST /v1/…/review` takes them; nil with
    /// ``errors`` set when the form cannot be read.
    mutating func decision() -> (decision: DispositionEvents.Decision, records: [RetentionRecordID], until: Date?)? {
        let decision = DispositionEvents.Decision(rawValue: decisionValue)
        if decision == nil { errors["decision"] = "Choose what to do with the selected records." }
        if selected.isEmpty { errors["records"] = "Select at least one record of the list." }
        var records: [RetentionRecordID] = []
        for text in selected.sorted() {
            guard let record = RetentionRecordID(text) else {
                errors["records"] = WebApplication.recordsSentence(DispositionError.invalidRecord(text).description)
                continue
            }
            records.append(record)
        }
        var date: Date?
        if decision == .defer {
            if until.isEmpty {
                errors["review-until"] = "A deferral needs the day it ends."
            } else if let day = RecordsText.date(until, endOfDay: false) {
                date = day
            } else {
                errors["review-until"] = "Enter a date such as 2027-03-31."
            }
        }
        guard let decision, errors.isEmpty else { return nil }
        return (decision, records, date)
    }

    /// Ties the domain's refusal to the field it is about.
    mutating func refused(_ error: DispositionError) {
        let message = WebApplication.recordsSentence(error.description)
        switch error {
        case .missingReason: errors["review-reason"] = message
        case .deferralNotLater: errors["review-until"] = message
        case .notOnList, .invalidRecord: errors["records"] = message
        case .confirmNotNeeded: errors["decision"] = message
        default: errors["form"] = message
        }
    }

    func context(reviewList: Bool) -> [String: Any] {
        var decisions: [(String, String)] = [("exclude", "Exclude: keep these records"), ("defer", "Defer: decide again after a date")]
        if reviewList { decisions.insert(("confirm", "Confirm for disposition"), at: 0) }
        var context: [String: Any] = [
            "decisions": decisions.map { ["value": $0.0, "title": $0.1, "checked": $0.0 == decisionValue] },
            "reasonField": FormField(id: "review-reason", label: "Reason", value: reason, error: errors["review-reason"]).context,
            "untilField": FormField(
                id: "review-until", label: "Deferred until (deferrals only)", value: until,
                hint: "The day the deferral ends, as year-month-day, such as 2027-03-31.",
                error: errors["review-until"], required: false
            ).context,
        ]
        if let error = errors["records"] { context["recordsError"] = ["text": error] }
        if let error = errors["decision"] { context["decisionError"] = ["text": error] }
        if let error = errors["form"] { context["formError"] = ["text": error] }
        if !errors.isEmpty { context["hasErrors"] = true }
        return context
    }
}
