import Access
import Foundation
import Inbox
import Messaging
import WebFoundation

/// What the conversation page (`agent-conversation.mustache`) shows: the conversation's
/// header, its timeline, notes, and the forms of the commands the caller's roles allow (the
/// commands themselves decide; a form is only left out when its route would refuse the caller).
struct AgentConversationView {
    let item: InboxItem
    let principal: StaffPrincipal
    let apiID: String
    let citizen: String
    /// The timeline, already masked for the caller.
    let messages: [TimelineItem]
    /// What the caller may see and do beside the messages (files, classification links).
    let reader: TimelineReader
    let nextCursor: String?
    let notes: [InboxNote]
    let mayReadNotes: Bool
    let csrf: String
    let form: WebApplication.ConversationForms
    let now: Date

    var path: String { "/conversations/\(apiID)" }

    var context: [String: Any] {
        let windowOpen = item.windowOpen(at: now)
        var context: [String: Any] = [
            "id": apiID, "path": path, "citizen": citizen, "csrf": csrf, "team": item.team ?? "Not routed yet",
            "assignee": item.assignee ?? "Unassigned", "state": item.state, "unread": String(item.unread),
            "window": InboxRow.windowText(closesAt: item.windowClosesAt, now: now), "windowOpen": windowOpen,
            "messages": messages.map { AgentTimelineEntry($0, reader: reader).context }, "empty": messages.isEmpty, "mayReadNotes": mayReadNotes,
            "notes": notes.map { note in
                [
                    "author": note.author, "time": PageText.timeText(note.createdAt), "timeISO": note.createdAt.ISO8601Format(),
                    "text": note.text ?? "(This note's text has been destroyed.)",
                ]
            },
            "noNotes": notes.isEmpty,
        ]
        if let closes = item.windowClosesAt, closes > now { context["windowClosesAt"] = ["iso": closes.ISO8601Format()] }
        if let notice = form.notice { context["notice"] = ["text": notice] }
        if let error = form.errors["actions"] { context["actionsError"] = ["text": error] }
        if let nextCursor {
            context["later"] = ["path": "\(path)?cursor=\(PageGate.percentEncoded(nextCursor))"]
        } else {
            // Polling and the no-script reload link follow the end of the timeline only.
            context["live"] = ["after": String(WebApplication.settledPosition(messages))]
        }
        if allows(.messageSend) { context["reply"] = replyForm(windowOpen: windowOpen) }
        if allows(.conversationAssign) { context["assign"] = assignForm }
        if allows(.conversationStateChange) { context["stateForm"] = ["buttons": stateButtons] }
        if allows(.noteAdd) {
            context["noteForm"] = [
                "field": field(FormField(id: "note-text", label: "Note", name: "text", hint: "Seen by staff only; never sent to the citizen."))
            ]
        }
        if allows(.conversationMarkRead), item.unread > 0 { context["markRead"] = true }
        return context
    }

    private func allows(_ action: StaffAction) -> Bool { WebPages.allows(principal, .staff(action)) }

    /// A field with what was typed and its error.
    private func field(_ field: FormField) -> [String: Any] {
        var field = field
        field.value = form.values[field.id] ?? field.value
        field.error = form.errors[field.id]
        return field.context
    }

    /// Text inside the window; outside it, a template (name and language) and why.
    private func replyForm(windowOpen: Bool) -> [String: Any] {
        var reply: [String: Any] = ["idempotency": UUID().uuidString.lowercased()]
        if windowOpen {
            reply["text"] = field(
                FormField(
                    id: "reply-text", label: "Your reply", name: "text",
                    hint: "Sent to the citizen on WhatsApp exactly as written. With a file attached, it is optional and sent as the file's caption.",
                    required: false))
            var file = field(
                FormField(
                    id: ReplyAttachment.fieldID, label: "Attach a file (optional)", name: ReplyAttachment.fieldName,
                    hint: "WhatsApp sends \(ReplyAttachment.typesText). Audio is sent without a caption.", required: false))
            file["accept"] = ReplyAttachment.accept
            reply["file"] = file
        } else {
            reply["closed"] = [
                "why": item.windowClosesAt == nil
                    ? "The citizen has not written to this number, so WhatsApp allows only an approved template message."
                    : "The citizen's last message is more than 24 hours old, so WhatsApp allows only an approved template message until they write again."
            ]
            reply["templateFields"] = [
                field(
                    FormField(
                        id: "template-name", label: "Template name", name: "template",
                        hint: "The name of a template your agency's WhatsApp account has had approved by Meta, e.g. hello_world.")),
                field(
                    FormField(
                        id: "template-language", label: "Template language", name: "language", value: "en_US",
                        hint: "The language code it was approved in, e.g. en_US or es.")),
            ]
        }
        return reply
    }

    private var assignForm: [String: Any] {
        var assign: [String: Any] = [
            "me": principal.name, "field": field(FormField(id: "assign-to", label: "Assign to", name: "assignee", hint: "A member of staff's user name.")),
        ]
        if item.assignee != principal.name { assign["assignMe"] = true }
        if item.assignee != nil { assign["unassign"] = true }
        return assign
    }

    /// The states the conversation can be moved to from its current one.
    private var stateButtons: [[String: String]] {
        let isOpen = item.state == "open" || item.state == "reopened"
        var buttons: [[String: String]] = []
        if !isOpen { buttons.append(["value": "open", "title": "Reopen"]) }
        if item.state != "pending" { buttons.append(["value": "pending", "title": "Mark pending"]) }
        if item.state != "closed" { buttons.append(["value": "closed", "title": "Close"]) }
        return buttons
    }
}
