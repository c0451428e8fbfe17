import Foundation
import Inbox
import Messaging
import WebFoundation

/// The assignments page's context (`supervisor-assignments.mustache`): one section per team
/// (conversations not routed yet last), one row per assignee with the team's total.
struct SupervisorAssignmentsView {
    let rows: [TeamWorkloadRow]
    /// Every team of the caller's scope to show, even with nothing in hand.
    let teams: [String]
    /// Members by team, for callers who may read the staff list; nil: not shown.
    let members: [String: [String]]?
    let now: Date
    let ids: ConversationIDCodec

    var context: [String: Any] {
        var sections: [[String: Any]] = []
        for (index, team) in teams.enumerated() {
            sections.append(section(team: team, number: index + 1))
        }
        if rows.contains(where: { $0.team == nil }) { sections.append(section(team: nil, number: teams.count + 1)) }
        return [
            "teams": sections, "empty": sections.isEmpty, "showMembers": members != nil,
            "closingHours": String(Int(TeamWorkload.closingWithin / 3600)),
        ]
    }

    private func section(team: String?, number: Int) -> [String: Any] {
        var teamRows = rows.filter { $0.team == team }
        let teamMembers = team.flatMap { members?[$0] } ?? []
        for member in teamMembers where !teamRows.contains(where: { $0.assignee == member }) {
            teamRows.append(TeamWorkloadRow(team: team, assignee: member, open: 0, pending: 0, unread: 0, windowsClosing: 0))
        }
        if !teamRows.contains(where: { $0.assignee == nil }) {
            teamRows.append(TeamWorkloadRow(team: team, assignee: nil, open: 0, pending: 0, unread: 0, windowsClosing: 0))
        }
        teamRows.sort { ($0.assignee ?? "") < ($1.assignee ?? "") }
        let oldest = teamRows.compactMap(\.oldestWaiting).min { $0.since < $1.since }
        let total: [String: Any] = [
            "open": teamRows.reduce(0) { $0 + $1.open }, "pending": teamRows.reduce(0) { $0 + $1.pending },
            "unread": teamRows.reduce(0) { $0 + $1.unread }, "closing": teamRows.reduce(0) { $0 + $1.windowsClosing },
            "oldest": waiting(oldest),
        ]
        var context: [String: Any] = [
            "name": team ?? "Not routed yet", "headingID": "team-\(number)", "captionID": "team-\(number)-caption",
            "rows": teamRows.map { row in
                [
                    "assignee": row.assignee ?? "Unassigned", "open": row.open, "pending": row.pending, "unread": row.unread,
                    "closing": row.windowsClosing, "oldest": waiting(row.oldestWaiting), "urgent": row.windowsClosing > 0,
                ] as [String: Any]
            },
            "total": total, "routed": team != nil,
        ]
        if let members, let team {
            let names = members[team] ?? []
            context["members"] = ["text": names.isEmpty ? "No member of staff is in this team." : names.joined(separator: ", ")]
        }
        return context
    }

    /// The link to a waiting conversation and how long it has waited; "None" when none waits.
    private func waiting(_ conversation: WaitingConversation?) -> [String: Any] {
        guard let conversation else { return ["none": true] }
        let minutes = max(0, Int(now.timeIntervalSince(conversation.since)) / 60)
        let waited =
            minutes >= 60 * 24
            ? "\(minutes / (60 * 24)) d \((minutes / 60) % 24) h" : minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
        return [
            "path": "/conversations/\(ids.apiID(conversation.conversationID))", "citizen": InboxRow.citizen(conversation.conversationID),
            "waited": waited, "since": PageText.timeText(conversation.since), "iso": conversation.since.ISO8601Format(),
        ]
    }
}
