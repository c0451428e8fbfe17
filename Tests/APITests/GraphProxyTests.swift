import Access
import Events
import Foundation
import Ledger
import LedgerStore
import Messaging
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The recording proxy over real loopback HTTP, against the fake Graph API: what Meta receives is
/// what the integration sent, what the integration receives is what Meta answered, and the ledger
/// holds both.
@Suite("Graph recording proxy", .timeLimit(.minutes(5)))
struct GraphProxyTests {
    static let phone = "106540352242922"

    static func configuration(_ graph: TestGraphServer) throws -> GraphAPIConfiguration {
        try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(30))
    }

    @Test("a text with unknown fields: Meta receives the exact bytes, the client gets Meta's answer, the ledger holds both")
    func textPassesThrough() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                try await withProxyApp(db, graph: try Self.configuration(graph)) { root in
                    // Odd key order, white space, raw UTF-8 and fields Meta may add tomorrow.
                    let body = Array(
                        """
                        { "to":"+1 650 555 1234","messaging_product":"whatsapp", "type":"text",\
                        "text":{"body":"Grüße — مرحبا 👋","preview_url":false},"x_future_field":{"nested":[1,2.50,null]} }
                        """.utf8)
                    let answer = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/messages", token: token.text, body: body)
                    #expect(answer.status == 200)
                    let received = await graph.sentMessages()
                    #expect(received.count == 1)
                    #expect(received.first?.body == body, "Meta received other bytes than the integration sent")
                    #expect(received.first?.authorization == "Bearer \(TestGraphServer.accessToken)", "forwarded with the agency's own token")
                    #expect(received.first?.version == "v23.0")
                    let wamid = try #require(received.first?.answeredID)
                    #expect(answer.json?["messages"]?.array?.first?.text("id") == wamid)
                    #expect(answer.contentType == "application/json; charset=UTF-8")

                    let records = try await mainRecords(db).filter { $0.entry.fields.eventType.hasPrefix("message.send.") }
                    #expect(records.map(\.entry.fields.eventType) == [OutboundEventType.sendRequested, OutboundEventType.sendAccepted])
                    let requested = try records[0].headerJSON()
                    #expect(try records[0].payloadBytes() == body)
                    #expect(requested.text("via") == "proxy" && requested.text("integration") == "bot" && requested.text("kind") == "text")
                    #expect(records[0].entry.fields.actor == "integration:bot")
                    #expect(records[0].entry.fields.stream == "wa/\(Self.phone)/p:16505551234")
                    #expect(try records[1].payloadBytes() == answer.body, "the ledger holds Meta's answer byte for byte")
                    #expect(try records[1].headerJSON().text("message_id") == wamid)
                    #expect(answer.headers.first(name: "X-Recordkeeper-Request-Position") == String(records[0].entry.fields.position))
                }
            }
        }
    }

    @Test("Meta's errors pass through with their status and byte-identical bodies, and are recorded as message.send.failed")
    func errorsPassThrough() async throws {
        let codes = [131047, 130429, 131056, 131026, 131051, 131009, 132001, 190, 368, 131000, 131057, 100]
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                try await withProxyApp(db, graph: try Self.configuration(graph)) { root in
                    for code in codes {
                        let to = "1555000\(code)"
                        let body = Array(#"{"messaging_product":"whatsapp","to":"\#(to)","type":"text","text":{"body":"hi"}}"#.utf8)
                        // What Meta answers when asked directly …
                        await graph.script(to, FakeSendAnswer.metaError(code), FakeSendAnswer.metaError(code))
                        let direct = try await rawRequest(.POST, "\(graph.baseURL)/\(Self.phone)/messages", token: TestGraphServer.accessToken, body: body)
                        // … is what the integration gets through the proxy.
                        let proxied = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/messages", token: token.text, body: body)
                        #expect(proxied.status == direct.status, "code \(code)")
                        #expect(proxied.body == direct.body, "code \(code): the body is not Meta's, byte for byte")
                        #expect(proxied.contentType == direct.contentType)
                        #expect(proxied.json?["error"]?["code"]?.integer == Int64(code))
                    }
                    let failed = try await mainRecords(db).filter { $0.entry.fields.eventType == OutboundEventType.sendFailed }
                    #expect(failed.count == codes.count)
                    for (record, code) in zip(failed, codes) {
                        let header = try record.headerJSON()
                        #expect(header["error_code"]?.integer == Int64(code))
                        #expect(header.text("fbtrace_id") == "AfakeTrace\(code)")
                        #expect(header.text("reason") == "refused")
                        #expect(try record.payloadJSON()["error"]?["code"]?.integer == Int64(code))
                    }
                }
            }
        }
    }

    @Test("mark-as-read posts to /messages and is classified by its body; it joins the conversation of the message it marks")
    func markAsRead() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                // An inbound message, as the webhook records it.
                try await ScratchDatabase.withClient(db.service) { client in
                    try await LedgerStore.withStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger) { store in
                        _ = try await store.append(
                            NewEvent(
                                stream: "wa/\(Self.phone)/p:16505551234", eventType: "whatsapp.message.received", actor: "whatsapp:default",
                                dedupeKey: "wa:msg:wamid.IN1", header: #"{"citizen":{"wa_id":"16505551234"},"v":1}"#, payload: Array("{}".utf8)),
                            to: "main")
                    }
                }
                try await withProxyApp(db, graph: try Self.configuration(graph)) { root in
                    for target in ["wamid.IN1", "wamid.UNKNOWN"] {
                        let body = Array(#"{"messaging_product":"whatsapp","status":"read","message_id":"\#(target)"}"#.utf8)
                        let answer = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/messages", token: token.text, body: body)
                        #expect(answer.status == 200)
                        #expect(answer.json?["success"]?.bool == true)
                    }
                    let requests = try await mainRecords(db).filter { $0.entry.fields.eventType == OutboundEventType.sendRequested }
                    #expect(requests.count == 2)
                    #expect(try requests.allSatisfy { try $0.headerJSON().text("kind") == OutboundMessage.markRead })
                    #expect(try requests[0].headerJSON().text("target_message_id") == "wamid.IN1")
                    #expect(requests[0].entry.fields.stream == "wa/\(Self.phone)/p:16505551234")
                    #expect(requests[1].entry.fields.stream == "wa/\(Self.phone)")
                }
            }
        }
    }

    @Test("no token, a wrong one or a revoked one: 401 with Graph error 190, nothing forwarded or recorded")
    func unauthorized() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                let watch = CredentialWatch()
                try await withProxyApp(db, graph: try Self.configuration(graph), credentials: watch) { root in
                    let url = "\(root)/v23.0/\(Self.phone)/messages"
                    let body = Array(#"{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}"#.utf8)
                    let before = try await mainRecords(db).count
                    for presented in [nil, "rki_wrong", TestGraphServer.accessToken] {
                        let answer = try await rawRequest(.POST, url, token: presented, body: body)
                        #expect(answer.status == 401)
                        #expect(answer.json?["error"]?["code"]?.integer == 190)
                        #expect(answer.json?["error"]?.text("type") == "OAuthException")
                    }
                    #expect(try await rawRequest(.POST, url, token: token.text, body: body).status == 200)
                    let heard = watch.generation
                    try await revokeIntegration(db, name: "bot")
                    // Revoked by another connection (as `integrations revoke` does): refused once the app has heard it.
                    guard try await eventually("the revocation is notified", timeout: .seconds(10), interval: .milliseconds(1), { watch.generation > heard })
                    else { return }
                    let revoked = try await rawRequest(.POST, url, token: token.text, body: body)
                    #expect(revoked.status == 401)
                    #expect(await graph.receivedRequests().count == 1, "only the authenticated request reached Meta")
                    let after = try await mainRecords(db)
                    // added before; then one request + outcome and the revocation.
                    #expect(after.count == before + 3)
                }
            }
        }
    }

    @Test("the ledger cannot record: 503 Graph-shaped, and Meta never sees the request")
    func cannotRecordMeansNotForwarded() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                try await withProxyApp(db, graph: try Self.configuration(graph)) { root in
                    try await ScratchDatabase.withClient(db.owner) { client in
                        _ = try await client.query(
                            PostgresQuery(unsafeSQL: "REVOKE EXECUTE ON FUNCTION rk_append FROM \(db.serviceRole)"), logger: testLogger
                        ).collect()
                    }
                    let body = Array(#"{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}"#.utf8)
                    let answer = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/messages", token: token.text, body: body)
                    #expect(answer.status == 503)
                    #expect(answer.json?["error"]?["code"]?.integer == 2)
                    #expect(answer.headers.first(name: "Retry-After") != nil)
                    #expect(await graph.receivedRequests().isEmpty, "nothing unrecorded may reach Meta")
                }
            }
        }
    }

    @Test("the database is unreachable: 503 Graph-shaped before anything is forwarded")
    func databaseDown() async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                var unreachable = db.service
                unreachable.port = try freeLocalPort()
                let answer = try await withProxyApp(db, serviceURL: unreachable, graph: try Self.configuration(graph)) { root in
                    try await rawRequest(
                        .POST, "\(root)/v23.0/\(Self.phone)/messages", token: "rki_anything",
                        body: Array(#"{"messaging_product":"whatsapp","to":"1","type":"text","text":{"body":"x"}}"#.utf8))
                }
                #expect(answer.status == 503)
                #expect(answer.json?["error"]?["code"]?.integer == 2)
                #expect(await graph.receivedRequests().isEmpty)
            }
        }
    }

    /// AsyncHTTPClient retries a refused connection until the request's deadline, so a closed port
    /// ends as a connection failure (502) or, on a loaded machine, as the deadline (504).
    @Test("Meta unreachable: 502 or 504 Graph-shaped, the request and the failure are recorded")
    func metaUnreachable() async throws {
        try await withMigratedDatabase { db in
            let token = try await addIntegration(db, name: "bot")
            let closed = try GraphAPIConfiguration(baseURL: "http://127.0.0.1:\(try freeLocalPort())/v23.0", accessToken: "agency", requestTimeout: .seconds(3))
            try await withProxyApp(db, graph: closed) { root in
                let body = Array(#"{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}"#.utf8)
                let answer = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/messages", token: token.text, body: body)
                #expect([502, 504].contains(answer.status))
                #expect(answer.json?["error"]?["code"]?.integer == 2)
                let records = try await mainRecords(db).filter { $0.entry.fields.eventType.hasPrefix("message.send.") }
                #expect(records.map(\.entry.fields.eventType) == [OutboundEventType.sendRequested, OutboundEventType.sendFailed])
                let reason = try records.last?.headerJSON().text("reason")
                #expect(reason == (answer.status == 502 ? "transport" : "timeout"))
            }
        }
    }

    @Test("media: an upload is forwarded byte for byte with its Content-Type; metadata lookups pass through; both recorded")
    func media() async throws {
        try await TestGraphServer.with { graph in
            let image = await graph.register(bytes: Array(repeating: 0xAB, count: 5000), mimeType: "image/png")
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "bot")
                try await withProxyApp(db, graph: try Self.configuration(graph)) { root in
                    let boundary = "----pywa-boundary-7f3a"
                    var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n".utf8)
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                    body += (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) } + Array("\r\n--\(boundary)--\r\n".utf8)
                    let contentType = "multipart/form-data; boundary=\(boundary)"
                    let upload = try await rawRequest(.POST, "\(root)/v23.0/\(Self.phone)/media", token: token.text, contentType: contentType, body: body)
                    #expect(upload.status == 200)
                    let received = await graph.receivedRequests().filter { $0.endpoint == "media" }
                    #expect(received.first?.body == body)
                    #expect(received.first?.contentType == contentType)
                    let mediaID = try #require(upload.json?.text("id"))
                    #expect(mediaID == received.first?.answeredID)

                    let lookup = try await rawRequest(.GET, "\(root)/v23.0/\(image.id)?phone_number_id=\(Self.phone)", token: token.text, body: nil)
                    #expect(lookup.status == 200)
                    #expect(lookup.json?.text("url") == image.url)
                    let missing = try await rawRequest(.GET, "\(root)/v23.0/999999", token: token.text, body: nil)
                    #expect(missing.status == 404)
                    #expect(missing.json?["error"]?["code"]?.integer == 100)

                    let records = try await mainRecords(db).filter { ProxyMediaEvents.all.contains($0.entry.fields.eventType) }
                    #expect(
                        records.map(\.entry.fields.eventType) == [
                            ProxyMediaEvents.uploadRequested, ProxyMediaEvents.uploadAccepted,
                            ProxyMediaEvents.metadataRequested, ProxyMediaEvents.metadataAnswered,
                            ProxyMediaEvents.metadataRequested, ProxyMediaEvents.metadataAnswered,
                        ])
                    #expect(try records[0].payloadBytes() == body)
                    #expect(try records[0].headerJSON().text("content_type") == contentType)
                    #expect(try records[1].headerJSON().text("media_id") == mediaID)
                    #expect(try records[3].payloadBytes() == lookup.body)
                    #expect(try records[5].headerJSON()["http_status"]?.integer == 404)
                }
            }
        }
    }
}
