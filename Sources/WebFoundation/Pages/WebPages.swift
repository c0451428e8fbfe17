public import Access

/// Who may open a page: the web's counterpart of the server's `RouteAccess` (the web modules cannot
/// import `Server`, which mounts it).
public enum PageAccess: Sendable, Hashable {
    /// Anyone, signed in or not: the sign-in form.
    case open
    /// A signed-in member of staff whose roles allow the action, as ``AccessPolicy`` decides.
    /// A page names the same action as the `/v1` operation that reads or changes the same thing.
    case staff(StaffAction)
}

/// A link of the navigation and of the home page.
public struct PageLink: Sendable, Hashable {
    /// The link's text.
    public let title: String
    /// The page's path (a `GET` page of ``WebPages/table``).
    public let path: String
    /// One sentence on what the page is for (the home page lists it).
    public let summary: String
}

/// Every page route and who may open it: the one table the pages' gate reads, as
/// `AccessRoutes` is for `/v1`.
///
/// A route registered without an entry here is refused to everyone (403, and `WebTests` fails),
/// so a new page cannot be open by accident. Keys are `METHOD /path` with Hummingbird's path
/// templates (`/conversations/{id}`).
public enum WebPages {
    public static let table: [String: PageAccess] = [
        "GET /signin": .open,
        "POST /signin": .open,
        "POST /signout": .staff(.sessionSelf),  // as DELETE /v1/session
        "GET /": .staff(.sessionSelf),  // as GET /v1/session
        "GET /account": .staff(.sessionSelf),  // one's own account
        "POST /account/password": .staff(.sessionSelf),
        "POST /account/totp": .staff(.sessionSelf),
        "GET /inbox": .staff(.inboxRead),  // as GET /v1/inbox
        // Administration (admins; supervisors and auditors read the staff), as /v1/staff/….
        "GET /admin/staff": .staff(.staffRead),  // as GET /v1/staff/users
        "POST /admin/staff": .staff(.staffManage),  // as POST /v1/staff/users
        "GET /admin/staff/{name}": .staff(.staffRead),  // as GET /v1/staff/users
        "POST /admin/staff/{name}/roles": .staff(.staffManage),  // as PUT/DELETE /v1/staff/users/{name}/roles/{role}
        "POST /admin/staff/{name}/teams": .staff(.staffManage),  // as PUT/DELETE /v1/staff/users/{name}/teams/{team}
        "GET /admin/tokens": .staff(.staffRead),  // as GET /v1/staff/tokens
        "POST /admin/tokens": .staff(.staffManage),  // as POST /v1/staff/tokens
        "POST /admin/tokens/{id}/revocation": .staff(.staffManage),  // as DELETE /v1/staff/tokens/{token_id}
        // Integrations and relays: no /v1 operation (the CLI's `integrations`, `relays`); read as the staff, changed as staff.manage.
        "GET /admin/integrations": .staff(.staffRead),  // as `recordkeeper integrations list`
        "POST /admin/integrations": .staff(.staffManage),  // as `recordkeeper integrations add`
        "POST /admin/integrations/{name}/revocation": .staff(.staffManage),  // as `recordkeeper integrations revoke`
        "GET /admin/relays": .staff(.staffRead),  // as `recordkeeper relays list`
        "POST /admin/relays": .staff(.staffManage),  // as `recordkeeper relays add [--replace]`
        "POST /admin/relays/{name}/removal": .staff(.staffManage),  // as `recordkeeper relays remove`
        // Retention (records officers; auditors read), as the /v1/retention operations.
        "GET /retention": .staff(.retentionRead),  // as GET /v1/retention/status
        "GET /retention/catalog": .staff(.retentionRead),  // as GET /v1/retention/catalog
        "GET /retention/holds": .staff(.retentionRead),  // as GET /v1/retention/holds
        "POST /retention/holds": .staff(.legalHoldManage),  // as POST /v1/retention/holds
        "GET /retention/holds/{id}": .staff(.retentionRead),  // as GET /v1/retention/holds/{id}
        "POST /retention/holds/{id}/release": .staff(.legalHoldManage),  // as POST /v1/retention/holds/{id}/release
        "GET /retention/lists": .staff(.retentionRead),  // as GET /v1/retention/disposition-lists
        "POST /retention/lists": .staff(.retentionManage),  // as POST /v1/retention/disposition-lists
        "GET /retention/lists/{list}": .staff(.retentionRead),  // as GET /v1/retention/disposition-lists/{list}
        "POST /retention/lists/{list}/review": .staff(.retentionManage),  // as POST …/disposition-lists/{list}/review
        "POST /retention/lists/{list}/approval": .staff(.retentionManage),  // as POST …/disposition-lists/{list}/approvals
        "POST /retention/lists/{list}/destruction": .staff(.retentionManage),  // as POST …/disposition-lists/{list}/destruction
        "GET /retention/destructions": .staff(.retentionRead),  // as GET /v1/retention/destructions
        "GET /retention/destructions/{list}/certificate": .staff(.retentionRead),  // as GET /v1/retention/destructions/{list}/certificate
        "GET /retention/queue": .staff(.retentionRead),  // as GET /v1/retention/queue
        "POST /retention/queue/filing": .staff(.retentionManage),  // as POST /v1/retention/records/filing
        "GET /conversations/{id}": .staff(.messagesRead),  // as GET /v1/conversations/{id}/messages
        "POST /conversations/{id}/reply": .staff(.messageSend),  // as POST /v1/conversations/{id}/messages (and POST /v1/media for a file)
        "GET /conversations/{id}/media/{media}": .staff(.mediaDownload),  // as GET /v1/media/{media_id}
        "POST /conversations/{id}/assignment": .staff(.conversationAssign),  // as POST /v1/conversations/{id}/assignment
        "POST /conversations/{id}/state": .staff(.conversationStateChange),  // as POST /v1/conversations/{id}/state
        "POST /conversations/{id}/notes": .staff(.noteAdd),  // as POST /v1/conversations/{id}/notes
        "POST /conversations/{id}/read": .staff(.conversationMarkRead),  // as POST /v1/conversations/{id}/read
        "GET /routing": .staff(.routingManage),  // as GET /v1/routing/rules
        "POST /routing": .staff(.routingManage),  // as PUT /v1/routing/rules
        "GET /analytics": .staff(.analyticsRead),  // as GET /v1/analytics
        "GET /automation": .staff(.automationManage),  // as GET /v1/automation-rules
        "POST /automation": .staff(.automationManage),  // as PUT /v1/automation-rules
        "GET /assignments": .staff(.inboxRead),  // as GET /v1/inbox (counts per team and assignee)
        "GET /conversations/{id}/messages/{position}/classification": .staff(.classificationOverride),  // the form of PUT …/classification
        "POST /conversations/{id}/messages/{position}/classification": .staff(.classificationOverride),  // as PUT …/classification
        // Requests (public-records officers; auditors read) and audit (auditors).
        "GET /requests": .staff(.requestsRead),  // as GET /v1/requests
        "POST /requests": .staff(.requestsManage),  // as POST /v1/requests
        "GET /requests/{id}": .staff(.requestsRead),  // as GET /v1/requests/{id}
        "POST /requests/{id}/searches": .staff(.requestsManage),  // as POST /v1/requests/{id}/searches
        "GET /requests/{id}/review": .staff(.requestsManage),  // as GET /v1/requests/{id}/suggestions (recorded as access.viewed)
        "POST /requests/{id}/redactions": .staff(.requestsManage),  // as POST /v1/requests/{id}/redactions
        "POST /requests/{id}/redactions/{number}/review": .staff(.requestsManage),  // as POST …/redactions/{number}/review
        "POST /requests/{id}/redactions/{number}/withdrawal": .staff(.requestsManage),  // as POST …/redactions/{number}/withdrawal
        "POST /requests/{id}/installments": .staff(.requestsManage),  // as POST /v1/requests/{id}/installments
        "GET /requests/{id}/installments/{number}/bundle": .staff(.requestsManage),  // as GET …/installments/{number}/bundle (recorded as access.viewed)
        "GET /audit": .staff(.ledgerRead),  // the ledger's head and checkpoint, as GET /v1/ledgers/{ledger}/…
        "POST /audit/verification": .staff(.ledgerRead),  // verifies the ledger (reads it all)
        "GET /audit/verification": .staff(.ledgerRead),
        "GET /audit/proofs": .staff(.ledgerRead),  // as GET /v1/ledgers/{ledger}/proofs/inclusion
        "GET /audit/checkpoints": .staff(.ledgerRead),  // the stored checkpoints (GET /v1/ledgers/{ledger}/checkpoint gives the newest)
        "GET /audit/accesses": .staff(.accessLogRead),  // as GET /v1/access
    ]

