import Crypto
public import Foundation
import RecordkeeperCore

/// An authentic webhook delivery, parsed into items.
///
/// Parsing never drops data: every entry × change × message, status and error becomes an item
/// that keeps its JSON object whole. What does not fit the expected shape is listed in
/// ``problems``, and the caller then also archives the exact body, unparsed, for review.
public struct WebhookDelivery: Sendable {
    /// Every item, in delivery order.
    public var items: [WebhookItem]
    /// What did not fit the expected shape (an unknown field, a message without an id …).
    /// Non-empty means the body must also be archived raw.
    public var problems: [String]
    /// Hex SHA-256 of the exact body bytes.
    public var bodySHA256: String

    /// Parses a delivery body (already authenticated).
    /// - Throws: ``WebhookParseError`` when the body is not JSON or not a WhatsApp delivery at all.
    public static func parse(_ body: some DataProtocol) throws(WebhookParseError) -> WebhookDelivery {
        let digest = Self.sha256Hex(body)
        let root: JSONValue
        do {
            root = try JSONValue.parse(body)
        } catch {
            throw .notJSON
        }
        guard root.object != nil else { throw .unexpectedShape("the body is not a JSON object") }
        guard let entries = root["entry"]?.array else { throw .unexpectedShape("the body has no entry array") }
        var parser = DeliveryParser(object: root.text("object") ?? "", digest: digest)
        for (entryIndex, entry) in entries.enumerated() {
            parser.parse(entry: entry, index: entryIndex)
        }
        if parser.object != "whatsapp_business_account" {
            parser.problems.append("object is \(root["object"].map { "\($0)" } ?? "missing"), not whatsapp_business_account")
        }
        if parser.items.isEmpty && parser.problems.isEmpty {
            parser.problems.append("the delivery holds no message, status, error or notification")
        }
        return WebhookDelivery(items: parser.items, problems: parser.problems, bodySHA256: digest)
    }

    /// Hex SHA-256 of bytes.
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        HexText.lowercase(SHA256.hash(data: bytes))
    }
}

/// Why a delivery could not be parsed at all. Its body is archived raw all the same.
public enum WebhookParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is not JSON (truncated, not UTF-8, …).
    case notJSON
    /// The body is JSON but not a WhatsApp delivery.
    case unexpectedShape(String)

    public var description: String {
        switch self {
        case .notJSON: "the body is not valid JSON"
        case .unexpectedShape(let what): what
        }
    }

    /// A short machine-readable reason.
    public var reason: String {
        switch self {
        case .notJSON: "not_json"
        case .unexpectedShape: "unexpected_shape"
        }
    }
}

/// The walk over entries and changes, collecting items and problems.
struct DeliveryParser {
    let object: String
    let digest: String
    var items: [WebhookItem] = []
    var problems: [String] = []

    init(object: String, digest: String) {
        self.object = object
        self.digest = digest
    }

    mutating func parse(entry: JSONValue, index entryIndex: Int) {
        guard entry.object != nil else {
            problems.append("entry[\(entryIndex)] is not an object")
            return
        }
        guard let changes = entry["changes"]?.array else {
            problems.append("entry[\(entryIndex)] has no changes array")
            return
        }
        for (changeIndex, change) in changes.enumerated() {
            let place = "entry[\(entryIndex)].changes[\(changeIndex)]"
            guard let field = change.text("field") else {
                problems.append("\(place) has no field")
                continue
            }
            let value = change["value"]
            let metadata = value?["metadata"]
            let envelope = WebhookEnvelope(
                object: object, wabaID: entry.text("id") ?? entry["id"]?.integer.map(String.init), entryTime: entry["time"]?.integer,
                field: field, messagingProduct: value?.text("messaging_product"),
                phoneNumberID: metadata?.text("phone_number_id"), displayPhoneNumber: metadata?.text("display_phone_number"),
                entryIndex: entryIndex, changeIndex: changeIndex
            )
            if field == "messages" {
                guard let value, value.object != nil else {
                    problems.append("\(place).value is not an object")
                    continue
                }
                parseMessagesValue(value, envelope: envelope, place: place)
            } else if WebhookFields.known.contains(field) {
                items.append(.notification(FieldNotification(envelope: envelope, change: change)))
            } else {
                problems.append("\(place) has the unknown field \"\(field)\"")
            }
        }
    }

