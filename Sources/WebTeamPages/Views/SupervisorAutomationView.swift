import Foundation
import Inbox
import RecordkeeperCore
import WebFoundation

/// What the automation page's forms hold: the rule being added or changed, the business hours,
/// and the errors of a refused change by field id (`automation-text`, `hours-monday`, …, or
/// `actions` for the page's error summary).
struct AutomationForm {
    /// The id of the rule being changed; nil: the form adds a rule.
    var editing: String? = nil
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    /// Whether the rule form's "switched on" box is ticked.
    var enabled = true

    init() {}

    /// The change form of `rule`, filled with what it holds.
    init(editing rule: AutomationRule) {
        editing = rule.id
        values = ["automation-kind": rule.kind.rawValue, "automation-text": rule.text, "automation-number": rule.phoneNumberID ?? ""]
        enabled = rule.enabled
    }

    /// What was posted, to show again with a refusal.
    init(posted form: FormBody) {
        if form["action"] == "change" { editing = form["rule"] }
        let names = ["automation-id": "id", "automation-kind": "kind", "automation-text": "text", "automation-number": "number", "hours-timezone": "timezone"]
        for (field, name) in names { values[field] = form[name] ?? "" }
        for day in BusinessHours.Weekday.allCases { values["hours-\(day.rawValue)"] = form[day.rawValue] ?? "" }
        // Only the rule form has the box; a browser omits an unticked one.
        enabled = form["action"] == "add" || form["action"] == "change" ? form["enabled"] == "on" : true
        if form["action"] == "hours" { hoursPosted = true }
    }

    /// Whether the business-hours form was the one posted (its values are shown, not the stored hours).
    var hoursPosted = false

