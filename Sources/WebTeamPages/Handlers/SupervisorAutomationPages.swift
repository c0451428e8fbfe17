import Access
import Foundation
import Hummingbird
import Inbox
import RecordkeeperCore
import WebFoundation

/// `GET /automation` and `POST /automation`: the automatic replies to citizens, read as
/// `GET /v1/automation-rules` reads them (``AutomationRules/current()``) and changed as
/// `PUT /v1/automation-rules` changes them: the whole new rule set is checked by
/// ``AutomationRuleSet/init(json:)`` and recorded by ``AutomationRules/set(_:actor:now:)``
/// (`automation.rules.set`, the signed-in user as actor). The forms add a rule, change or remove
/// one, or set the business hours; a change made on rules that changed since the page was shown
/// is refused, as on the routing page.
extension WebApplication {
    func automation(_ page: PageRequest) async throws -> Response {
        let current = try await AutomationRules(store: store, ledger: settings.ledger).current()
        var form = AutomationForm()
        if let id = page.query("change") {
            guard let rule = current?.rules.rules.first(where: { $0.id == id }) else {
                throw PageError(
                    status: .notFound, title: "No such automation rule",
                    message: "There is no automation rule “\(id)” (any more): someone may have removed it. The automation page lists the rules in force.")
            }
            form = AutomationForm(editing: rule)
        }
        let notice: String? =
            switch page.query("done") {
            case "added": "The rule is added. It answers citizens' messages from now on."
            case "changed": "The rule is changed."
            case "removed": "The rule is removed."
            case "hours": "The business hours are set."
            default: nil
            }
        return automationPage(page, current: current, form: form, notice: notice)
    }

    /// `action=add` (`id`, `kind`, `text`, `number`, `enabled`), `action=change` (`rule` and the
    /// same fields but `id`), `action=remove` (`rule`) or `action=hours` (`timezone` and one
    /// field per weekday); each with `based_on`, the position of the rule set the page showed.
    /// 303 to `/automation`, or the page again (422) with the refusal at its field.
    func changeAutomation(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let rules = AutomationRules(store: store, ledger: settings.ledger)
        let current = try await rules.current()
        let action = page.form["action"] ?? ""
        var form = AutomationForm(posted: page.form)
        guard ["add", "change", "remove", "hours"].contains(action) else {
            throw PageError.badRequest("This form asks for nothing the automation page does. Reload the automation page and use its buttons.")
        }
        // The change is made to the rules the form was shown with, or not at all (no lost update).
        guard page.form["based_on"] == String(current?.position ?? 0) else {
            form.errors["actions"] =
                "The automation rules have changed since this page was opened, so nothing was changed. The rules below are current: make your change again."
            if let editing = form.editing, !(current?.rules.rules.contains { $0.id == editing } ?? false) { form = AutomationForm() }
            return automationPage(page, current: current, form: form, status: .unprocessableContent)
        }
        guard case .object(var document) = (current?.rules ?? AutomationRuleSet()).json else { throw PageError.internalError }
        var list = document["rules"]?.array ?? []
        var edited: Int?
        switch action {
        case "add":
            list.append(form.ruleDocument(id: page.form.trimmed("id") ?? ""))
            edited = list.count - 1
        case "change":
            let id = page.form["rule"] ?? ""
            guard let index = list.firstIndex(where: { $0["id"]?.string == id }) else {
                form = AutomationForm()
                form.errors["actions"] = "There is no rule “\(id)” any more: someone else may have changed the rules. The rules below are current."
                return automationPage(page, current: current, form: form, status: .unprocessableContent)
            }
            list[index] = form.ruleDocument(id: id)
            edited = index
        case "remove":
            let id = page.form["rule"] ?? ""
            let before = list.count
            list.removeAll { $0["id"]?.string == id }
            guard list.count < before else {
                form.errors["actions"] = "There is no rule “\(id)” any more: someone else may have changed the rules. The rules below are current."
                return automationPage(page, current: current, form: form, status: .unprocessableContent)
            }
        default:
            switch form.businessHoursDocument() {
            case .success(let hours): document["business_hours"] = hours
            case .failure(let errors):
                form.errors.merge(errors.errors) { first, _ in first }
                return automationPage(page, current: current, form: form, status: .unprocessableContent)
            }
        }
        document["rules"] = .array(list)
        let set: AutomationRuleSet
        do {
            set = try AutomationRuleSet(json: .object(document))
        } catch let error as AutomationRuleError {
            form.errors[Self.automationField(error, edited: edited, action: action)] = Self.automationMessage(error, action: action)
            return automationPage(page, current: current, form: form, status: .unprocessableContent)
        }
        try await rules.set(set, actor: principal.actor)
        let done = ["add": "added", "change": "changed", "remove": "removed", "hours": "hours"][action] ?? "changed"
        return PageRenderer.redirect(to: "/automation?done=\(done)")
    }

    /// The form field a refusal belongs to: the edited rule's field, a business-hours field, or
    /// `actions` (the page's error summary).
    static func automationField(_ error: AutomationRuleError, edited: Int?, action: String) -> String {
        let field = error.field
        if let edited, field.hasPrefix("rules[\(edited)].") {
            let name = field.dropFirst("rules[\(edited)].".count)
            return ["id": "automation-id", "kind": "automation-kind", "text": "automation-text", "phone_number_id": "automation-number"][String(name)]
                ?? "actions"
        }
        if field == "business_hours" { return action == "hours" ? "hours-timezone" : (edited == nil ? "actions" : "automation-kind") }
        if field == "business_hours.timezone" { return "hours-timezone" }
        if field.hasPrefix("business_hours.weekly.") {
            let day = field.dropFirst("business_hours.weekly.".count).prefix { $0.isLetter }
            if BusinessHours.Weekday(rawValue: String(day)) != nil { return "hours-\(day)" }
        }
        return "actions"
    }

    /// The refusal in words for the page (the domain's reason, which names the API's fields, or
    /// what the page's forms call them).
    static func automationMessage(_ error: AutomationRuleError, action: String) -> String {
        switch error.field {
        case "business_hours" where action == "hours":
            return "An out-of-hours rule is switched on, so the business hours cannot be removed. Switch that rule off first, or give the hours."
        case "business_hours":
            return "An out-of-hours rule needs the business hours. Set them below first, or save this rule switched off."
        default:
            return sentence(error.reason)
        }
    }

    func automationPage(
        _ page: PageRequest, current: RecordedAutomationRules?, form: AutomationForm, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let view = SupervisorAutomationView(current: current, form: form, csrf: page.frame.csrfToken, notice: notice)
        return renderer.page("supervisor-automation", title: "Automation rules", frame: page.frame, status: status, context: view.context)
    }
}
