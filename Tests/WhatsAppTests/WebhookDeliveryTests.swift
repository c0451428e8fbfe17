import Foundation
import RecordkeeperCore
import Testing
import WhatsApp

@Suite("Webhook delivery parsing")
struct WebhookDeliveryTests {
    /// One fixture per message type of the reference: (fixture, type, wamid suffix, media id).
    static let messageFixtures: [(String, String, String?)] = [
        ("text", "text", nil), ("image", "image", "1003383421387256"), ("audio_voice", "audio", "1003383421387257"),
        ("video", "video", "1003383421387258"), ("document", "document", "1003383421387259"),
        ("sticker", "sticker", "1003383421387260"), ("location", "location", nil), ("contacts", "contacts", nil),
        ("interactive_button_reply", "interactive", nil), ("interactive_list_reply", "interactive", nil),
        ("interactive_nfm_reply", "interactive", nil), ("button", "button", nil), ("reaction", "reaction", nil),
        ("reaction_removed", "reaction", nil), ("order", "order", nil), ("system", "system", nil),
        ("unsupported", "unsupported", nil), ("unknown_legacy", "unknown", nil), ("edit", "edit", nil),
        ("revoke", "revoke", nil), ("text_forwarded", "text", nil), ("text_referred_product", "text", nil),
        ("text_referral", "text", nil), ("text_bsuid_only", "text", nil), ("text_bsuid_and_phone", "text", nil),
    ]

    @Test("every message type becomes one message item that keeps every field", arguments: messageFixtures)
    func messageTypes(fixture: String, type: String, mediaID: String?) throws {
        let body = try Fixtures.bytes(fixture)
        let delivery = try WebhookDelivery.parse(body)
        #expect(delivery.problems.isEmpty, "\(delivery.problems)")
        #expect(delivery.items.count == 1)
        guard case .message(let message) = delivery.items.first else {
            Issue.record("not a message: \(delivery.items)")
            return
        }
        let original = try #require(try JSONValue.parse(body)["entry"]?.array?[0]["changes"]?.array?[0]["value"]?["messages"]?.array?[0])
        #expect(message.type == type)
        #expect(message.id == original.text("id"))
        #expect(message.mediaID == mediaID)
        #expect(message.envelope.phoneNumberID == "106540352242922")
        #expect(message.envelope.displayPhoneNumber == "15550783881")
        #expect(message.envelope.wabaID == "102290129340398")
        // Archived and read back, the message object is the one that arrived, every field of it.
        #expect(try JSONValue.parse(message.message.encoded()) == original)
        #expect(message.citizen.isKnown)
    }

    @Test("the archived form keeps numbers, unicode and slashes as values")
    func archivedForm() throws {
        let location = try WebhookDelivery.parse(try Fixtures.bytes("location"))
        guard case .message(let message) = location.items.first else { throw Unexpected() }
        let text = String(decoding: try message.message.encoded(), as: UTF8.self)
        #expect(text.contains(#""latitude":47.0379"#))
        #expect(text.contains(#""longitude":-122.9007"#))
        #expect(text.contains(#""url":"https://example.org/map""#))

        let escaped = try WebhookDelivery.parse(try Fixtures.bytes("image_escaped_slashes"))
        let plain = try WebhookDelivery.parse(try Fixtures.bytes("image"))
        #expect(escaped.items == plain.items, "Meta's escaped slashes are the same values")
        #expect(escaped.bodySHA256 != plain.bodySHA256, "the digest is of the exact bytes")

        let text2 = try WebhookDelivery.parse(try Fixtures.bytes("text"))
        guard case .message(let greeting) = text2.items.first else { throw Unexpected() }
        #expect(greeting.message["text"]?.text("body") == "Hello, is the permit office open on Saturday? äöå")
    }

    @Test("citizens: BSUID first, wa_id otherwise, both kept when both arrive")
    func citizens() throws {
        func citizen(_ fixture: String) throws -> CitizenIdentity {
            guard case .message(let m) = try WebhookDelivery.parse(try Fixtures.bytes(fixture)).items.first else { throw Unexpected() }
            return m.citizen
        }
        #expect(try citizen("text") == CitizenIdentity(userID: nil, waID: "16505551234"))
        #expect(try citizen("text").key == "p:16505551234")
        #expect(try citizen("text_bsuid_only") == CitizenIdentity(userID: "US.13491208655302741918", waID: nil))
        #expect(try citizen("text_bsuid_and_phone") == CitizenIdentity(userID: "US.99990000111122223333", waID: "16505557777"))
        #expect(try citizen("text_bsuid_and_phone").key == "u:US.99990000111122223333")
        #expect(try citizen("system").waID == "16505551234", "system messages have no contacts; from names the citizen")
    }