    /// The rule as the API's JSON document (docs/api.md, "Automation rules"), for the domain to check.
    func ruleDocument(id: String) -> JSONValue {
        let number = values["automation-number"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return .object([
            "id": .string(id), "kind": .string(values["automation-kind"] ?? ""), "text": .string(values["automation-text"] ?? ""),
            "phone_number_id": number.isEmpty ? .null : .string(number), "enabled": .bool(enabled),
        ])
    }

    /// The business hours as the API's JSON document: `null` when the time zone and every day
    /// are empty; otherwise each day's `08:00–17:00, 18:00–20:00` as intervals (the domain
    /// checks the times). Errors by field when a day's text is not a list of `from–to`.
    func businessHoursDocument() -> Result<JSONValue, FieldErrors> {
        let timezone = values["hours-timezone"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let days = BusinessHours.Weekday.allCases.map { ($0, values["hours-\($0.rawValue)"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") }
        if timezone.isEmpty, days.allSatisfy({ $0.1.isEmpty }) { return .success(.null) }
        var weekly: [String: JSONValue] = [:]
        var errors: [String: String] = [:]
        for (day, text) in days {
            var intervals: [JSONValue] = []
            for piece in text.split(separator: ",") {
                let ends = piece.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
                guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
                    errors["hours-\(day.rawValue)"] =
                        "Write each opening as from–to in 24-hour time, e.g. 08:00–17:00; separate several with commas, or leave it empty when closed."
                    break
                }
                intervals.append(.object(["open": .string(ends[0]), "close": .string(ends[1])]))
            }
            weekly[day.rawValue] = .array(intervals)
        }
        guard errors.isEmpty else { return .failure(FieldErrors(errors)) }
        return .success(.object(["timezone": .string(timezone), "weekly": .object(weekly)]))
    }

    /// Errors by field id.
    struct FieldErrors: Error {
        let errors: [String: String]
        init(_ errors: [String: String]) { self.errors = errors }
    }
}

/// The automation page's context (`supervisor-automation.mustache`): the rules in force in
/// words, the business hours, who set them, and the forms.
struct SupervisorAutomationView {
    let current: RecordedAutomationRules?
    let form: AutomationForm
    let csrf: String
    let notice: String?

    /// What a kind of rule does, in words.
    static func kindText(_ kind: AutomationRule.Kind) -> String {
        switch kind {
        case .acknowledgement: "Acknowledges a citizen's first message, and the first after the conversation was closed"
        case .outOfHours: "Answers messages written outside business hours, at most once per conversation every 12 hours"
        }
    }

    /// The kind's short name, for the form's choice.
    static func kindTitle(_ kind: AutomationRule.Kind) -> String {
        switch kind {
        case .acknowledgement: "Acknowledgement of a first message"
        case .outOfHours: "Reply outside business hours"
        }
    }

    /// `08:00–17:00, 18:00–20:00`; empty when closed.
    static func hoursText(_ intervals: [BusinessHours.Interval]) -> String {
        let clock = { (minutes: Int) in String(format: "%02d:%02d", minutes / 60, minutes % 60) }
        return intervals.map { "\(clock($0.open))–\(clock($0.close))" }.joined(separator: ", ")
    }

    var context: [String: Any] {
        let set = current?.rules ?? AutomationRuleSet()
        let rules: [[String: Any]] = set.rules.map { rule in
            [
                "id": rule.id, "kind": Self.kindText(rule.kind), "number": rule.phoneNumberID ?? "Every number", "text": rule.text,
                "state": rule.enabled ? "On" : "Off", "changePath": "/automation?change=\(PageGate.percentEncoded(rule.id))#rule-heading",
            ]
        }
        var context: [String: Any] = [
            "rules": rules, "empty": rules.isEmpty, "csrf": csrf, "basedOn": String(current?.position ?? 0),
            "ruleForm": ruleForm, "hoursFields": hoursFields(set.businessHours).map(\.context),
        ]
        if let hours = set.businessHours {
            context["hours"] = [
                "timezone": hours.timezone,
                "days": BusinessHours.Weekday.allCases.map { day in
                    let text = Self.hoursText(hours.weekly[day] ?? [])
                    return ["day": day.rawValue.prefix(1).uppercased() + day.rawValue.dropFirst(), "text": text.isEmpty ? "Closed" : text]
                },
            ]
        }
        if let notice { context["notice"] = ["text": notice] }
        if let error = form.errors["actions"] { context["actionsError"] = ["text": error] }
        if let current { context["setBy"] = ["by": current.setBy, "time": PageText.timeText(current.setAt), "iso": current.setAt.ISO8601Format()] }
        return context
    }

    /// The add or change form of a rule.
    private var ruleForm: [String: Any] {
        let value = { (id: String) in form.values[id] ?? "" }
        var idField = FormField(
            id: "automation-id", label: "Rule name", name: "id", hint: "Lower-case letters, digits and hyphens, e.g. welcome.")
        idField.value = value("automation-id")
        idField.error = form.errors["automation-id"]
        let kind = RequestsField(
            id: "automation-kind", label: "What it answers", name: "kind",
            value: form.values["automation-kind"] ?? AutomationRule.Kind.acknowledgement.rawValue,
            hint: "A reply outside business hours replaces the acknowledgement at night: a citizen gets one reply.",
            error: form.errors["automation-kind"],
            options: AutomationRule.Kind.allCases.map { ($0.rawValue, Self.kindTitle($0)) })
        let text = RequestsField(
            id: "automation-text", label: "Reply", name: "text", value: value("automation-text"),
            hint: "Sent to the citizen as a WhatsApp text, at most \(AutomationRuleSet.maxTextLength) characters.", error: form.errors["automation-text"],
            rows: 4)
        var number = FormField(
            id: "automation-number", label: "Business phone number id (optional)", name: "number", inputMode: "numeric",
            hint: "Only conversations with this business number; a rule for one number wins over one for every number. Empty: every number.",
            required: false)
        number.value = value("automation-number")
        number.error = form.errors["automation-number"]
        var context: [String: Any] = [
            "kindField": kind.context, "textField": text.context, "numberField": number.context, "enabled": form.enabled,
        ]
        if let editing = form.editing {
            context["heading"] = "Change rule \(editing)"
            context["action"] = "change"
            context["rule"] = ["id": editing]
            context["button"] = "Save rule \(editing)"
        } else {
            context["heading"] = "Add a rule"
            context["action"] = "add"
            context["idField"] = idField.context
            context["button"] = "Add rule"
        }
        return context
    }

    /// The business-hours form: what was posted after a refusal, else the hours in force.
    private func hoursFields(_ hours: BusinessHours?) -> [FormField] {
        var timezone = FormField(
            id: "hours-timezone", label: "Time zone", name: "timezone", hint: "An IANA time zone name, e.g. America/Los_Angeles.", required: false)
        timezone.value = form.hoursPosted ? form.values["hours-timezone"] ?? "" : hours?.timezone ?? ""
        timezone.error = form.errors["hours-timezone"]
        var fields = [timezone]
        for day in BusinessHours.Weekday.allCases {
            let id = "hours-\(day.rawValue)"
            var field = FormField(
                id: id, label: day.rawValue.prefix(1).uppercased() + day.rawValue.dropFirst(), name: day.rawValue,
                hint: day == .monday ? "Opening hours in 24-hour local time, e.g. 08:00–12:00, 13:00–17:00. Empty: closed all day." : nil,
                required: false)
            field.value = form.hoursPosted ? form.values[id] ?? "" : Self.hoursText(hours?.weekly[day] ?? [])
            field.error = form.errors[id]
            fields.append(field)
        }
        return fields
    }
}
