import Foundation
import Retention
import WebFoundation

/// The form that files one record into a series by hand, with the errors tied to its fields.
struct RecordsFilingForm {
    var record = ""
    var series = ""
    var reason = ""
    var errors: [String: String] = [:]

    init() {}

    init(_ form: FormBody) {
        record = form.trimmed("filing-record") ?? ""
        series = form.trimmed("filing-series") ?? ""
        reason = form.trimmed("filing-reason") ?? ""
    }

    /// The record to file; nil with ``errors`` set when a field is missing or unreadable.
    mutating func checked() -> RetentionRecordID? {
        if series.isEmpty { errors["filing-series"] = "Enter the series to file the record in, such as GS2010-001." }
        if reason.isEmpty { errors["filing-reason"] = "Enter why the record belongs in this series." }
        guard !record.isEmpty else {
            errors["filing-record"] = "Enter the record, as the list above shows it."
            return nil
        }
        guard let id = RetentionRecordID(record) else {
            errors["filing-record"] = WebApplication.recordsSentence(RetentionFilingError.notARecord(record).description)
            return nil
        }
        return errors.isEmpty ? id : nil
    }

    /// Ties the domain's refusal to the field it is about.
    mutating func refused(_ error: RetentionFilingError) {
        let message = WebApplication.recordsSentence(error.description)
        switch error {
        case .notARecord, .unknownRecord, .destroyed: errors["filing-record"] = message
        case .unknownSeries, .supersededSeries, .noCatalog: errors["filing-series"] = message
        case .emptyReason: errors["filing-reason"] = message
        }
    }

    var context: [String: Any] {
        var context: [String: Any] = [
            "fields": [
                FormField(
                    id: "filing-record", label: "Record", value: record, hint: "Its id, such as wa/123/p:15551234567@2026-03.", error: errors["filing-record"]
                )
                .context,
                FormField(
                    id: "filing-series", label: "Series", value: series, hint: "A DAN of the schedule, such as GS2010-001.", error: errors["filing-series"]
                )
                .context,
                FormField(id: "filing-reason", label: "Reason", value: reason, error: errors["filing-reason"]).context,
            ]
        ]
        if !errors.isEmpty { context["hasErrors"] = true }
        return context
    }
}
