import Access
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Messaging
import RecordkeeperCore
import WebFoundation

/// The conversation page's forms, each the command of its `/v1` operation:
///
/// - `POST /conversations/{id}/reply`: ``SendRequests/request(conversation:body:idempotencyKey:actor:via:now:)``
///   as `POST /v1/conversations/{id}/messages` (text inside the 24-hour window, a template
///   outside it; the form's one-time key makes a resent form record nothing new); with a file,
///   the file is uploaded first as `POST /v1/media` uploads it (`AgentConversationAttachment.swift`);
/// - `POST /conversations/{id}/assignment`, `…/state`, `…/notes`, `…/read`:
///   ``InboxCommands`` as the API's `assignConversation`, `changeConversationState`,
///   `addNote`, `markConversationRead`.
///
/// A refusal is the conversation page again (422) with the command's message at its field; a
/// success is 303 to the conversation page with a notice.
extension WebApplication {
    func reply(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .messageSend, route: Self.replyRoute)
        if let file = page.form.files[ReplyAttachment.fieldName] {
            return try await replyWithFile(page, item: item, principal: principal, file: file)
        }
        var form = ConversationForms()
        let request: JSONValue
        if let templateName = page.form["template"] {
            form.values = ["template-name": templateName, "template-language": page.form["language"] ?? ""]
            guard let name = page.form.trimmed("template"), let language = page.form.trimmed("language") else {
                if page.form.trimmed("template") == nil { form.errors["template-name"] = "Enter the name of an approved template." }
                if page.form.trimmed("language") == nil { form.errors["template-language"] = "Enter the template's language code, e.g. en_US." }
                return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
            }
            request = .object(["type": .string("template"), "template": .object(["name": .string(name), "language": .object(["code": .string(language)])])])
        } else {
            let text = page.form["text"] ?? ""
            form.values = ["reply-text": text]
            guard !text.allSatisfy(\.isWhitespace) else {
                form.errors["reply-text"] = "Type your reply before sending it."
                return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
            }
            request = .object(["type": .string("text"), "text": .object(["body": .string(text)])])
        }
        return try await sendReply(page, item: item, principal: principal, request: request, form: form)
    }

    /// Records `request` as the send API does; the page again (422) with the refusal at its
    /// field, or 303 to the page with the notice.
    func sendReply(
        _ page: PageRequest, item: InboxItem, principal: StaffPrincipal, request: JSONValue, form: ConversationForms
    ) async throws -> Response {
        var form = form
        let key = page.form["idempotency"].flatMap { key in
            (1...200).contains(key.utf8.count) && key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) ? key : nil
        }
        do {
            _ = try await SendRequests(store: store, ledger: settings.ledger).request(
                conversation: item.conversationID, body: try request.encoded(), idempotencyKey: key, actor: principal.actor)
        } catch let error as SendRequestError {
            if case .noConversation = error { throw PageError.notFound }
            Self.show(error, in: &form)
            return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
        }
        return PageRenderer.redirect(to: "/conversations/\(ids.apiID(item.conversationID))?done=sent")
    }

    /// A refused send request at the form's field it concerns (or above the forms).
    static func show(_ error: SendRequestError, in form: inout ConversationForms) {
        switch error {
        case .noConversation:
            form.errors["actions"] = "This conversation no longer exists."
        case .invalid(let field, let reason):
            let id = field.hasPrefix("template.language") ? "template-language" : field.hasPrefix("template") ? "template-name" : "reply-text"
            form.errors[form.values[id] == nil ? "actions" : id] = Self.sentence("\(field) \(reason)")
        case .windowClosed:
            form.errors["actions"] =
                "Your reply was not sent: the citizen's 24-hour window has closed, so WhatsApp allows only an approved template message. "
                + "The form below now offers one."
        case .idempotencyKeyReused, .notJSON:
            form.errors["actions"] = "This form was already used for another message. Reload the page and send your reply again."
        }
    }

    func assignConversation(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .conversationAssign, route: "POST /conversations/{id}/assignment")
        let assignee = page.form.trimmed("assignee")
        guard assignee != nil || page.form["unassign"] == "1" else {
            let form = ConversationForms(errors: ["assign-to": "Enter the user name of the person to assign."], values: ["assign-to": ""])
            return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
        }
        return try await command(page, item, principal, done: "assigned", field: "assign-to", values: ["assign-to": page.form["assignee"] ?? ""]) {
            _ = try await InboxCommands(store: store, ledger: settings.ledger).assign(item, InboxCommands.Assignment(assignee: assignee), by: principal)
        }
    }

    func changeConversationState(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .conversationStateChange, route: "POST /conversations/{id}/state")
        let state = page.form["state"] ?? ""
        return try await command(page, item, principal, done: "state", field: "actions") {
            _ = try await InboxCommands(store: store, ledger: settings.ledger).changeState(item, to: state, by: principal)
        }
    }

    func addConversationNote(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .noteAdd, route: "POST /conversations/{id}/notes")
        let text = page.form["text"] ?? ""
        return try await command(page, item, principal, done: "note", field: "note-text", values: ["note-text": text]) {
            _ = try await InboxCommands(store: store, ledger: settings.ledger).addNote(item, text: text, by: principal)
        }
    }

    func markConversationRead(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .conversationMarkRead, route: "POST /conversations/{id}/read")
        return try await command(page, item, principal, done: "read", field: "actions") {
            let commands = InboxCommands(store: store, ledger: settings.ledger)
            let latest = try await InboxQueries(store: store).latestMessagePosition(ledger: settings.ledger, conversation: item.conversationID)
            _ = try await commands.markRead(item, upTo: nil, latest: latest, by: principal)
        }
    }

    /// Runs an inbox command: 303 to the page with `done`'s notice, or the page again (422) with
    /// the command's refusal at `field`.
    private func command(
        _ page: PageRequest, _ item: InboxItem, _ principal: StaffPrincipal, done: String, field: String, values: [String: String] = [:],
        _ run: () async throws -> Void
    ) async throws -> Response {
        do {
            try await run()
        } catch let error as InboxCommandError {
            let form = ConversationForms(errors: [field: Self.sentence(error.description)], values: values)
            return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
        }
        return PageRenderer.redirect(to: "/conversations/\(ids.apiID(item.conversationID))?done=\(done)")
    }

    /// A domain message as a sentence: capital first letter, full stop.
    static func sentence(_ text: String) -> String {
        let capital = text.prefix(1).uppercased() + text.dropFirst()
        return capital.hasSuffix(".") ? capital : capital + "."
    }
}
