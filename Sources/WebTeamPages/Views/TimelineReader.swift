import Access
import Classification
import Foundation
import Messaging
import RecordkeeperCore
import WebFoundation

/// What the reader of a conversation's timeline may see and do beside each message's text: a
/// received message's file (``mediaContext(_:)``, served by `GET /conversations/{id}/media/{media}`
/// under the same rules as `GET /v1/media/{media_id}`), and the link to change a message's
/// classification. It decides nothing the `/v1` API does not: files follow the message's
/// data category against the reader's clearance, as the API's media route does.
struct TimelineReader: Sendable {
    /// The conversation page's path (`/conversations/<id>`).
    let conversationPath: String
    /// The archive state of the received files on the page, by media id (with the size of a file
    /// shown as a download link).
    let mediaStates: [String: MediaArchiveState]
    /// The highest data category the reader sees (nil: none).
    let clearance: DataCategory?
    /// Whether the reader's roles allow `media.download`.
    let mayDownload: Bool
    /// Whether the reader's roles allow `classification.override` and its page exists.
    let mayChangeClassification: Bool

    /// The route of the page that changes a message's classification.
    static let classificationRoute = "GET /conversations/{id}/messages/{position}/classification"
    static let mediaTypes: Set<String> = ["image", "video", "audio", "document", "sticker"]
    /// Types a browser shows itself: `<img>`, `<audio>`, `<video>`.
    static let imageTypes: Set<String> = ["image/jpeg", "image/png", "image/webp"]

    /// The media id of a received message's file; nil for any other message (or one not shown).
    static func mediaID(of item: TimelineItem) -> String? {
        guard item.direction == "inbound", case .available(let message, _) = item.content, let type = message["type"]?.string,
            mediaTypes.contains(type)
        else { return nil }
        return message[type]?["id"]?.string
    }

    /// Whether the timeline shows `item`'s file as a download link (so its size is wanted).
    static func isDownloadLink(_ item: TimelineItem) -> Bool {
        guard case .available(let message, _) = item.content, let type = message["type"]?.string else { return false }
        return !["image", "sticker", "audio", "video"].contains(type)
    }

    /// The link to change the classification of the message at `position`.
    func classificationPath(position: Int64) -> String? {
        mayChangeClassification ? "\(conversationPath)/messages/\(position)/classification" : nil
    }

    /// The `media` context of `agent-message.mustache`: the file shown (image, audio, video or
    /// a download link), or in words why it is not; nil for a message without a file.
    func mediaContext(_ item: TimelineItem) -> [String: Any]? {
        guard case .available(let message, _) = item.content, let type = message["type"]?.string, Self.mediaTypes.contains(type) else {
            return nil
        }
        let content = message[type]
        guard item.direction == "inbound" else {
            return ["notice": "The file was uploaded to WhatsApp from this service; the upload is kept in the ledger with this message's request."]
        }
        guard let id = content?["id"]?.string else { return ["notice": "This message names no file."] }
        let category = item.classification?.category ?? ContentMasking.unclassifiedCategory
        guard let clearance, category <= clearance else {
            return ["notice": "Its file is not shown: the message is of data category \(category.rawValue) (or not classified yet), above your clearance."]
        }
        guard mayDownload else { return ["notice": "Your roles do not open the files citizens send."] }
        switch mediaStates[id] {
        case .stored(let size):
            return shown(type: type, id: id, content: content, size: size)
        case .unavailable:
            return ["notice": "The file could not be downloaded from WhatsApp, so it is not in the archive."]
        case .pending(let attempts):
            let tries = attempts == 0 ? "" : " (\(attempts) failed \(attempts == 1 ? "attempt" : "attempts") so far)"
            return ["notice": "The file is not downloaded from WhatsApp yet\(tries). Reload the page in a moment."]
        case nil:
            return ["notice": "The file is not downloaded from WhatsApp yet. Reload the page in a moment."]
        }
    }

    private func shown(type: String, id: String, content: JSONValue?, size: Int?) -> [String: Any] {
        let source = "\(conversationPath)/media/\(PageGate.percentEncoded(id))"
        let mime = content?["mime_type"]?.string?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let caption = content?["caption"]?.string.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        let typeText = mime ?? "type unknown"
        if type == "image" || type == "sticker", let mime, Self.imageTypes.contains(mime) {
            let noun = type == "sticker" ? "Sticker" : "Image"
            return [
                "image": ["src": source, "alt": caption ?? "\(noun) sent by the citizen"],
                "link": ["href": source, "text": "Download the \(noun.lowercased()) (\(typeText))"],
            ]
        }
        switch type {
        case "audio":
            return ["audio": ["src": source], "link": ["href": source, "text": "Download the audio (\(typeText))"]]
        case "video":
            return ["video": ["src": source], "link": ["href": source, "text": "Download the video (\(typeText))"]]
        default:
            var details = [typeText]
            if let size { details.append(ReplyAttachment.sizeText(size)) }
            let name = content?["filename"]?.string.map { " “\($0)”" } ?? ""
            return ["link": ["href": source, "text": "Download the \(type == "document" ? "document" : "file")\(name) (\(details.joined(separator: ", ")))"]]
        }
    }
}