    @Test("the sender's contact is matched by id, with its profile")
    func contacts() throws {
        guard case .message(let only) = try WebhookDelivery.parse(try Fixtures.bytes("text_bsuid_only")).items.first else { throw Unexpected() }
        #expect(only.contact?["profile"]?.text("username") == "@pat")
        let batched = try WebhookDelivery.parse(try Fixtures.bytes("batched"))
        let names = batched.items.compactMap { item -> String? in
            guard case .message(let m) = item else { return nil }
            return m.contact?["profile"]?.text("name")
        }
        #expect(names == ["Sheena Nelson", "Lee", "Kim"])
    }

    @Test(
        "statuses, value errors and other fields",
        arguments: [
            ("status_sent", "sent"), ("status_delivered", "delivered"), ("status_read", "read"), ("status_played", "played"), ("status_failed", "failed"),
        ])
    func statuses(fixture: String, state: String) throws {
        let delivery = try WebhookDelivery.parse(try Fixtures.bytes(fixture))
        #expect(delivery.problems.isEmpty)
        guard case .status(let status) = delivery.items.first, delivery.items.count == 1 else { throw Unexpected() }
        #expect(status.state == state)
        #expect(status.citizen.waID == "16505551234")
        #expect(status.timestamp != nil)
    }

    @Test("value-level errors and non-message fields are items of their own")
    func errorsAndNotifications() throws {
        let errors = try WebhookDelivery.parse(try Fixtures.bytes("value_errors"))
        guard case .error(let error) = errors.items.first, errors.items.count == 1 else { throw Unexpected() }
        #expect(error.code == 130429)
        let template = try WebhookDelivery.parse(try Fixtures.bytes("template_status_update"))
        guard case .notification(let note) = template.items.first, template.problems.isEmpty else { throw Unexpected() }
        #expect(note.envelope.field == "message_template_status_update")
        #expect(note.envelope.entryTime == 1_764_590_700)
        #expect(note.change["value"]?.text("event") == "APPROVED")
    }

    @Test("a batched delivery yields every entry × change × item, in order")
    func batched() throws {
        let delivery = try WebhookDelivery.parse(try Fixtures.bytes("batched"))
        #expect(delivery.problems.isEmpty)
        #expect(delivery.items.count == 4)
        let places = delivery.items.map { item -> String in
            switch item {
            case .message(let m): "m\(m.envelope.entryIndex)\(m.envelope.changeIndex)\(m.index):\(m.envelope.phoneNumberID ?? "")"
            case .status(let s): "s\(s.envelope.entryIndex)\(s.envelope.changeIndex)\(s.index)"
            default: "?"
            }
        }
        #expect(places == ["m000:106540352242922", "m001:106540352242922", "s010", "m100:106540352242923"])
    }

    @Test("what cannot be parsed is reported, never dropped silently")
    func unparseable() throws {
        #expect(throws: WebhookParseError.notJSON) { try WebhookDelivery.parse(try Fixtures.bytes("truncated")) }
        #expect(throws: WebhookParseError.self) { try WebhookDelivery.parse(Array(#"{"hello":"world"}"#.utf8)) }
        #expect(throws: WebhookParseError.self) { try WebhookDelivery.parse(Array("[1,2,3]".utf8)) }
        let unknown = try WebhookDelivery.parse(try Fixtures.bytes("unknown_field"))
        #expect(unknown.items.isEmpty)
        #expect(unknown.problems.count == 1)
        #expect(unknown.problems[0].contains("brand_new_field_2027"))
        let noID =
            #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"2"},"messages":[{"from":"3","type":"text","text":{"body":"x"}}]}}]}]}"#
        let partial = try WebhookDelivery.parse(Array(noID.utf8))
        #expect(partial.items.isEmpty)
        #expect(partial.problems.first?.contains("has no id") == true)
    }

    struct Unexpected: Error {}
}
