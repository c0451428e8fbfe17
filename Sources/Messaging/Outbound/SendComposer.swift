public import RecordkeeperCore
public import WhatsApp

/// Turns a send API request (docs/api.md, "Sending") into the exact Graph request body for a
/// conversation's citizen, checking what Meta documents as limits first so that a mistake is
/// answered at once with the field at fault instead of a Graph error later.
///
/// The send API body is the Graph message body without the envelope: `{"type":"text","text":{…}}`,
/// plus optional `reply_to` (a wamid) and `biz_opaque_callback_data`. The composer adds
/// `messaging_product`, `recipient_type`, `to` (the citizen's wa_id) or `recipient` (their BSUID
/// when no wa_id is known), `context`, and `biz_opaque_callback_data` `rk1:<request_id>` unless
/// the client set its own. Mark-as-read is `{"type":"mark_read","message_id":…}` (optionally
/// `"typing_indicator":true`).
public struct SendComposer: Sendable {
    /// The types the send API accepts.
    public static let types: Set<String> = [
        "text", "template", "image", "video", "audio", "document", "sticker", "interactive", "reaction", "location", "contacts",
        OutboundMessage.markRead,
    ]
    static let mediaTypes: Set<String> = ["image", "video", "audio", "document", "sticker"]
    static let topLevel: Set<String> = ["type", "reply_to", "biz_opaque_callback_data", "message_id", "typing_indicator"]

    public init() {}

    /// The composed Graph body.
    public struct Composed: Sendable {
        public var body: [UInt8]
        public var message: OutboundMessage
    }

    /// - Parameters:
    ///   - request: the parsed send API body.
    ///   - citizen: the conversation's citizen (wa_id preferred, BSUID otherwise).
    ///   - requestID: the new request's id (for the callback data).
    /// - Throws: ``SendRequestError/invalid(field:reason:)``.
    public func compose(_ request: JSONValue, citizen: CitizenIdentity, requestID: String) throws(SendRequestError) -> Composed {
        guard let object = request.object else { throw .invalid(field: "(body)", reason: "must be a JSON object") }
        guard let type = object["type"]?.string else {
            throw .invalid(field: "type", reason: "is required: one of \(Self.types.sorted().joined(separator: ", "))")
        }
        guard Self.types.contains(type) else {
            throw .invalid(field: "type", reason: "\"\(type)\" is not one of \(Self.types.sorted().joined(separator: ", "))")
        }
        for key in object.keys where !Self.topLevel.contains(key) && key != type {
            throw .invalid(field: key, reason: "is not a field of a \(type) request (put the message in \"\(type)\")")
        }
        var graph: [String: JSONValue] = ["messaging_product": .string("whatsapp")]
        if type == OutboundMessage.markRead {
            graph["status"] = .string("read")
            graph["message_id"] = .string(try Self.text(object["message_id"], field: "message_id", max: 512))
            if object["typing_indicator"]?.bool == true { graph["typing_indicator"] = .object(["type": .string("text")]) }
        } else {
            guard let content = object[type], content.object != nil || (type == "contacts" && content.array?.isEmpty == false) else {
                throw .invalid(
                    field: type,
                    reason: type == "contacts"
                        ? "is required: a non-empty array of contact cards" : "is required and must be an object for type \"\(type)\"")
            }
            try Self.validate(type: type, content: content)
            graph["recipient_type"] = .string("individual")
            if let waID = citizen.waID {
                graph["to"] = .string(waID)
            } else if let userID = citizen.userID {
                graph["recipient"] = .string(userID)
            } else {
                throw .invalid(field: "(conversation)", reason: "the conversation has no citizen identifier to send to")
            }
            graph["type"] = .string(type)
            graph[type] = content
            if let replyTo = object["reply_to"] {
                graph["context"] = .object(["message_id": .string(try Self.text(replyTo, field: "reply_to", max: 512))])
            }
            if let callback = object["biz_opaque_callback_data"] {
                graph["biz_opaque_callback_data"] = .string(try Self.text(callback, field: "biz_opaque_callback_data", max: 512))
            } else {
                graph["biz_opaque_callback_data"] = .string(SendRequestReference.callbackPrefix + requestID)
            }
        }
        let json = JSONValue.object(graph)
        let body: [UInt8]
        do {
            body = try json.encoded()
        } catch {
            throw .invalid(field: "(body)", reason: "cannot be encoded: \(error)")
        }
        do {
            return Composed(body: body, message: try OutboundMessage(json: json))
        } catch {
            throw .invalid(field: "(body)", reason: error.description)
        }
    }

