import Foundation
public import Ledger
public import LedgerStore

/// A citizen as a delivery names them: a BSUID, a phone-number id, or both (the link).
public struct FixtureCitizen: Sendable {
    public var userID: String?
    public var waID: String?

    public init(userID: String? = nil, waID: String? = nil) {
        self.userID = userID
        self.waID = waID
    }

    /// The citizen key of docs/whatsapp-ingest.md: the BSUID when there is one.
    public var key: String { userID.map { "u:\($0)" } ?? "p:\(waID ?? "")" }
}

/// Events shaped exactly as docs/whatsapp-ingest.md says the webhook endpoint and the media
/// fetcher record them, for projection and read-API tests.
public enum WhatsAppFixtures {
    public static let phoneNumberID = "106540352242922"
    public static let displayPhoneNumber = "15550783881"
    public static let actor = "whatsapp:default"

    /// The conversation stream of a citizen of a business number.
    public static func stream(_ citizen: FixtureCitizen, number: String = phoneNumberID) -> String {
        "wa/\(number)/\(citizen.key)"
    }

    /// A time `seconds` after 2025-11-01T00:00:00Z (negative: earlier months).
    public static func time(_ seconds: Int64) -> LedgerTimestamp {
        LedgerTimestamp(microseconds: (1_761_955_200 + seconds) * 1_000_000)
    }

    /// `whatsapp.message.received`. `body` is the type's object (default: a text body).
    public static func message(
        _ id: String, from citizen: FixtureCitizen, at seconds: Int64, type: String = "text", body: [String: Any]? = nil,
        mediaID: String? = nil, profileName: String? = "Sheena Nelson", number: String = phoneNumberID
    ) -> NewEvent {
        var message: [String: Any] = ["id": id, "timestamp": String(time(seconds).microseconds / 1_000_000), "type": type]
        message[type] = body ?? ["body": "hello from \(id)"]
        if let waID = citizen.waID { message["from"] = waID }
        if let userID = citizen.userID { message["from_user_id"] = userID }
        var header: [String: Any] = [
            "v": 1, "direction": "inbound", "message_id": id, "message_type": type, "phone_number_id": number,
            "citizen": citizenObject(citizen),
        ]
        if let mediaID { header["media_id"] = mediaID }
        let payload: [String: Any] = ["v": 1, "envelope": envelope(citizen, profileName: profileName, number: number), "message": message]
        return NewEvent(
            stream: stream(citizen, number: number), eventType: "whatsapp.message.received", occurredAt: time(seconds), actor: actor,
            dedupeKey: "wa:msg:\(id)", header: json(header), payload: Array(json(payload).utf8))
    }

    /// An image message carrying `mediaID`, as Meta sends it.
    public static func image(_ id: String, from citizen: FixtureCitizen, at seconds: Int64, mediaID: String) -> NewEvent {
        message(
            id, from: citizen, at: seconds, type: "image",
            body: [
                "id": mediaID, "mime_type": "image/jpeg", "sha256": "V5OPpLD/gEG6Xjg0MbmQDLFgcKsL+j5LfY4ny/pZ4MY=",
                "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=\(mediaID)",
            ],
            mediaID: mediaID)
    }

    /// `whatsapp.status.updated` of our message `messageID`.
    public static func status(
        _ status: String, of messageID: String, to citizen: FixtureCitizen, at seconds: Int64, number: String = phoneNumberID
    ) -> NewEvent {
        let header: [String: Any] = [
            "v": 1, "message_id": messageID, "status": status, "phone_number_id": number, "citizen": citizenObject(citizen),
        ]
        var object: [String: Any] = ["id": messageID, "status": status, "timestamp": String(time(seconds).microseconds / 1_000_000)]
        if let waID = citizen.waID { object["recipient_id"] = waID }
        if let userID = citizen.userID { object["recipient_user_id"] = userID }
        let payload: [String: Any] = [
            "v": 1, "envelope": envelope(citizen, profileName: status == "failed" ? nil : "Sheena Nelson", number: number), "status": object,
        ]
        return NewEvent(
            stream: stream(citizen, number: number), eventType: "whatsapp.status.updated", occurredAt: time(seconds), actor: actor,
            dedupeKey: "wa:status:\(messageID):\(status)", header: json(header), payload: Array(json(payload).utf8))
    }

