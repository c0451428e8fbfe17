import Access
import Foundation
import Hummingbird
import Inbox
import Messaging
import WebFoundation

/// `GET /inbox`: the signed-in user's team inbox, through the same query as `GET /v1/inbox`
/// (``InboxQueries/list(ledger:scope:user:filter:limit:cursor:)`` within the caller's scope for
/// `inbox.read`), ``WebApplication/Settings/pageSize`` conversations a page (50; `?limit=` as
/// in the API), newest activity first.
extension WebApplication {
    /// The state filters offered, in order (nil: all).
    static let inboxStates: [(value: String?, title: String)] = [(nil, "All"), ("open", "Open"), ("pending", "Pending"), ("closed", "Closed")]

    func inbox(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let state = page.query("state")
        guard state == nil || Self.inboxStates.contains(where: { $0.value == state }) else {
            throw PageError.badRequest("There is no inbox queue “\(state ?? "")”. Choose Open, Pending or Closed on the inbox page.")
        }
        let cursor = page.query("cursor")
        var limit = settings.pageSize
        if let text = page.query("limit") {
            guard let value = Int(text), (1...ConversationQueries.maxLimit).contains(value) else {
                throw PageError.badRequest("Show between 1 and \(ConversationQueries.maxLimit) conversations a page.")
            }
            limit = value
        }
        let size = limit == settings.pageSize ? nil : limit
        let result: InboxPage
        do {
            result = try await InboxQueries(store: store).list(
                ledger: settings.ledger, scope: principal.scope(for: .inboxRead), user: principal.name, filter: InboxFilter(state: state),
                limit: limit, cursor: cursor)
        } catch is ConversationQueryError {
            throw PageError.badRequest("This page of the inbox no longer exists. Start again from the first page of the inbox.")
        }
        let now = Date()
        var context: [String: Any] = [
            "rows": result.items.map { InboxRow($0, now: now, ids: ids).context },
            "empty": result.items.isEmpty,
            "filters": Self.inboxStates.map { filter in
                ["title": filter.title, "path": Self.inboxPath(state: filter.value, limit: size, cursor: nil), "current": filter.value == state]
            },
            "queue": Self.inboxStates.first(where: { $0.value == state })?.title ?? "All",
        ]
        if let next = result.nextCursor { context["next"] = ["path": Self.inboxPath(state: state, limit: size, cursor: next)] }
        if cursor != nil { context["first"] = ["path": Self.inboxPath(state: state, limit: size, cursor: nil)] }
        return renderer.page("inbox", title: "Inbox", frame: page.frame, context: context)
    }

    /// The inbox's address with its queue, page size (when not the default) and page.
    static func inboxPath(state: String?, limit: Int?, cursor: String?) -> String {
        var query: [String] = []
        if let state { query.append("state=\(PageGate.percentEncoded(state))") }
        if let limit { query.append("limit=\(limit)") }
        if let cursor { query.append("cursor=\(PageGate.percentEncoded(cursor))") }
        return "/inbox" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}

/// One conversation of the inbox as the page shows it.
struct InboxRow {
    let item: InboxItem
    let now: Date
    let ids: ConversationIDCodec

    init(_ item: InboxItem, now: Date, ids: ConversationIDCodec) {
        self.item = item
        self.now = now
        self.ids = ids
    }

    var context: [String: Any] {
        let id = ids.apiID(item.conversationID)
        var context: [String: Any] = [
            "id": id, "shortID": String(id.prefix(10)) + (id.count > 10 ? "…" : ""), "citizen": Self.citizen(item.conversationID),
            "team": item.team ?? "Not routed yet", "assignee": item.assignee ?? "Unassigned", "state": item.state, "unread": item.unread,
            "hasUnread": item.unread > 0, "window": Self.windowText(closesAt: item.windowClosesAt, now: now),
            "lastActivity": PageText.timeText(item.lastActivityAt), "lastActivityISO": item.lastActivityAt.ISO8601Format(),
        ]
        if let closes = item.windowClosesAt, closes > now { context["windowClosesAt"] = ["iso": closes.ISO8601Format()] }
        return context
    }

    /// The citizen as the inbox shows them: the last four digits of their number (or of their
    /// WhatsApp user id) after bullets, never the whole identifier.
    static func citizen(_ conversationID: String) -> String {
        let key = conversationID.split(separator: "/").last.map(String.init) ?? ""
        let digits = key.filter(\.isNumber)
        let kind = key.hasPrefix("u:") ? "User" : "Number"
        guard digits.count >= 4 else { return "\(kind) ••••" }
        return "\(kind) •••• \(digits.suffix(4))"
    }

    /// The 24-hour customer-service window in words: how long is left, or why it is closed.
    static func windowText(closesAt: Date?, now: Date) -> String {
        guard let closesAt else { return "Not open: the citizen has not written yet" }
        let seconds = Int(closesAt.timeIntervalSince(now))
        guard seconds > 0 else { return "Closed: reply with a template" }
        let (hours, minutes) = (seconds / 3600, (seconds % 3600) / 60)
        return hours > 0 ? "Open: \(hours) h \(minutes) min left" : "Open: \(max(1, minutes)) min left"
    }
}
