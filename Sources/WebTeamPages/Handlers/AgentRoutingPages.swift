import Access
import Foundation
import Hummingbird
import Inbox
import RecordkeeperCore
import WebFoundation

/// `GET /routing` and `POST /routing`: the supervisor's routing rules, read as
/// `GET /v1/routing/rules` reads them (``InboxQueries/routingRules(ledger:)``) and changed as
/// `PUT /v1/routing/rules` changes them: the whole new set is checked by
/// ``RoutingRuleSet/parse(_:)`` and recorded by ``InboxCommands/setRoutingRules(_:by:at:)``
/// (`routing.rules.set`). The form adds one rule at the end or removes one.
extension WebApplication {
    func routing(_ page: PageRequest) async throws -> Response {
        let notice: String? =
            switch page.query("done") {
            case "added": "The rule is added. New conversations are routed with it from now on."
            case "removed": "The rule is removed."
            default: nil
            }
        let current = try await InboxQueries(store: store).routingRules(ledger: settings.ledger)
        if let notice = notice, let recorded = page.query("set").flatMap(Int64.init), (current.position ?? 0) < recorded {
            // The rules shown are read from the inbox projection, which may not have taken the change in yet.
            return try await routingPage(page, current: current, notice: notice + " The list below does not show it yet: reload the page in a moment.")
        }
        return try await routingPage(page, current: current, notice: notice)
    }

    /// Adds (`action=add`: `id`, `team`, `keywords`, `numbers`) or removes (`action=remove`:
    /// `rule`) a rule; 303 to `/routing`, or the page again (422) with the refusal at its field.
    func changeRouting(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let current = try await InboxQueries(store: store).routingRules(ledger: settings.ledger)
        // The change is made to the rules the form was shown with, or not at all (no lost update).
        guard page.form["based_on"] == String(current.position ?? 0) else {
            return try await routingPage(
                page, current: current,
                errors: [
                    "actions":
                        "The routing rules have changed since this page was opened, so nothing was changed. The list below is current: make your change again."
                ],
                status: .unprocessableContent)
        }
        guard case .object(var members) = current.rules.json else { throw PageError.internalError }
        var rules = members["rules"]?.array ?? []
        let values = [
            "rule-id": page.form["id"] ?? "", "rule-team": page.form["team"] ?? "", "rule-keywords": page.form["keywords"] ?? "",
            "rule-numbers": page.form["numbers"] ?? "",
        ]
        let done: String
        switch page.form["action"] {
        case "add":
            var errors: [String: String] = [:]
            if page.form.trimmed("id") == nil { errors["rule-id"] = "Enter a name for the rule, e.g. permits." }
            if page.form.trimmed("team") == nil { errors["rule-team"] = "Enter the team the rule routes to." }
            guard errors.isEmpty, let id = page.form.trimmed("id"), let team = page.form.trimmed("team") else {
                return try await routingPage(page, current: current, errors: errors, values: values, status: .unprocessableContent)
            }
            var rule: [String: JSONValue] = ["id": .string(id), "team": .string(team)]
            let keywords = Self.list(page.form["keywords"])
            if !keywords.isEmpty { rule["keywords"] = .array(keywords.map(JSONValue.string)) }
            let numbers = Self.list(page.form["numbers"])
            if !numbers.isEmpty { rule["phone_number_ids"] = .array(numbers.map(JSONValue.string)) }
            rules.append(.object(rule))
            done = "added"
        case "remove":
            let id = page.form["rule"] ?? ""
            let before = rules.count
            rules.removeAll { $0["id"]?.string == id }
            guard rules.count < before else {
                return try await routingPage(
                    page, current: current,
                    errors: ["actions": "There is no rule “\(id)” any more: someone else may have changed the rules. The list below is current."],
                    status: .unprocessableContent)
            }
            done = "removed"
        default:
            throw PageError.badRequest("This form asks for nothing the routing page does. Reload the routing page and use its buttons.")
        }
        members["rules"] = .array(rules)
        let position: Int64
        do {
            let set = try RoutingRuleSet.parse(JSONValue.object(members))
            position = try await InboxCommands(store: store, ledger: settings.ledger).setRoutingRules(set, by: principal).position
        } catch let error as RoutingRulesError {
            var field = "actions"
            if case .invalid(let path, _) = error, done == "added" {
                for (suffix, id) in [(".id", "rule-id"), (".team", "rule-team"), (".keywords", "rule-keywords"), (".phone_number_ids", "rule-numbers")]
                where path.hasSuffix(suffix) {
                    field = id
                }
            }
            return try await routingPage(
                page, current: current, errors: [field: Self.sentence(error.description)], values: values, status: .unprocessableContent)
        }
        return PageRenderer.redirect(to: "/routing?done=\(done)&set=\(position)")
    }

    /// Comma-separated entries, trimmed, blanks dropped.
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private func routingPage(
        _ page: PageRequest, current: CurrentRoutingRules, notice: String? = nil, errors: [String: String] = [:], values: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let hours = { (minutes: Int) in String(format: "%02d:%02d", minutes / 60, minutes % 60) }
        let rules: [[String: String]] = current.rules.rules.enumerated().map { index, rule in
            [
                "order": String(index + 1), "id": rule.id, "team": rule.team,
                "keywords": rule.keywords.isEmpty ? "Any" : rule.keywords.joined(separator: ", "),
                "numbers": rule.phoneNumberIDs.isEmpty ? "Any" : rule.phoneNumberIDs.joined(separator: ", "),
                "days": rule.days.isEmpty ? "Every day" : rule.days.joined(separator: ", "),
                "hours": rule.from.flatMap { from in rule.to.map { "\(hours(from))–\(hours($0))" } } ?? "All day",
            ]
        }
        var fields = [
            FormField(id: "rule-id", label: "Rule name", name: "id", hint: "Letters, digits, '.', '_' or '-', e.g. permits."),
            FormField(id: "rule-team", label: "Team", name: "team", hint: "The team whose inbox receives the conversations it matches."),
            FormField(
                id: "rule-keywords", label: "Keywords (optional)", name: "keywords",
                hint: "Words or phrases separated by commas; one of them must be in the citizen's first message. Empty: any message.", required: false),
            FormField(
                id: "rule-numbers", label: "Business phone number ids (optional)", name: "numbers", inputMode: "numeric",
                hint: "Separated by commas. Empty: any of the agency's numbers.", required: false),
        ]
        for index in fields.indices {
            fields[index].value = values[fields[index].id] ?? ""
            fields[index].error = errors[fields[index].id]
        }
        var context: [String: Any] = [
            "rules": rules, "empty": rules.isEmpty, "defaultTeam": current.rules.defaultTeam, "timezone": current.rules.timeZone,
            "csrf": page.frame.csrfToken, "fields": fields.map(\.context), "basedOn": String(current.position ?? 0),
        ]
        if let notice { context["notice"] = ["text": notice] }
        if let error = errors["actions"] { context["actionsError"] = ["text": error] }
        if let actor = current.actor, let at = current.setAt {
            context["setBy"] = ["by": actor, "time": PageText.timeText(at), "iso": at.ISO8601Format()]
        }
        return renderer.page("agent-routing", title: "Routing rules", frame: page.frame, status: status, context: context)
    }
}
