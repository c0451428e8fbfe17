import Foundation
import Messaging
import Retention
import WebFoundation

/// The form that places a legal hold: what was entered, and the errors tied to its fields.
struct RecordsHoldForm {
    var values: [String: String] = [:]
    /// Errors by field id; `scope` is the scope group's, `form` the form's own.
    var errors: [String: String] = [:]

    static let scopeFields = ["scope-citizens", "scope-conversations", "scope-business-numbers", "scope-teams", "scope-from", "scope-to"]

    init() {}

    init(_ form: FormBody) {
        for name in ["hold-type", "hold-matter", "hold-custodian", "hold-reason"] + Self.scopeFields { values[name] = form.trimmed(name) ?? "" }
    }

    /// The request as `POST /v1/retention/holds` builds it (conversations by their API ids,
    /// days as in `scope.from` and `scope.to`); nil with ``errors`` set when a field cannot be read.
    mutating func request(ids: ConversationIDCodec) -> LegalHoldRequest? {
        let type = LegalHoldType(rawValue: values["hold-type"] ?? "")
        if type == nil { errors["hold-type"] = "Choose what kind of hold this is." }
        var dates: [String: Date] = [:]
        for (field, endOfDay) in [("scope-from", false), ("scope-to", true)] {
            guard let text = values[field], !text.isEmpty else { continue }
            if let date = RecordsText.date(text, endOfDay: endOfDay) {
                dates[field] = date
            } else {
                errors[field] = "Enter a date such as 2026-03-31."
            }
        }
        guard let type, errors.isEmpty else { return nil }
        return LegalHoldRequest(
            type: type, matter: values["hold-matter"] ?? "", custodian: values["hold-custodian"] ?? "", reason: values["hold-reason"] ?? "",
            scope: LegalHoldScope(
                conversations: RecordsText.values(values["scope-conversations"]).map { ids.conversationID(fromAPIID: $0) ?? $0 },
                citizens: RecordsText.values(values["scope-citizens"]), businessNumbers: RecordsText.values(values["scope-business-numbers"]),
                teams: RecordsText.values(values["scope-teams"]), from: dates["scope-from"], to: dates["scope-to"]))
    }

    /// Ties the domain's refusal to the field it is about.
    mutating func refused(_ error: LegalHoldError) {
        let message = WebApplication.recordsSentence(error.description)
        switch error {
        case .emptyScope: errors["scope"] = message
        case .missing(let field) where ["matter", "custodian", "reason"].contains(field): errors["hold-\(field)"] = "Enter the hold's \(field)."
        case .invalidCitizen: errors["scope-citizens"] = message
        case .emptyDateRange: errors["scope-to"] = message
        default: errors["form"] = message
        }
    }

    var context: [String: Any] {
        let scopeDescribed = errors["scope"] != nil ? ["scope-error"] : []
        func field(_ id: String, _ label: String, hint: String? = nil, type: String = "text", required: Bool = false) -> [String: Any] {
            FormField(
                id: id, label: label, type: type, value: values[id] ?? "", hint: hint, error: errors[id], required: required,
                describedBy: id.hasPrefix("scope-") ? scopeDescribed : []
            ).context
        }
        let chosen = values["hold-type"] ?? ""
        var context: [String: Any] = [
            "types": LegalHoldType.allCases.map { ["value": $0.rawValue, "title": RecordsText.holdType($0), "selected": $0.rawValue == chosen] },
            "fields": [
                field("hold-matter", "Matter reference", hint: "A case number, request tracking number or audit reference.", required: true),
                field("hold-custodian", "Custodian", hint: "Who is responsible for the records under the hold.", required: true),
                field("hold-reason", "Reason", required: true),
            ],
            "scopeFields": [
                field("scope-citizens", "Citizens", hint: "Phone numbers with their country code (+15551234567) or WhatsApp user ids, separated by commas."),
                field("scope-conversations", "Conversations", hint: "Conversation ids, separated by commas."),
                field("scope-business-numbers", "Business numbers", hint: "Phone number ids of the agency's WhatsApp numbers, separated by commas."),
                field("scope-teams", "Teams", hint: "Team names, separated by commas."),
                field("scope-from", "Records with activity on or after", hint: "A day as year-month-day, such as 2026-03-01."),
                field("scope-to", "Records begun on or before", hint: "A day as year-month-day, such as 2026-03-31."),
            ],
        ]
        if let error = errors["hold-type"] { context["typeError"] = ["text": error] }
        if let error = errors["scope"] { context["scopeError"] = ["text": error] }
        if let error = errors["form"] { context["formError"] = ["text": error] }
        if !errors.isEmpty { context["hasErrors"] = true }
        return context
    }
}
