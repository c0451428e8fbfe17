package import Foundation
import HTTPTypes
import Hummingbird
package import HummingbirdTesting
package import Ledger
package import LedgerStore
import NIOCore
package import RecordkeeperCore
package import Server
import TestSupport
import WhatsApp

/// Signed webhook deliveries, as Meta sends them, from the fixtures in
/// `Tests/WhatsAppTests/Fixtures`.
package enum WebhookDeliveries {
    package static let appSecret = "test-app-secret-0123456789abcdef"
    package static let verifyToken = "test-verify-token"
    package static let ledger = "main"

    package static let fixturesDirectory = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/WhatsAppTests/Fixtures")

    package static func fixture(_ name: String) throws -> [UInt8] {
        let path = fixturesDirectory.appendingPathComponent(name + ".json").path
        guard let data = FileManager.default.contents(atPath: path) else { throw TestSetupError("no fixture at \(path)") }
        return Array(data)
    }

    /// Every fixture name, sorted.
    package static func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    package static var settings: WhatsAppWebhookSettings {
        var settings = WhatsAppWebhookSettings(
            verifyToken: verifyToken, secrets: [.init(app: "default", secret: appSecret), .init(app: "second-app", secret: "another-secret")],
            ledger: ledger)
        // Generous: the whole suite runs in parallel on 2 shared cores; a 503 here means a hang, not a slow machine.
        settings.commitTimeout = .seconds(20)
        return settings
    }

    package static func signature(_ body: [UInt8], secret: String = appSecret) -> String {
        WebhookSignatureVerifier.signatureHeader(for: body, secret: secret)
    }

    /// A text message delivery for `wamid` from `waID`.
    package static func textDelivery(
        wamid: String, waID: String = "16505551234", text: String = "hello", phoneNumberID: String = "106540352242922", timestamp: Int64 = 1764590400
    ) -> [UInt8] {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"\(phoneNumberID)"},\
            "contacts":[{"profile":{"name":"Citizen \(waID)"},"wa_id":"\(waID)"}],\
            "messages":[{"from":"\(waID)","id":"\(wamid)","timestamp":"\(timestamp)","type":"text","text":{"body":"\(text)"}}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }
}

extension WebhookDeliveries {
    /// A status delivery for an outbound `wamid` to `waID`.
    package static func statusDelivery(wamid: String, status: String, waID: String = "16505551234", phoneNumberID: String = "106540352242922") -> [UInt8] {
        let timestamp = Int64(Date().timeIntervalSince1970)
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"\(phoneNumberID)"},\
            "statuses":[{"id":"\(wamid)","status":"\(status)","timestamp":"\(timestamp)","recipient_id":"\(waID)"}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }

    /// An image message delivery for a media registered with the fake Graph API.
    package static func imageDelivery(wamid: String, mediaID: String, url: String, sha256: String, mimeType: String, waID: String = "16505551234") -> [UInt8] {
        mediaDelivery(
            wamid: wamid, type: "image",
            media: #""id":"\#(mediaID)","mime_type":"\#(mimeType)","sha256":"\#(sha256)","url":"\#(url)","caption":"see attached""#,
            waID: waID)
    }

    /// A document message delivery (named `filename`) for a media registered with the fake Graph API.
    package static func documentDelivery(
        wamid: String, mediaID: String, url: String, sha256: String, mimeType: String, filename: String, waID: String = "16505551234"
    ) -> [UInt8] {
        mediaDelivery(
            wamid: wamid, type: "document",
            media: #""id":"\#(mediaID)","mime_type":"\#(mimeType)","sha256":"\#(sha256)","url":"\#(url)","filename":"\#(filename)""#,
            waID: waID)
    }

    /// A delivery of one message of `type` whose media object has the JSON members `media`.
    private static func mediaDelivery(wamid: String, type: String, media: String, waID: String) -> [UInt8] {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},\
            "contacts":[{"profile":{"name":"Citizen \(waID)"},"wa_id":"\(waID)"}],\
            "messages":[{"from":"\(waID)","id":"\(wamid)","timestamp":"\(Int(Date().timeIntervalSince1970))","type":"\(type)",\
            "\(type)":{\(media)}}]},"field":"messages"}]}]}
            """
        return Array(body.utf8)
    }
}

extension TestClientProtocol {
    /// POSTs a delivery to `/webhooks/whatsapp`, signed with `signature` (nil: no header).
    package func deliver<T>(_ body: [UInt8], signature: String?, _ check: @escaping @Sendable (TestResponse) async throws -> T) async throws -> T {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let signature { headers[HTTPField.Name("X-Hub-Signature-256")!] = signature }
        return try await execute(uri: "/webhooks/whatsapp", method: .post, headers: headers, body: ByteBuffer(bytes: body), testCallback: check)
    }
}

/// Every record of a ledger, read as the service role (none when the ledger does not exist yet).
package func ledgerRecords(_ serviceURL: String, masterKey: MasterKey, ledger: String = WebhookDeliveries.ledger) async throws -> [LedgerRecord] {
    try await withPostgresClient(serviceURL) { client in
        try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: testLogger) { store in
            guard try await store.ledgers().contains(where: { $0.name == ledger }) else { return [] }
            var records: [LedgerRecord] = []
            for try await record in store.records(ledger: ledger) { records.append(record) }
            return records
        }
    }
}

extension LedgerRecord {
    /// The payload bytes (fails the test when they cannot be read).
    package func payloadBytes() throws -> [UInt8] {
        guard case .bytes(let bytes) = payload else { throw TestSetupError("payload of \(entry.fields.position) is \(payload)") }
        return bytes
    }

    /// The payload as JSON.
    package func payloadJSON() throws -> JSONValue {
        try JSONValue.parse(try payloadBytes())
    }

    /// The retained header as JSON.
    package func headerJSON() throws -> JSONValue {
        try JSONValue.parse(Array(entry.fields.header.utf8))
    }
}
