import Foundation
import Inbox

/// The analytics page's figures (`agent-analytics.mustache`): per team over the range (messages
/// in and out, first responses, the backlog at the end of the last day) as an SVG bar chart and
/// its table, then every day's row as the API gives it.
struct AgentAnalyticsView {
    let days: [AnalyticsDay]
    let timezone: String

    /// One team's figures over the range.
    struct TeamTotals {
        var team: String
        var inbound = 0
        var outbound = 0
        var responses = 0
        /// The backlog of the team's last day in the range.
        var backlog = 0
    }

    var totals: [TeamTotals] {
        var byTeam: [String: TeamTotals] = [:]
        for day in days.sorted(by: { $0.date < $1.date }) {
            var totals = byTeam[day.team] ?? TeamTotals(team: day.team)
            totals.inbound += day.inbound
            totals.outbound += day.outbound
            totals.responses += day.firstResponse.count
            totals.backlog = day.backlog.open
            byTeam[day.team] = totals
        }
        return byTeam.values.sorted { $0.team < $1.team }
    }

    var context: [String: Any] {
        let totals = self.totals
        return [
            "timezone": timezone, "empty": days.isEmpty, "chart": Self.chart(totals),
            "totals": totals.map { total in
                [
                    "team": total.team, "inbound": String(total.inbound), "outbound": String(total.outbound),
                    "responses": String(total.responses),
                    "backlog": String(total.backlog),
                ]
            },
            "days": days.map { day in
                [
                    "date": day.date, "team": day.team, "inbound": String(day.inbound),
                    "outbound": String(day.outbound),
                    "p50": Self.duration(day.firstResponse.p50Seconds),
                    "p90": Self.duration(day.firstResponse.p90Seconds),
                    "open": String(day.backlog.open), "oldest": Self.duration(day.backlog.oldestAgeSeconds),
                ]
            },
        ]
    }

    /// `4 min`, `2 h 5 min`, `3 d 4 h`; a dash when there is no figure.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min" }
        if total < 86400 { return "\(total / 3600) h \((total % 3600) / 60) min" }
        return "\(total / 86400) d \((total % 86400) / 3600) h"
    }

    /// A horizontal bar chart of messages in and out per team (SVG, drawn here: no script). The
    /// table after it holds the same figures in text.
    static func chart(_ totals: [TeamTotals]) -> String {
        guard !totals.isEmpty else { return "" }
        let rowHeight = 44
        let labelWidth = 130
        let barWidth = 300
        let height = totals.count * rowHeight + 10
        let largest = max(1, totals.map { max($0.inbound, $0.outbound) }.max() ?? 1)
        var svg = """
            <svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 \(labelWidth + barWidth + 60) \(height)" \
            width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
            <title id="chart-title">Messages in and out per team; the table below gives the same figures</title>

            """
        for (index, total) in totals.enumerated() {
            let top = index * rowHeight + 5
            let inbound = total.inbound * barWidth / largest
            let outbound = total.outbound * barWidth / largest
            svg += """
                <text x="0" y="\(top + 20)" font-size="13" fill="#0b0c0c">\(escape(String(total.team.prefix(18))))</text>
                <rect x="\(labelWidth)" y="\(top)" width="\(max(1, inbound))" height="16" fill="#1d70b8"/>
                <text x="\(labelWidth + max(1, inbound) + 6)" y="\(top + 13)" font-size="12" fill="#0b0c0c">\(total.inbound) in</text>
                <rect x="\(labelWidth)" y="\(top + 18)" width="\(max(1, outbound))" height="16" fill="#505a5f"/>
                <text x="\(labelWidth + max(1, outbound) + 6)" y="\(top + 31)" font-size="12" fill="#0b0c0c">\(total.outbound) out</text>

                """
        }
        return svg + "</svg>"
    }

    /// Text for SVG/HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
