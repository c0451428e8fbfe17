public import Access

/// Who may open a page: the web's counterpart of the server's `RouteAccess` (`Web` cannot
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
