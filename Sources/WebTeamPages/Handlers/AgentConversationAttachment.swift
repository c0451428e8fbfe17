import Access
import Foundation
import Hummingbird
import Inbox
import Logging
import Messaging
import RecordkeeperCore
import WebFoundation

/// A reply with a file (the reply form is `multipart/form-data`): the file is checked against
/// what WhatsApp sends (``ReplyAttachment``: type and size, the error at the file field), uploaded
/// to Meta exactly as `POST /v1/media` uploads it (``GraphProxy/uploadFile(_:mimeType:filename:phoneNumberID:caller:)``:
/// recorded before it is forwarded), then sent as `POST /v1/conversations/{id}/messages` sends a
/// media message (`{"type":"image","image":{"id":…,"caption":…}}`), the reply's text as its
/// caption. Nothing is uploaded for a reply the send request would refuse (closed window,
/// caption too long, a caption on audio).
extension WebApplication {
    /// The reply form's route, as the access log and the gate name it.
    static let replyRoute = "POST /conversations/{id}/reply"

    func replyWithFile(_ page: PageRequest, item: InboxItem, principal: StaffPrincipal, file: FormFile) async throws -> Response {
        let text = page.form["text"] ?? ""
        var form = ConversationForms(values: ["reply-text": text])
        func refused(_ field: String, _ message: String) async throws -> Response {
            form.errors[field] = message
            return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
        }
        let kind: ReplyAttachment.Kind
        switch ReplyAttachment.kind(of: file) {
        case .success(let found): kind = found
        case .failure(let refusal): return try await refused(ReplyAttachment.fieldID, refusal.message)
        }
        let caption = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !caption.isEmpty, !kind.takesCaption {
            return try await refused("reply-text", "WhatsApp sends audio without a caption: clear “Your reply”, or send the text as a reply of its own.")
        }
        if caption.count > ReplyAttachment.maximumCaption {
            return try await refused(
                "reply-text",
                "A file's caption may be at most \(ReplyAttachment.maximumCaption) characters; yours is \(caption.count). Shorten it, or send the text on its own."
            )
        }
        guard let graph, graph.configuredVersion != nil else {
            return try await refused(
                ReplyAttachment.fieldID, "This service cannot send files: it has no WhatsApp access token. Ask its operator to set WHATSAPP_ACCESS_TOKEN.")
        }
        guard let summary = try await ConversationQueries(store: store).summary(ledger: settings.ledger, id: item.conversationID) else {
            throw PageError.notFound
        }
        do {
            try SendWindow.check(kind: kind.messageType, lastInboundAt: summary.lastInboundAt)
        } catch {
            Self.show(error, in: &form)
            return try await conversationPage(page, item: item, principal: principal, form: form, status: .unprocessableContent)
        }
        let uploaded: UploadedMedia
        do {
            uploaded = try await graph.uploadFile(
                file.bytes, mimeType: file.contentType, filename: file.filename, phoneNumberID: summary.phoneNumberID, caller: .staff(principal))
        } catch {
            logger.warning("reply file not uploaded", metadata: ["error": "\(error)"])
            return try await refused(ReplyAttachment.fieldID, Self.uploadSentence(error))
        }
        var media: [String: JSONValue] = ["id": .string(uploaded.mediaID)]
        if !caption.isEmpty { media["caption"] = .string(caption) }
        if kind.messageType == "document" { media["filename"] = .string(file.filename) }
        let request = JSONValue.object(["type": .string(kind.messageType), kind.messageType: .object(media)])
        return try await sendReply(page, item: item, principal: principal, request: request, form: form)
    }

    /// Why the upload gave no media id, for the file field.
    static func uploadSentence(_ error: FileUploadError) -> String {
        switch error {
        case .proxy(.cannotRecord):
            "Your file was not sent: it could not be recorded in the ledger first. Try again in a moment."
        case .proxy(.noAnswer):
            "WhatsApp did not answer the upload in time; the attempt is recorded. Choose the file and send it again."
        case .proxy(.notConfigured):
            "This service cannot send files: it has no WhatsApp access token. Ask its operator to set WHATSAPP_ACCESS_TOKEN."
        case .proxy(.invalidRequest(let why)):
            "Your file was not sent: \(why)."
        case let .refused(status, detail, _):
            "WhatsApp refused the file (HTTP \(status): \(detail)). Check that it is a file of the type it says it is, and try another."
        }
    }
}