    private mutating func parseMessagesValue(_ value: JSONValue, envelope: WebhookEnvelope, place: String) {
        guard envelope.phoneNumberID != nil else {
            problems.append("\(place).value.metadata has no phone_number_id")
            return
        }
        let contacts = value["contacts"]?.array ?? []
        var found = false
        for (index, message) in (value["messages"]?.array ?? []).enumerated() {
            found = true
            if let item = inboundMessage(message, index: index, contacts: contacts, envelope: envelope, place: "\(place).value.messages[\(index)]") {
                items.append(.message(item))
            }
        }
        for (index, status) in (value["statuses"]?.array ?? []).enumerated() {
            found = true
            if let item = statusUpdate(status, index: index, contacts: contacts, envelope: envelope, place: "\(place).value.statuses[\(index)]") {
                items.append(.status(item))
            }
        }
        for (index, error) in (value["errors"]?.array ?? []).enumerated() {
            found = true
            items.append(.error(ValueError(envelope: envelope, error: error, code: error["code"]?.integer, index: index)))
        }
        if !found {
            problems.append("\(place).value has no messages, statuses or errors")
        }
    }

    private mutating func inboundMessage(
        _ message: JSONValue, index: Int, contacts: [JSONValue], envelope: WebhookEnvelope, place: String
    ) -> InboundMessage? {
        guard message.object != nil, let id = message.text("id") else {
            problems.append("\(place) has no id")
            return nil
        }
        let type = message.text("type") ?? "unknown"
        let (citizen, contact) = Self.citizen(of: message, userIDKey: "from_user_id", waIDKey: "from", contacts: contacts)
        guard citizen.isKnown else {
            problems.append("\(place) names no sender (from, from_user_id or a contact)")
            return nil
        }
        return InboundMessage(
            envelope: envelope, contact: contact, message: message, id: id, type: type,
            timestamp: message["timestamp"]?.integer, citizen: citizen, mediaID: Self.mediaID(of: message, type: type), index: index
        )
    }

    private mutating func statusUpdate(
        _ status: JSONValue, index: Int, contacts: [JSONValue], envelope: WebhookEnvelope, place: String
    ) -> StatusUpdate? {
        guard status.object != nil, let id = status.text("id"), let state = status.text("status") else {
            problems.append("\(place) has no id or status")
            return nil
        }
        let (citizen, contact) = Self.citizen(of: status, userIDKey: "recipient_user_id", waIDKey: "recipient_id", contacts: contacts)
        guard citizen.isKnown else {
            problems.append("\(place) names no recipient (recipient_id, recipient_user_id or a contact)")
            return nil
        }
        return StatusUpdate(
            envelope: envelope, contact: contact, status: status, messageID: id, state: state,
            timestamp: status["timestamp"]?.integer, citizen: citizen, index: index
        )
    }

    /// The citizen an item names (its own BSUID and `wa_id` members, completed from its
    /// contact), and that contact.
    static func citizen(of item: JSONValue, userIDKey: String, waIDKey: String, contacts: [JSONValue]) -> (CitizenIdentity, JSONValue?) {
        let contact = matchingContact(contacts, userID: item.text(userIDKey), waID: item.text(waIDKey))
        let citizen = CitizenIdentity(
            userID: item.text(userIDKey) ?? contact?.text("user_id"), waID: item.text(waIDKey) ?? contact?.text("wa_id")
        )
        return (citizen, contact)
    }

    /// The contact with the same BSUID or `wa_id`; the only contact when the item names neither.
    static func matchingContact(_ contacts: [JSONValue], userID: String?, waID: String?) -> JSONValue? {
        if let userID, let match = contacts.first(where: { $0.text("user_id") == userID }) { return match }
        if let waID, let match = contacts.first(where: { $0.text("wa_id") == waID }) { return match }
        if userID == nil && waID == nil && contacts.count == 1 { return contacts[0] }
        return nil
    }

    /// The media id of a media message, also of an edit whose new message is media.
    static func mediaID(of message: JSONValue, type: String) -> String? {
        if WebhookFields.mediaTypes.contains(type) { return message[type]?.text("id") }
        if type == "edit", let inner = message["edit"]?["message"], let innerType = inner.text("type"),
            WebhookFields.mediaTypes.contains(innerType)
        {
            return inner[innerType]?.text("id")
        }
        return nil
    }
}
