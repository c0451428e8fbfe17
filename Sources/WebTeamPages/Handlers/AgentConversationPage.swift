import Access
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Logging
import Messaging
import WebFoundation

/// `GET /conversations/{id}`: one conversation for the agent: its timeline as
/// `GET /v1/conversations/{id}/messages` gives it (``ConversationQueries/messages(ledger:conversation:limit:cursor:)``,
/// masked by ``ContentMasking`` at the caller's clearance), the notes as
/// `GET /v1/conversations/{id}/notes` gives them (shown to roles with `notes.read`), the
/// 24-hour window, and the forms of the conversation's commands. Both views are recorded
/// (`access.viewed`) before the page is answered.
///
/// With `?after=<position>` it answers only the messages after that position as an HTML
/// fragment (`app.js` polls it and adds them to the timeline): same access, scope, masking and
/// audit; nothing is recorded when there is nothing new.
extension WebApplication {
    /// The page's route, as the access log names it.
    static let conversationRoute = "GET /conversations/{id}"

    func conversation(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .messagesRead, route: Self.conversationRoute)
        if let after = page.query("after") {
            guard let position = Int64(after), position >= 0 else {
                throw PageError.badRequest("“after” must be the position of the last message shown, a whole number.")
            }
            return try await newMessages(item, after: position, principal: principal)
        }
        return try await conversationPage(page, item: item, principal: principal, form: ConversationForms(notice: Self.notice(page.query("done"))))
    }

    /// What the page's forms show after a refused command: each field's error and what was typed.
    struct ConversationForms {
        var notice: String? = nil
        /// Errors by field id (`reply-text`, `template-name`, `assign-to`, `note-text`) or
        /// `actions` for a form without fields.
        var errors: [String: String] = [:]
        var values: [String: String] = [:]
    }

    /// The conversation page; `status` 422 with `form` after a refused command.
    func conversationPage(
        _ page: PageRequest, item: InboxItem, principal: StaffPrincipal, form: ConversationForms, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let cursor = page.query("cursor")
        let shown = try await maskedMessages(item, cursor: cursor, principal: principal)
        let mayReadNotes = WebPages.allows(principal, .staff(.notesRead))
        let notes = mayReadNotes ? try await InboxQueries(store: store).notes(ledger: settings.ledger, conversation: item.conversationID) : []
        let record = "conversation:\(item.conversationID)"
        try await recordViewed(
            AccessRecord(
                action: .messagesRead, route: Self.conversationRoute, records: [record], maskedPositions: shown.items.filter(\.masked).map(\.position)),
            by: principal)
        if mayReadNotes {
            try await recordViewed(AccessRecord(action: .notesRead, route: Self.conversationRoute, records: [record]), by: principal)
        }
        let id = ids.apiID(item.conversationID)
        let citizen = InboxRow.citizen(item.conversationID)
        let reader = try await timelineReader(shown.items, item: item, principal: principal)
        let view = AgentConversationView(
            item: item, principal: principal, apiID: id, citizen: citizen, messages: shown.items, reader: reader, nextCursor: shown.nextCursor,
            notes: notes, mayReadNotes: mayReadNotes, csrf: page.frame.csrfToken, form: form, now: Date())
        return renderer.page("agent-conversation", title: "Conversation with \(citizen)", frame: page.frame, status: status, context: view.context)
    }

    /// The messages after `position` as list items, for the timeline's polling.
    func newMessages(_ item: InboxItem, after position: Int64, principal: StaffPrincipal) async throws -> Response {
        let shown = try await maskedMessages(item, cursor: OpaqueToken.cursor(kind: "messages", [String(position)]), principal: principal)
        // A message still waiting for its classification is held back (with all after it) until
        // it is classified: the next poll brings it as the reader may see it.
        let settled = Array(shown.items.prefix { !Self.awaitsClassification($0) })
        guard !settled.isEmpty else { return PageRenderer.html("", status: .ok) }
        try await recordViewed(
            AccessRecord(
                action: .messagesRead, route: Self.conversationRoute, records: ["conversation:\(item.conversationID)"],
                maskedPositions: settled.filter(\.masked).map(\.position)),
            by: principal)
        let reader = try await timelineReader(settled, item: item, principal: principal)
        let html = renderer.templates.render("agent-messages", ["messages": settled.map { AgentTimelineEntry($0, reader: reader).context }])
        return PageRenderer.html(html, status: .ok)
    }

    /// What the reader may see beside the messages `items`: the archive state of their received
    /// files with their sizes (one query), the reader's clearance, and which links their roles
    /// allow.
    func timelineReader(_ items: [TimelineItem], item: InboxItem, principal: StaffPrincipal) async throws -> TimelineReader {
        let lookup = MediaLookup(store: store)
        let mayDownload = WebPages.allows(principal, .staff(.mediaDownload))
        let files = mayDownload ? items.compactMap { entry in TimelineReader.mediaID(of: entry).map { (entry, $0) } } : []
        var states = try await lookup.states(ledger: settings.ledger, ids: files.map(\.1))
        // A file archived before schema 31 has no size in its header: a download link's is read from the archive.
        for (entry, mediaID) in files where states[mediaID] == .stored(size: nil) && TimelineReader.isDownloadLink(entry) {
            if case .stored(let media, _) = try? await lookup.media(ledger: settings.ledger, id: mediaID) {
                states[mediaID] = .stored(size: media.bytes.count)
            }
        }
        return TimelineReader(
            conversationPath: "/conversations/\(ids.apiID(item.conversationID))", mediaStates: states,
            clearance: principal.clearance(), mayDownload: mayDownload,
            mayChangeClassification: WebPages.table[TimelineReader.classificationRoute] != nil
                && WebPages.allows(principal, .staff(.classificationOverride)))
    }

    /// Whether the reader is shown nothing of a message only because it is not classified yet
    /// (``ContentMasking`` withholds unclassified messages below clearance 4).
    static func awaitsClassification(_ item: TimelineItem) -> Bool {
        if case .withheld(category: nil) = item.content { return true }
        return false
    }

    /// The position polling continues after: the last message shown before the first one that
    /// awaits its classification (polling brings that one again once it is classified).
    static func settledPosition(_ items: [TimelineItem]) -> Int64 {
        let settled = items.prefix { !awaitsClassification($0) }
        return settled.last?.position ?? items.first.map { $0.position - 1 } ?? 0
    }

    /// A page of the timeline as the caller may see it. - Throws: 404 when the conversation has
    /// no timeline, 400 for a cursor this page did not hand out.
    func maskedMessages(_ item: InboxItem, cursor: String?, principal: StaffPrincipal) async throws -> (items: [TimelineItem], nextCursor: String?) {
        let found: TimelinePage?
        do {
            found = try await ConversationQueries(store: store).messages(
                ledger: settings.ledger, conversation: item.conversationID, limit: ConversationQueries.maxLimit, cursor: cursor)
        } catch is ConversationQueryError {
            throw PageError.badRequest("This page of the conversation no longer exists. Open the conversation again from the inbox.")
        } catch LedgerStoreError.ledgerNotFound {
            found = nil
        }
        guard let timeline = found else { throw PageError.notFound }
        let clearance = principal.clearance()
        return (timeline.items.map { ContentMasking.apply($0, clearance: clearance) }, timeline.nextCursor)
    }

    /// The conversation of the path's `{id}` as the caller's inbox shows it, and the caller:
    /// the 404 page for an id this service did not make, no such conversation, or one outside
    /// the caller's scope for `action` (that refusal recorded as `access.denied`), as the API's
    /// `{id}` routes answer 404 `no_conversation`.
    func scopedConversation(_ page: PageRequest, action: StaffAction, route: String) async throws -> (InboxItem, StaffPrincipal) {
        let principal = try page.staff()
        guard let id = ids.conversationID(fromAPIID: try page.requiredParameter("id")) else { throw PageError.notFound }
        guard let item = try await InboxQueries(store: store).item(ledger: settings.ledger, conversation: id, user: principal.name) else {
            throw PageError.notFound
        }
        guard principal.scope(for: action).includes(team: item.team) else {
            do {
                _ = try await auditor.denied(AccessRecord(action: action, route: route, records: ["conversation:\(id)"]), by: principal)
            } catch {
                logger.error("refused page access not recorded", metadata: ["route": "\(route)", "error": "\(String(reflecting: error))"])
            }
            throw PageError.notFound
        }
        return (item, principal)
    }

    /// The confirmation of `?done=`.
    static func notice(_ done: String?) -> String? {
        switch done {
        case "sent": "Your message is recorded and on its way; its delivery status appears below it."
        case "assigned": "The assignment is changed."
        case "state": "The conversation's state is changed."
        case "note": "Your note is added."
        case "read": "The conversation is marked read."
        case "classified": "The message's data category is changed; the timeline shows it once it is taken in."
        default: nil
        }
    }
}
