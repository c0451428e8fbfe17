import Access
import Foundation
import Hummingbird
import Inbox
import WebFoundation

/// `GET /analytics`: volume, first response and backlog per team and day, as `GET /v1/analytics`
/// gives them (``AnalyticsQueries/report(ledger:from:to:team:calendar:now:)`` in the service's
/// analytics calendar, rows limited to the caller's teams for `analytics.read`), with a bar chart
/// drawn on the server (SVG) and the same figures as tables. Without `from` and `to` it shows the
/// last 7 days.
extension WebApplication {
    func analytics(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let calendar = AnalyticsCalendar(timeZone: settings.analyticsTimeZone) ?? .utc
        let now = Date()
        let to = page.query("to") ?? calendar.date(of: now)
        let from = page.query("from") ?? calendar.date(of: now.addingTimeInterval(-6 * 86400))
        let team = page.query("team")
        var errors: [String: String] = [:]
        var days: [AnalyticsDay] = []
        do {
            let report = try await AnalyticsQueries(store: store, logger: logger).report(
                ledger: settings.ledger, from: from, to: to, team: team, calendar: calendar)
            let scope = principal.scope(for: .analyticsRead)
            days = report.days.filter { scope.includes(team: $0.team) }
        } catch let error as AnalyticsRequestError {
            let field =
                switch error {
                case .badDate(let parameter, _): parameter == "from" ? "analytics-from" : "analytics-to"
                case .reversed, .tooLong: "analytics-to"
                case .badTeam: "analytics-team"
                }
            errors[field] = Self.sentence(error.description.replacingOccurrences(of: "`", with: ""))
        }
        let fields = [
            FormField(
                id: "analytics-from", label: "From", name: "from", value: from, autocomplete: "off", inputMode: "numeric",
                hint: "The first day, written YYYY-MM-DD.", error: errors["analytics-from"]),
            FormField(
                id: "analytics-to", label: "To", name: "to", value: to, autocomplete: "off", inputMode: "numeric",
                hint: "The last day, written YYYY-MM-DD; at most 366 days after the first.", error: errors["analytics-to"]),
            FormField(
                id: "analytics-team", label: "Team (optional)", name: "team", value: team ?? "",
                hint: "Empty: every team you may see.",
                error: errors["analytics-team"], required: false),
        ]
        let view = AgentAnalyticsView(days: days, timezone: calendar.identifier)
        var context = view.context
        context["fields"] = fields.map { $0.context } as [[String: Any]]
        context["from"] = from
        context["to"] = to
        return renderer.page(
            "agent-analytics", title: "Analytics", frame: page.frame,
            status: errors.isEmpty ? .ok : .unprocessableContent, context: context)
    }
}
