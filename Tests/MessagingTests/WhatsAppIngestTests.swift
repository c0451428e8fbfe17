import Foundation
import Ledger
import LedgerStore
import Messaging
import RecordkeeperCore
import Testing
import WhatsApp

/// The mapping of webhook items to ledger events (docs/whatsapp-ingest.md), without a database.
@Suite("WhatsApp ingest mapping")
struct WhatsAppIngestTests {
    static let ingest = WhatsAppIngest(ledger: "main")
    static let receivedAt = LedgerTimestamp(microseconds: 1_764_600_000_000_000)

    static func delivery(_ json: String) throws -> (WebhookDelivery, [UInt8]) {
        let body = Array(json.utf8)
        return (try WebhookDelivery.parse(body), body)
    }

    static func header(_ event: NewEvent) throws -> JSONValue { try JSONValue.parse(Array(event.header.utf8)) }

    static let imageWithBothIDs = #"""
        {"object":"whatsapp_business_account","entry":[{"id":"1029","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"1065"},
        "contacts":[{"profile":{"name":"Robin"},"wa_id":"16505557777","user_id":"US.999"}],
        "messages":[{"from":"16505557777","from_user_id":"US.999","id":"wamid.A1","timestamp":"1764590400","type":"image",
        "image":{"id":"MEDIA-1","mime_type":"image/jpeg","sha256":"abc","caption":"private caption"}}],
        "statuses":[{"id":"wamid.OUT1","status":"read","timestamp":"1764590401","recipient_id":"16505557777"}]}}]}]}
        """#

    @Test("a message: conversation stream by BSUID, dedupe by wamid, both ids linked in the header, no content in it")
    func message() throws {
        let (delivery, body) = try Self.delivery(Self.imageWithBothIDs)
        let events = try Self.ingest.events(for: delivery, body: body, app: "default", contentType: "application/json", receivedAt: Self.receivedAt)
        #expect(events.count == 2)
        let message = events[0]
        #expect(message.eventType == "whatsapp.message.received")
        #expect(message.stream == "wa/1065/u:US.999")
        #expect(message.dedupeKey == "wa:msg:wamid.A1")
        #expect(message.actor == "whatsapp:default")
        #expect(message.occurredAt == LedgerTimestamp(microseconds: 1_764_590_400_000_000))
        let header = try Self.header(message)
        #expect(header["citizen"] == .object(["user_id": .string("US.999"), "wa_id": .string("16505557777")]))
        #expect(header.text("media_id") == "MEDIA-1")
        #expect(header.text("message_type") == "image")
        #expect(!message.header.contains("private caption"))
        let payload = try JSONValue.parse(message.payload)
        #expect(payload["message"]?["image"]?.text("caption") == "private caption")
        #expect(payload["envelope"]?["contact"]?["profile"]?.text("name") == "Robin")
        #expect(payload["envelope"]?.text("delivery_sha256") == delivery.bodySHA256)

        let status = events[1]
        #expect(status.eventType == "whatsapp.status.updated")
        #expect(status.stream == "wa/1065/u:US.999", "the status names the phone number, whose contact carries the BSUID")
        #expect(status.dedupeKey == "wa:status:wamid.OUT1:read")
    }

    @Test("the same item in another batching maps to the same dedupe keys")
    func sameKeysWhateverTheBatching() throws {
        let (delivery, body) = try Self.delivery(Self.imageWithBothIDs)
        let whole = try Self.ingest.events(for: delivery, body: body, app: "default", contentType: nil, receivedAt: Self.receivedAt)
        // The message alone in a delivery of its own: another body, another digest.
        guard case .object(var root) = try JSONValue.parse(Array(Self.imageWithBothIDs.utf8)),
            case .array(var entries) = root["entry"], case .object(var entry) = entries[0],
            case .array(var changes) = entry["changes"], case .object(var change) = changes[0],
            case .object(var value) = change["value"]
        else { throw Unexpected() }
        value["statuses"] = nil
        change["value"] = .object(value)
        changes[0] = .object(change)
        entry["changes"] = .array(changes)
        entries[0] = .object(entry)
        root["entry"] = .array(entries)
        let aloneBody = try JSONValue.object(root).encoded()
        let aloneDelivery = try WebhookDelivery.parse(aloneBody)
        #expect(aloneDelivery.bodySHA256 != delivery.bodySHA256)
        let single = try Self.ingest.events(for: aloneDelivery, body: aloneBody, app: "other", contentType: nil, receivedAt: LedgerTimestamp.now())
        #expect(single.count == 1)
        #expect(single[0].dedupeKey == whole[0].dedupeKey)
        #expect(single[0].stream == whole[0].stream)
    }

    @Test("problems add one unparsed event with the exact body; errors and notifications get their streams")
    func problemsAndOtherItems() throws {
        let json = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1029","time":1764590700,"changes":[
            {"field":"messages","value":{"metadata":{"phone_number_id":"1065"},"errors":[{"code":130429,"title":"Rate limit hit"}]}},
            {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},
            {"field":"a_field_from_the_future","value":{}}]}]}
            """#
        let (delivery, body) = try Self.delivery(json)
        let events = try Self.ingest.events(for: delivery, body: body, app: "default", contentType: "application/json", receivedAt: Self.receivedAt)
        #expect(events.map(\.eventType) == ["whatsapp.error.received", "whatsapp.notification.received", "whatsapp.webhook.unparsed"])
        #expect(events[0].stream == "wa/1065")
        #expect(try Self.header(events[0])["code"]?.integer == 130429)
        #expect(events[1].stream == "wa-account/1029")
        #expect(try Self.header(events[1]).text("field") == "account_update")
        #expect(events[1].occurredAt == LedgerTimestamp(microseconds: 1_764_590_700_000_000))
        #expect(events[2].payload == body)
        #expect(events[2].dedupeKey == "wa:unparsed:\(delivery.bodySHA256)")
        #expect(try Self.header(events[2]).text("detail")?.contains("a_field_from_the_future") == true)
    }

    @Test("a rejected delivery keeps who and what, never the body")
    func rejected() throws {
        let body = Array("citizen's secret text".utf8)
        let event = try Self.ingest.rejectedEvent(
            reason: "signature_mismatch", body: body, remoteAddress: "203.0.113.9",
            headers: ["user-agent": "curl/8", "x-hub-signature-256": "sha256=00"], receivedAt: Self.receivedAt)
        #expect(event.stream == "wa-webhook/rejected")
        #expect(event.actor == "whatsapp:unauthenticated")
        let payload = String(decoding: event.payload, as: UTF8.self)
        #expect(!payload.contains("secret"))
        #expect(payload.contains("203.0.113.9"))
        #expect(payload.contains(WebhookDelivery.sha256Hex(body)))
        #expect(try Self.header(event)["body_size"]?.integer == Int64(body.count))
    }

    @Test("identifiers too long for a stream name or dedupe key are hashed, not cut")
    func longIdentifiers() throws {
        let long = String(repeating: "9", count: 600)
        let stream = WhatsAppStreams.conversation(phoneNumberID: "1065", citizen: CitizenIdentity(userID: long, waID: nil))
        #expect(stream?.hasPrefix("wa/1065/h:") == true)
        #expect((stream?.utf8.count ?? 999) <= 512)
        let json = Self.imageWithBothIDs.replacingOccurrences(of: "wamid.A1", with: "wamid." + long)
        let (delivery, body) = try Self.delivery(json)
        let events = try Self.ingest.events(for: delivery, body: body, app: "default", contentType: nil, receivedAt: Self.receivedAt)
        #expect((events[0].dedupeKey?.utf8.count ?? 999) <= 512)
        #expect(events[0].dedupeKey?.hasPrefix("wa:msg:h:") == true)
        #expect(
            try EntryLimits.validate(
                stream: events[0].stream, eventType: events[0].eventType, actor: events[0].actor, dedupeKey: events[0].dedupeKey, header: events[0].header)
                == ())
    }

    @Test("an implausible timestamp falls back to the receive time")
    func timestamps() throws {
        let json = Self.imageWithBothIDs.replacingOccurrences(of: #""timestamp":"1764590400""#, with: #""timestamp":"soon""#)
        let (delivery, body) = try Self.delivery(json)
        let events = try Self.ingest.events(for: delivery, body: body, app: "default", contentType: nil, receivedAt: Self.receivedAt)
        #expect(events[0].occurredAt == Self.receivedAt)
    }

    struct Unexpected: Error {}
}