    /// An outbound text message as the send API records it: `message.send.requested` (the Graph
    /// body) and `message.send.accepted` (Meta's answer with wamid `id`). Written out by hand,
    /// as docs/whatsapp-ingest.md specifies them. The acceptance's `request_position` is 0: a
    /// fixture cannot know it (the projections link outcomes by `request_id`).
    public static func sent(_ id: String, to citizen: FixtureCitizen, at seconds: Int64, text: String, number: String = phoneNumberID) -> [NewEvent] {
        let requestID = "req-\(id)"
        var body: [String: Any] = [
            "messaging_product": "whatsapp", "recipient_type": "individual", "type": "text", "text": ["body": text],
            "biz_opaque_callback_data": "rk1:\(requestID)",
        ]
        if let waID = citizen.waID { body["to"] = waID } else { body["recipient"] = citizen.userID }
        let bodyBytes = Array(json(body).utf8)
        let common: [String: Any] = [
            "v": 1, "request_id": requestID, "kind": "text", "direction": "outbound", "phone_number_id": number,
            "citizen": citizenObject(citizen),
        ]
        var requestHeader = common
        requestHeader["via"] = "api"
        requestHeader["body_size"] = bodyBytes.count
        var acceptedHeader = common
        acceptedHeader.merge(["request_position": 0, "attempt": 1, "message_id": id, "http_status": 200, "source": "graph_response"]) { $1 }
        let answer: [String: Any] = ["messaging_product": "whatsapp", "messages": [["id": id]]]
        return [
            NewEvent(
                stream: stream(citizen, number: number), eventType: "message.send.requested", occurredAt: time(seconds), actor: "agent:test",
                dedupeKey: "send:req:\(requestID)", header: json(requestHeader), payload: bodyBytes),
            NewEvent(
                stream: stream(citizen, number: number), eventType: "message.send.accepted", occurredAt: time(seconds), actor: "agent:test",
                dedupeKey: "send:outcome:\(requestID)", header: json(acceptedHeader), payload: Array(json(answer).utf8)),
        ]
    }

    /// `whatsapp.media.fetch_failed`: attempt `attempt` failed; retry at `retryAt` seconds.
    public static func mediaFetchFailed(_ mediaID: String, message: String, stream: String, attempt: Int, retryAt: Int64) -> NewEvent {
        let header: [String: Any] = [
            "v": 1, "message_id": message, "media_id": mediaID, "attempt": attempt, "reason": "http_503",
            "retry_at_us": time(retryAt).microseconds,
        ]
        let payload: [String: Any] = ["v": 1, "media_id": mediaID, "attempt": attempt, "error": "Graph API answered 503"]
        return NewEvent(
            stream: stream, eventType: "whatsapp.media.fetch_failed", occurredAt: .now(), actor: "system:media-fetcher",
            dedupeKey: "wa:media-try:\(mediaID):\(attempt)", header: json(header), payload: Array(json(payload).utf8))
    }

    /// `whatsapp.media.stored` (metadata, a newline, then the bytes) or `whatsapp.media.unavailable`.
    public static func mediaOutcome(_ mediaID: String, message: String, position: Int64, stream: String, stored: Bool) -> NewEvent {
        var header: [String: Any] = ["v": 1, "message_id": message, "media_id": mediaID, "message_position": position]
        let payload: [UInt8]
        if stored {
            let bytes = Array("fake jpeg bytes".utf8)
            header["size"] = bytes.count
            let metadata: [String: Any] = [
                "v": 1, "media_id": mediaID, "message_id": message, "mime_type": "image/jpeg", "size": bytes.count,
                "sha256": "00", "meta_sha256": "V5OPpLD/gEG6Xjg0MbmQDLFgcKsL+j5LfY4ny/pZ4MY=", "compression": "none",
                "stored_size": bytes.count,
            ]
            payload = Array(json(metadata).utf8) + [0x0A] + bytes
        } else {
            header["reason"] = "expired"
            payload = Array(json(["v": 1, "media_id": mediaID, "attempts": 3, "reason": "expired"]).utf8)
        }
        return NewEvent(
            stream: stream, eventType: stored ? "whatsapp.media.stored" : "whatsapp.media.unavailable", occurredAt: .now(),
            actor: "system:media-fetcher", dedupeKey: "wa:media:\(mediaID)", header: json(header), payload: payload)
    }

    private static func citizenObject(_ citizen: FixtureCitizen) -> [String: Any] {
        var object: [String: Any] = [:]
        if let userID = citizen.userID { object["user_id"] = userID }
        if let waID = citizen.waID { object["wa_id"] = waID }
        return object
    }

    private static func envelope(_ citizen: FixtureCitizen, profileName: String?, number: String) -> [String: Any] {
        var envelope: [String: Any] = [
            "object": "whatsapp_business_account", "waba_id": "102290129340398", "field": "messages", "messaging_product": "whatsapp",
            "phone_number_id": number, "display_phone_number": displayPhoneNumber, "delivery_sha256": String(repeating: "ab", count: 32),
        ]
        if let profileName {
            var contact = citizenObject(citizen)
            contact["profile"] = ["name": profileName]
            envelope["contact"] = contact
        }
        return envelope
    }

    /// Sorted-key JSON text.
    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
