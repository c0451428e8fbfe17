import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
public import WhatsApp

/// Turns webhook deliveries into ledger events, exactly as docs/whatsapp-ingest.md specifies:
/// streams, dedupe keys, retained headers and payloads. Pure: it builds events, the caller
/// appends them (all of one delivery in one `LedgerStore.append`).
public struct WhatsAppIngest: Sendable {
    /// The ledger WhatsApp events go to.
    public var ledger: String

    public init(ledger: String) {
        self.ledger = ledger
    }

    /// The actor of events from an authenticated delivery.
    public static func actor(app: String) -> String { "whatsapp:\(app)" }

    /// The events of one authentic delivery: one per item, plus one `whatsapp.webhook.unparsed`
    /// holding the exact body when anything in it did not fit (``WebhookDelivery/problems``).
    public func events(
        for delivery: WebhookDelivery, body: [UInt8], app: String, contentType: String?, receivedAt: LedgerTimestamp
    ) throws -> [NewEvent] {
        let actor = Self.actor(app: app)
        var events: [NewEvent] = []
        events.reserveCapacity(delivery.items.count + 1)
        for item in delivery.items {
            switch item {
            case .message(let message):
                events.append(try messageEvent(message, digest: delivery.bodySHA256, actor: actor, receivedAt: receivedAt))
            case .status(let status):
                events.append(try statusEvent(status, digest: delivery.bodySHA256, actor: actor, receivedAt: receivedAt))
            case .error(let error):
                events.append(try errorEvent(error, digest: delivery.bodySHA256, actor: actor, receivedAt: receivedAt))
            case .notification(let notification):
                events.append(try notificationEvent(notification, digest: delivery.bodySHA256, actor: actor, receivedAt: receivedAt))
            }
        }
        if !delivery.problems.isEmpty {
            events.append(
                try unparsedEvent(
                    body: body, digest: delivery.bodySHA256, reason: "unexpected_shape", detail: delivery.problems.joined(separator: "; "),
                    app: app, contentType: contentType, receivedAt: receivedAt
                ))
        }
        return events
    }

    /// The `whatsapp.webhook.unparsed` event of an authentic body: the exact bytes, flagged for review.
    public func unparsedEvent(
        body: [UInt8], digest: String? = nil, reason: String, detail: String, app: String, contentType: String?, receivedAt: LedgerTimestamp
    ) throws -> NewEvent {
        let digest = digest ?? WebhookDelivery.sha256Hex(body)
        let header: JSONValue = .object([
            "v": .integer(1), "reason": .string(reason), "detail": .string(String(detail.prefix(1024))),
            "body_sha256": .string(digest), "body_size": .integer(Int64(body.count)),
            "content_type": contentType.map { .string(String($0.prefix(200))) } ?? .null,
            "app": .string(app), "review": .string("pending"),
        ])
        return NewEvent(
            stream: WhatsAppStreams.unparsed, eventType: WhatsAppEventType.webhookUnparsed, occurredAt: receivedAt,
            actor: Self.actor(app: app), dedupeKey: "wa:unparsed:\(digest)", header: try Self.text(header), payload: body
        )
    }

    /// The `whatsapp.webhook.rejected` event of a delivery that failed authentication: what it
    /// was and where it came from, never its body.
    public func rejectedEvent(
        reason: String, body: [UInt8], remoteAddress: String?, headers: [String: String], receivedAt: LedgerTimestamp,
        suppressedBefore: Int = 0
    ) throws -> NewEvent {
        let digest = WebhookDelivery.sha256Hex(body)
        var common: [String: JSONValue] = [
            "v": .integer(1), "reason": .string(reason), "body_sha256": .string(digest), "body_size": .integer(Int64(body.count)),
            "remote_address": remoteAddress.map { .string(String($0.prefix(100))) } ?? .null,
        ]
        if suppressedBefore > 0 { common["suppressed_before"] = .integer(Int64(suppressedBefore)) }
        let header = JSONValue.object(common)
        common["headers"] = .object(headers.mapValues { .string(String($0.prefix(512))) })
        return NewEvent(
            stream: WhatsAppStreams.rejected, eventType: WhatsAppEventType.webhookRejected, occurredAt: receivedAt,
            actor: "whatsapp:unauthenticated", dedupeKey: "wa:rejected:\(reason):\(digest)", header: try Self.text(header),
            payload: try JSONValue.object(common).encoded()
        )
    }

    // MARK: Items

    func messageEvent(_ message: InboundMessage, digest: String, actor: String, receivedAt: LedgerTimestamp) throws -> NewEvent {
        let phone = message.envelope.phoneNumberID ?? ""
        guard let stream = WhatsAppStreams.conversation(phoneNumberID: phone, citizen: message.citizen) else {
            throw IngestError.noCitizen(message.id)
        }
        var header: [String: JSONValue] = [
            "v": .integer(1), "direction": .string("inbound"), "message_id": .string(message.id),
            "message_type": .string(message.type), "phone_number_id": .string(phone), "citizen": Self.citizen(message.citizen),
        ]
        if let media = message.mediaID { header["media_id"] = .string(media) }
        let payload: JSONValue = .object([
            "v": .integer(1), "envelope": Self.envelope(message.envelope, contact: message.contact, digest: digest), "message": message.message,
        ])
        return NewEvent(
            stream: stream, eventType: WhatsAppEventType.messageReceived,
            occurredAt: Self.occurredAt(message.timestamp, receivedAt: receivedAt), actor: actor,
            dedupeKey: Self.key("wa:msg:", message.id), header: try Self.text(.object(header)), payload: try payload.encoded()
        )
    }