    // MARK: Checks (reference: whatsapp-sending.md §2)

    static func validate(type: String, content: JSONValue) throws(SendRequestError) {
        switch type {
        case "text":
            _ = try text(content["body"], field: "text.body", max: 4096)
            if let preview = content["preview_url"], preview.bool == nil { throw .invalid(field: "text.preview_url", reason: "must be true or false") }
        case "template":
            _ = try text(content["name"], field: "template.name", max: 512)
            _ = try text(content["language"]?["code"], field: "template.language.code", max: 32)
            if let components = content["components"], components.array == nil {
                throw .invalid(field: "template.components", reason: "must be an array")
            }
        case _ where mediaTypes.contains(type):
            let id = content["id"]?.string
            let link = content["link"]?.string
            guard (id == nil) != (link == nil) else {
                throw .invalid(field: "\(type).id", reason: "give exactly one of \"id\" (an uploaded media id) and \"link\" (an https URL)")
            }
            if let link, !link.lowercased().hasPrefix("https://") {
                throw .invalid(field: "\(type).link", reason: "must be an https:// URL")
            }
            if let caption = content["caption"] {
                guard type != "audio", type != "sticker" else { throw .invalid(field: "\(type).caption", reason: "\(type) messages have no caption") }
                _ = try text(caption, field: "\(type).caption", max: 1024)
            }
        case "interactive":
            try validateInteractive(content)
        case "reaction":
            _ = try text(content["message_id"], field: "reaction.message_id", max: 512)
            guard content["emoji"]?.string != nil else {
                throw .invalid(field: "reaction.emoji", reason: "is required (an emoji, or \"\" to remove the reaction)")
            }
        case "location":
            guard content["latitude"].flatMap(number) != nil, content["longitude"].flatMap(number) != nil else {
                throw .invalid(field: "location.latitude", reason: "latitude and longitude are required numbers")
            }
        default:
            break
        }
    }

    static func validateInteractive(_ content: JSONValue) throws(SendRequestError) {
        let kind = try text(content["type"], field: "interactive.type", max: 64)
        switch kind {
        case "button":
            _ = try text(content["body"]?["text"], field: "interactive.body.text", max: 1024)
            guard let buttons = content["action"]?["buttons"]?.array, (1...3).contains(buttons.count) else {
                throw .invalid(field: "interactive.action.buttons", reason: "must hold 1 to 3 reply buttons")
            }
            for (index, button) in buttons.enumerated() {
                _ = try text(button["reply"]?["id"], field: "interactive.action.buttons[\(index)].reply.id", max: 256)
                _ = try text(button["reply"]?["title"], field: "interactive.action.buttons[\(index)].reply.title", max: 20)
            }
        case "list":
            _ = try text(content["body"]?["text"], field: "interactive.body.text", max: 4096)
            _ = try text(content["action"]?["button"], field: "interactive.action.button", max: 20)
            guard let sections = content["action"]?["sections"]?.array, (1...10).contains(sections.count) else {
                throw .invalid(field: "interactive.action.sections", reason: "must hold 1 to 10 sections")
            }
        default:
            break
        }
    }

    /// A non-empty string of at most `max` characters.
    static func text(_ value: JSONValue?, field: String, max: Int) throws(SendRequestError) -> String {
        guard let string = value?.string else { throw .invalid(field: field, reason: "is required and must be a string") }
        guard !string.isEmpty else { throw .invalid(field: field, reason: "must not be empty") }
        guard string.count <= max else { throw .invalid(field: field, reason: "is \(string.count) characters long; at most \(max) are allowed") }
        return string
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .double(let number): number
        default: nil
        }
    }
}