    /// The access of a route (`method` and path template); nil when the table does not name it.
    public static func access(method: String, path: String) -> PageAccess? {
        table["\(method) \(path)"]
    }

    /// The pages the navigation can show, in order; each is shown only to whom it is allowed.
    public static let links: [PageLink] = [
        PageLink(title: "Home", path: "/", summary: "What you can do here."),
        PageLink(
            title: "Inbox", path: "/inbox",
            summary: "Your teams' conversations: state, assignee, unread messages and the time left to reply freely."),
        PageLink(title: "Routing", path: "/routing", summary: "Which team's inbox new conversations go to: add or remove a routing rule."),
        PageLink(title: "Analytics", path: "/analytics", summary: "Messages, first responses and backlog per team and day, as a chart and tables."),
        PageLink(
            title: "Assignments", path: "/assignments",
            summary: "Per team and assignee: open and pending conversations, unread messages, reply windows about to close, the oldest waiting."),
        PageLink(title: "Automation", path: "/automation", summary: "Automatic replies to citizens and the business hours: add, change or remove a rule."),
        PageLink(
            title: "Requests", path: "/requests",
            summary: "Public-records requests: their due dates and clocks, searches, redactions and installments."),
        PageLink(
            title: "Retention", path: "/retention",
            summary: "The retention schedule, legal holds, disposition lists to review and approve, destructions and their certificates."),
        PageLink(title: "Audit", path: "/audit", summary: "Verify the ledger, read its checkpoints and proofs, and the access log."),
        PageLink(title: "Staff", path: "/admin/staff", summary: "Staff accounts: add one, grant and revoke roles, add to and remove from teams."),
        PageLink(title: "API tokens", path: "/admin/tokens", summary: "Tokens programs use to act as a member of staff: issue and revoke them."),
        PageLink(
            title: "Integrations", path: "/admin/integrations",
            summary: "The agency's systems that send through the recording proxy: add one (its token shown once) or revoke it."),
        PageLink(
            title: "Relays", path: "/admin/relays",
            summary: "Webhook relays to the agency's existing apps: add, replace or remove one, and see deliveries waiting."),
        PageLink(title: "Account", path: "/account", summary: "Change your password or set up your authenticator app again."),
    ]

    /// Whether `principal` may use a page of this access without stating a reason (a page
    /// cannot state one: an admin's break-glass reads stay with the API).
    public static func allows(_ principal: StaffPrincipal?, _ access: PageAccess) -> Bool {
        switch access {
        case .open: return true
        case .staff(let action):
            guard let principal else { return false }
            return AccessPolicy.decide(principal, action, reasonGiven: false) == .allowed(breakGlass: false)
        }
    }

    /// The links `principal` may follow.
    public static func links(for principal: StaffPrincipal) -> [PageLink] {
        links.filter { link in table["GET \(link.path)"].map { allows(principal, $0) } ?? false }
    }
}