    func statusEvent(_ status: StatusUpdate, digest: String, actor: String, receivedAt: LedgerTimestamp) throws -> NewEvent {
        let phone = status.envelope.phoneNumberID ?? ""
        guard let stream = WhatsAppStreams.conversation(phoneNumberID: phone, citizen: status.citizen) else {
            throw IngestError.noCitizen(status.messageID)
        }
        var members: [String: JSONValue] = [
            "v": .integer(1), "message_id": .string(status.messageID), "status": .string(status.state),
            "phone_number_id": .string(phone), "citizen": Self.citizen(status.citizen),
        ]
        // The send API's own callback data names the request (never a client's: that could hold anything).
        if let callback = status.status.text("biz_opaque_callback_data"), callback.hasPrefix(SendRequestReference.callbackPrefix),
            callback.utf8.count <= 64
        {
            members["send_ref"] = .string(String(callback.dropFirst(SendRequestReference.callbackPrefix.count)))
        }
        let header: JSONValue = .object(members)
        let payload: JSONValue = .object([
            "v": .integer(1), "envelope": Self.envelope(status.envelope, contact: status.contact, digest: digest), "status": status.status,
        ])
        return NewEvent(
            stream: stream, eventType: WhatsAppEventType.statusUpdated,
            occurredAt: Self.occurredAt(status.timestamp, receivedAt: receivedAt), actor: actor,
            dedupeKey: Self.key("wa:status:", "\(status.messageID):\(status.state)"), header: try Self.text(header),
            payload: try payload.encoded()
        )
    }

    func errorEvent(_ error: ValueError, digest: String, actor: String, receivedAt: LedgerTimestamp) throws -> NewEvent {
        let phone = error.envelope.phoneNumberID ?? "unknown"
        let header: JSONValue = .object([
            "v": .integer(1), "code": error.code.map { .integer($0) } ?? .null, "phone_number_id": .string(phone),
        ])
        let payload: JSONValue = .object([
            "v": .integer(1), "envelope": Self.envelope(error.envelope, contact: nil, digest: digest), "error": error.error,
        ])
        let place = "\(digest):\(error.envelope.entryIndex):\(error.envelope.changeIndex):\(error.index)"
        return NewEvent(
            stream: WhatsAppStreams.number(phone), eventType: WhatsAppEventType.errorReceived, occurredAt: receivedAt, actor: actor,
            dedupeKey: "wa:err:\(place)", header: try Self.text(header), payload: try payload.encoded()
        )
    }

    func notificationEvent(_ notification: FieldNotification, digest: String, actor: String, receivedAt: LedgerTimestamp) throws -> NewEvent {
        let envelope = notification.envelope
        let header: JSONValue = .object([
            "v": .integer(1), "field": .string(String(envelope.field.prefix(128))),
            "waba_id": envelope.wabaID.map { .string($0) } ?? .null,
        ])
        let payload: JSONValue = .object([
            "v": .integer(1),
            "envelope": .object([
                "object": .string(envelope.object), "waba_id": envelope.wabaID.map { .string($0) } ?? .null,
                "entry_time": envelope.entryTime.map { .integer($0) } ?? .null, "delivery_sha256": .string(digest),
            ]),
            "change": notification.change,
        ])
        return NewEvent(
            stream: WhatsAppStreams.account(envelope.wabaID), eventType: WhatsAppEventType.notificationReceived,
            occurredAt: Self.occurredAt(envelope.entryTime, receivedAt: receivedAt), actor: actor,
            dedupeKey: "wa:note:\(digest):\(envelope.entryIndex):\(envelope.changeIndex)", header: try Self.text(header),
            payload: try payload.encoded()
        )
    }

    // MARK: Pieces

    static func envelope(_ envelope: WebhookEnvelope, contact: JSONValue?, digest: String) -> JSONValue {
        var members: [String: JSONValue] = [
            "object": .string(envelope.object), "field": .string(envelope.field), "delivery_sha256": .string(digest),
        ]
        if let waba = envelope.wabaID { members["waba_id"] = .string(waba) }
        if let product = envelope.messagingProduct { members["messaging_product"] = .string(product) }
        if let phone = envelope.phoneNumberID { members["phone_number_id"] = .string(phone) }
        if let display = envelope.displayPhoneNumber { members["display_phone_number"] = .string(display) }
        if let contact { members["contact"] = contact }
        return .object(members)
    }

    static func citizen(_ citizen: CitizenIdentity) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if let user = citizen.userID { members["user_id"] = .string(user) }
        if let wa = citizen.waID { members["wa_id"] = .string(wa) }
        return .object(members)
    }

    /// Meta's unix-seconds timestamp when plausible (after 2009, before 2100), else the receive time.
    static func occurredAt(_ seconds: Int64?, receivedAt: LedgerTimestamp) -> LedgerTimestamp {
        guard let seconds, seconds > 1_230_768_000, seconds < 4_102_444_800 else { return receivedAt }
        return LedgerTimestamp(microseconds: seconds * 1_000_000)
    }

    /// A dedupe key, hashed when the identifier would make it longer than the ledger allows.
    static func key(_ prefix: String, _ identifier: String) -> String {
        guard prefix.utf8.count + identifier.utf8.count > EntryLimits.dedupeKey else { return prefix + identifier }
        return prefix + "h:" + WebhookDelivery.sha256Hex(Array(identifier.utf8))
    }

    static func text(_ header: JSONValue) throws -> String {
        String(decoding: try header.encoded(), as: UTF8.self)
    }
}

/// Why a webhook item could not become an event.
public enum IngestError: Error, Sendable, CustomStringConvertible {
    case noCitizen(String)

    public var description: String {
        switch self {
        case .noCitizen(let id): "item \(id) names no citizen (neither a BSUID nor a wa_id)"
        }
    }
}
