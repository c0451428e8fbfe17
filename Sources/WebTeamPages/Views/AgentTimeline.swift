import Classification
import Foundation
import Messaging
import RecordkeeperCore
import WebFoundation

/// One message of a conversation's timeline as the conversation page shows it: who wrote it
/// and when, what it holds (already masked by ``ContentMasking`` for the reader), and for our
/// own messages how far delivery got, with a received file as ``TimelineReader`` shows it.
/// Nothing here decides what a reader may see: the item arrives masked.
struct AgentTimelineEntry {
    let item: TimelineItem
    /// What the reader may see and do beside the text (files, the classification link); nil: text only.
    let reader: TimelineReader?

    init(_ item: TimelineItem, reader: TimelineReader? = nil) {
        self.item = item
        self.reader = reader
    }

    /// The template's context (`agent-message.mustache`).
    var context: [String: Any] {
        let inbound = item.direction == "inbound"
        var context: [String: Any] = [
            "position": String(item.position), "inbound": inbound, "who": inbound ? "Citizen" : "Sent by the agency",
            "time": PageText.timeText(item.occurredAt), "timeISO": item.occurredAt.ISO8601Format(),
        ]
        switch item.content {
        case .available(let message, _):
            let shown = Self.describe(message)
            context["kind"] = shown.kind
            if let text = shown.text { context["messageText"] = ["value": text] }
            if item.masked {
                context["messageNotice"] = ["text": "Parts of this message are above your clearance and are masked (•••)."]
            }
        case .withheld(let category):
            context["kind"] = "Content withheld"
            context["messageNotice"] = [
                "text": category.map { "This message is of data category \($0.rawValue), above your clearance: its content is not shown." }
                    ?? "This message is not classified yet, so only staff cleared for category 4 see it for now."
            ]
        case .destroyed(let position):
            context["kind"] = "Destroyed"
            context["messageNotice"] = ["text": "This message was destroyed under its retention schedule (ledger entry \(position))."]
        case .sealed:
            context["kind"] = "Not readable here"
            context["messageNotice"] = ["text": "This service has no master key to open stored messages. Ask its operator."]
        case .unavailable:
            context["kind"] = "Not readable"
            context["messageNotice"] = ["text": "This message's content cannot be read. An auditor can check the ledger with “recordkeeper verify”."]
        }
        if let media = reader?.mediaContext(item) { context["media"] = media }
        if let path = reader?.classificationPath(position: item.position) { context["classificationPath"] = ["path": path] }
        if !inbound { context["delivery"] = ["text": statusText] }
        if let category = item.classification?.category { context["messageCategory"] = ["text": "Category \(category.rawValue)"] }
        return context
    }

    /// How far our message got: requested, sent, delivered, read or failed (with Meta's code).
    var statusText: String {
        let status = item.status ?? "requested"
        let name =
            switch status {
            case "requested": "Waiting to be sent"
            case "accepted": "Sent to WhatsApp"
            case "sent": "Sent"
            case "delivered": "Delivered"
            case "read": "Read by the citizen"
            case "failed": "Not delivered" + (item.errorCode.map { " (WhatsApp error \($0))" } ?? "")
            default: status.prefix(1).uppercased() + status.dropFirst()
            }
        guard let at = item.statusAt else { return name }
        return "\(name), \(PageText.timeText(at))"
    }

    /// A message document (an inbound Cloud API message, or the Graph body we sent) in words:
    /// its kind (with a media file's type and name) and its text, if it has one.
    static func describe(_ message: JSONValue) -> (kind: String, text: String?) {
        let type = message["type"]?.string ?? "unknown"
        let content = message[type]
        switch type {
        case "text":
            return ("Text", content?["body"]?.string)
        case "image", "video", "audio", "document", "sticker":
            var details: [String] = []
            if let name = content?["filename"]?.string { details.append("“\(name)”") }
            if let mime = content?["mime_type"]?.string { details.append(mime) }
            let kind = type.prefix(1).uppercased() + type.dropFirst() + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
            return (kind, content?["caption"]?.string)
        case "template":
            let name = content?["name"]?.string ?? "unnamed"
            let language = content?["language"]?["code"]?.string
            return ("Template “\(name)”" + (language.map { " (\($0))" } ?? ""), nil)
        case "location":
            let place = [content?["name"]?.string, content?["address"]?.string].compactMap { $0 }.joined(separator: ", ")
            return ("Location", place.isEmpty ? nil : place)
        case "interactive":
            let reply = content?["button_reply"]?["title"]?.string ?? content?["list_reply"]?["title"]?.string
            return ("Interactive", reply ?? content?["body"]?["text"]?.string)
        case "button":
            return ("Button", content?["text"]?.string)
        case "reaction":
            return ("Reaction", content?["emoji"]?.string)
        default:
            return ("A \(type) message", nil)
        }
    }
}
