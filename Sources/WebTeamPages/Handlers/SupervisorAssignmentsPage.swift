import Access
import Foundation
import Hummingbird
import Inbox
import WebFoundation

/// `GET /assignments`: assignments across the team. Per team of the caller's inbox scope
/// (`inbox.read`, as `GET /v1/inbox`) and per assignee (and "Unassigned"): open and pending
/// conversations, unread messages, reply windows closing within 2 hours and the oldest waiting
/// conversation, counted in SQL by ``TeamWorkload``. Callers who may read the staff list
/// (`staff.read`, as `GET /v1/staff/users`) also see each team's members, those with nothing
/// in hand included. Read-only; metadata only (no message content), so no view is recorded,
/// as for the inbox.
extension WebApplication {
    func assignments(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let scope = principal.scope(for: .inboxRead)
        let workload = TeamWorkload(store: store)
        let now = Date()
        let rows = try await workload.rows(ledger: settings.ledger, scope: scope, now: now)
        var teams = Set(try await workload.teams(ledger: settings.ledger, scope: scope))
        var members: [String: [String]]?
        if WebPages.allows(principal, .staff(.staffRead)), let staff {
            var byTeam: [String: [String]] = [:]
            for user in try await staff.users() where !user.disabled {
                for team in user.teams where scope.includes(team: team) { byTeam[team, default: []].append(user.name) }
            }
            members = byTeam
            teams.formUnion(byTeam.keys)
        }
        let view = SupervisorAssignmentsView(rows: rows, teams: teams.sorted(), members: members, now: now, ids: ids)
        return renderer.page("supervisor-assignments", title: "Assignments across the team", frame: page.frame, context: view.context)
    }
}
