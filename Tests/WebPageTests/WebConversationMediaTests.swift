import Access
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inbox
import LedgerStore
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp
import Workers

/// Files on the conversation page (issue 16, item 2): a citizen's image served from the archive
/// under the rules of `GET /v1/media/{media_id}` (scope, clearance, the access log), and a
/// reply with a file uploaded as `POST /v1/media` uploads it and sent as a media message, all
/// against the fake Graph API on loopback.
@Suite("Web conversation media", .timeLimit(.minutes(5)))
struct WebConversationMediaTests {
    typealias C = WebPageClient
    static let password = "a long enough passphrase"
    /// A 2×2 PNG.
    static let png: [UInt8] = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0, 253, 212, 154, 115, 0, 0, 0, 16, 73,
        68, 65, 84, 120, 156, 99, 248, 207, 0, 4, 255, 25, 32, 20, 0, 27, 242, 3, 253, 214, 150, 242, 43, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66,
        96, 130,
    ]

    struct Fixture: Sendable {
        var app: any TestClientProtocol
        var store: LedgerStore
        var graph: TestGraphServer
        /// sam's (supervisor) API token.
        var token: String
    }

    /// The service with the fake Graph API behind its media fetcher, dispatcher and proxy; alice
    /// (agent of the default team, where every conversation goes), bob (agent of `roads`) and
    /// sam (supervisor).
    static func withFixture(_ body: @escaping @Sendable (Fixture) async throws -> Void) async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
                let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
                let configuration = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: .seconds(10))
                let background = testBackground(client: client, store: store, workers: WorkerSet.Settings(ledger: "main", graph: configuration))
                let app = RecordkeeperServer.makeApplication(
                    configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                    migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                    media: configuration, conversations: ConversationSettings(ledger: "main"), relays: background.relays,
                    staff: TestStaff.directory(store), staffSettings: StaffSettings(requireMFA: false), background: background.services,
                    logger: testLogger)
                try await app.test(.live) { app in
                    let directory = TestStaff.directory(store)
                    for (name, role, teams) in [
                        ("alice", StaffRole.agent, [RoutingRuleSet.defaultTeamName]), ("bob", .agent, ["roads"]), ("sam", .supervisor, []),
                    ] {
                        _ = try await directory.addUser(name: name, roles: [role], teams: Set(teams), password: password, actor: "test")
                    }
                    let token = try await directory.issueToken(user: "sam", actor: "test").token
                    try await body(Fixture(app: app, store: store, graph: graph, token: token))
                }
            }
        }
    }

    /// The API id of the one conversation of the inbox, once it is routed.
    static func conversationID(_ fixture: Fixture) async throws -> String {
        var id: String?
        try await eventually("the inbox did not route the conversation") {
            let items = try await WebAgentPagesTests.inbox(fixture.app, token: fixture.token)
            id = items.first { $0["team"]?.string != nil }?["id"]?.string
            return id != nil
        }
        return try #require(id)
    }

    static func entries(_ store: LedgerStore, type: String, actor: String) async throws -> [String] {
        try await WebAgentPagesTests.entries(store).filter { $0.type == type && $0.actor == actor }.map(\.header)
    }

    /// GET with a session, the raw bytes kept.
    static func fetch(_ app: any TestClientProtocol, _ uri: String, session: String) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        try await app.execute(uri: uri, method: .get, headers: [.cookie: "rk_session=\(session)"], body: nil) { response in
            (response.status, response.headers, Array(response.body.readableBytesView))
        }
    }

    @Test("a citizen's image: shown and served to an agent of its team (headers, access.viewed); 404 to another team; nothing above clearance")
    func servedImage() async throws {
        try await Self.withFixture { fixture in
            let (app, store) = (fixture.app, fixture.store)
            let image = await fixture.graph.register(bytes: Self.png, mimeType: "image/png")
            let delivery = WebhookDeliveries.imageDelivery(
                wamid: "wamid.img1", mediaID: image.id, url: image.url, sha256: image.sha256Base64, mimeType: image.mimeType, waID: "16505550001")
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            let id = try await Self.conversationID(fixture)
            let alice = try await C.session(store, name: "alice", password: Self.password)
            let source = "/conversations/\(id)/media/\(image.id)"

            // The timeline shows the image with its caption as its text alternative, once archived.
            try await eventually("the archived image is not shown on the conversation page", timeout: .seconds(60)) {
                try await C.get(app, "/conversations/\(id)", session: alice).body.contains("<img src=\"\(source)\" alt=\"see attached\"")
            }
            let page = try await C.get(app, "/conversations/\(id)", session: alice)
            #expect(page.body.contains("<a href=\"\(source)\" download>Download the image (image/png)</a>"), "\(page.body)")

            // Served as the API serves it, and on the record.
            let (status, headers, bytes) = try await Self.fetch(app, source, session: alice)
            #expect(status == .ok)
            #expect(bytes == Self.png, "the bytes served are the bytes the citizen sent")
            #expect(headers[.contentType] == "image/png")
            #expect(headers[.contentDisposition] == "inline; filename=\"media-\(image.id).png\"")
            #expect(headers[.xContentTypeOptions] == "nosniff" && headers[.cacheControl] == "no-store")
            let viewed = try await Self.entries(store, type: "access.viewed", actor: "staff:alice")
            #expect(viewed.contains { $0.contains("media:\(image.id)") && $0.contains("GET /conversations/{id}/media/{media}") }, "\(viewed)")

            // Another team's agent: as if there were no such file, and the probe is recorded.
            let bob = try await C.session(store, name: "bob", password: Self.password)
            let (refused, _, refusedBytes) = try await Self.fetch(app, source, session: bob)
            #expect(refused == .notFound && refusedBytes != Self.png)
            let denied = try await Self.entries(store, type: "access.denied", actor: "staff:bob")
            #expect(denied.contains { $0.contains("GET /conversations/{id}/media/{media}") }, "\(denied)")
            // A media id of no message of this conversation.
            #expect(try await Self.fetch(app, "/conversations/\(id)/media/999999", session: alice).0 == .notFound)

            // Raised above an agent's clearance by staff: the page shows no image, the file serves nothing.
            let position = try await app.execute(
                uri: "/v1/conversations/\(id)/messages", method: .get, headers: [.authorization: "Bearer \(fixture.token)"]
            ) { (try? JSONValue.parse(Array($0.body.readableBytesView)))?["items"]?.array?.first?["position"]?.integer }
            let raised = try await app.execute(
                uri: "/v1/conversations/\(id)/messages/\(try #require(position))/classification", method: .put,
                headers: [.authorization: "Bearer \(fixture.token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"category":3,"reason":"a photo of an identity card"}"#)
            ) { $0.status }
            #expect(raised == .ok)
            try await eventually("the raised category did not reach the page") {
                !(try await C.get(app, "/conversations/\(id)", session: alice).body.contains("<img src="))
            }
            let (withheld, withheldHeaders, withheldBytes) = try await Self.fetch(app, source, session: alice)
            #expect(withheld == .forbidden && withheldBytes != Self.png)
            #expect(withheldHeaders[.contentType] == "text/html; charset=utf-8")
            #expect(String(decoding: withheldBytes, as: UTF8.self).contains("above your clearance"))
        }
    }

    @Test("a citizen's document: its download link names the file and its size, which the page takes from the media projection without decrypting the file")
    func documentLinkWithSize() async throws {
        try await Self.withFixture { fixture in
            let app = fixture.app
            // 3,009 bytes that zstd shrinks: the size shown is the original's.
            let bytes = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x41, count: 3_000)
            let document = await fixture.graph.register(bytes: bytes, mimeType: "application/pdf")
            let delivery = WebhookDeliveries.documentDelivery(
                wamid: "wamid.doc1", mediaID: document.id, url: document.url, sha256: document.sha256Base64, mimeType: document.mimeType,
                filename: "permit.pdf", waID: "16505550002")
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            let id = try await Self.conversationID(fixture)
            let alice = try await C.session(fixture.store, name: "alice", password: Self.password)
            let link = "<a href=\"/conversations/\(id)/media/\(document.id)\" download>Download the document “permit.pdf” (application/pdf, "
            try await eventually("the archived document's link is not on the conversation page", timeout: .seconds(60)) {
                try await C.get(app, "/conversations/\(id)", session: alice).body.contains(link + "3 kB)</a>")
            }
            // The media projection took the size from the stored event's header, and the page reads
            // it there: a size written into the projection is the one shown, although the archived
            // file is 3 kB.
            let rows = try await fixture.store.client.query("SELECT size FROM media WHERE media_id = \(document.id)", logger: testLogger)
            var projected: Int64?
            for try await size in rows.decode(Int64?.self) { projected = size }
            #expect(projected == Int64(bytes.count))
            _ = try await fixture.store.client.query("UPDATE media SET size = \(5_000_000) WHERE media_id = \(document.id)", logger: testLogger).collect()
            let page = try await C.get(app, "/conversations/\(id)", session: alice)
            #expect(page.body.contains(link + "4.8 MB)</a>"), "\(page.body)")
        }
    }

    /// A `multipart/form-data` body as a browser sends the reply form.
    static func multipart(_ fields: [(String, String)], file: (name: String, type: String, bytes: [UInt8])?) -> (String, ByteBuffer) {
        let boundary = "----WebKitFormBoundary\(TestEnvironment.randomHex(8))"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// Posts a multipart form to the live app with AsyncHTTPClient, not HummingbirdTesting's live
    /// client: that client allows every request 20 s, and the 5 MB form, parsed by MultipartKit in
    /// a debug build (3.6 s alone, 15 s beside eight busy processes on 2 cores), once took longer
    /// in CI. Redirects are not followed, so the `303` is what the test sees.
    static func postMultipart(
        _ app: any TestClientProtocol, _ uri: String, session: String, _ fields: [(String, String)], file: (name: String, type: String, bytes: [UInt8])?
    ) async throws -> PageAnswer {
        let port = try #require(app.port, "the live test client names its server's port")
        let (type, body) = multipart(fields, file: file)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = .POST
        request.headers.add(name: "Cookie", value: "rk_session=\(session)")
        request.headers.add(name: "Content-Type", value: type)
        request.body = .bytes(body)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            let response = try await http.execute(request, timeout: .seconds(180))
            let answer = try await response.body.collect(upTo: 1024 * 1024)
            try await http.shutdown()
            var headers = HTTPFields()
            for (name, value) in response.headers {
                if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
            }
            return PageAnswer(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers, body: String(buffer: answer))
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test("a reply with an image is uploaded as POST /v1/media uploads it, sent, and on the timeline; forged or oversized forms upload nothing")
    func replyWithFile() async throws {
        try await Self.withFixture { fixture in
            let (app, store, graph) = (fixture.app, fixture.store, fixture.graph)
            let delivery = WebhookDeliveries.textDelivery(
                wamid: "wamid.t1", waID: "16505550001", text: "Can you send me the form?", timestamp: Int64(Date().timeIntervalSince1970))
            try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
            let id = try await Self.conversationID(fixture)
            let alice = try await C.session(store, name: "alice", password: Self.password)
            let path = "/conversations/\(id)"
            let page = try await C.get(app, path, session: alice)
            #expect(page.body.contains("enctype=\"multipart/form-data\""))
            #expect(page.body.contains("<label for=\"reply-file\">") && page.body.contains("type=\"file\" accept=\"application/msword,"))
            let csrf = try #require(C.csrf(in: page.body))
            let uploads = { await graph.receivedRequests().filter { $0.endpoint == "media" }.count }

            // No token, a wrong token: refused, nothing uploaded or recorded.
            for token in [nil, "forged"] {
                let fields = (token.map { [("_csrf", $0)] } ?? []) + [("text", "Here is the form.")]
                let forged = try await Self.postMultipart(app, "\(path)/reply", session: alice, fields, file: ("form.png", "image/png", Self.png))
                #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"))
            }
            #expect(await uploads() == 0)
            #expect(try await Self.entries(store, type: "media.upload.requested", actor: "staff:alice").isEmpty)

            // Too large for WhatsApp's images, or a type it does not send: the error at the file field.
            let large = [UInt8](repeating: 0xFF, count: 5 * 1024 * 1024 + 1)
            let oversized = try await Self.postMultipart(
                app, "\(path)/reply", session: alice, [("_csrf", csrf), ("text", "Big")], file: ("big.jpg", "image/jpeg", large))
            #expect(oversized.status == .unprocessableContent)
            #expect(oversized.body.contains("id=\"reply-file-error\"") && oversized.body.contains("at most 5 MB"), "\(oversized.body)")
            #expect(oversized.body.contains("aria-describedby=\"reply-file-hint reply-file-error\""))
            let zip = try await Self.postMultipart(
                app, "\(path)/reply", session: alice, [("_csrf", csrf)], file: ("a.zip", "application/zip", [1, 2, 3]))
            #expect(zip.status == .unprocessableContent && zip.body.contains("does not send (application/zip)"))
            #expect(await uploads() == 0)

            // A text reply sent with the multipart form still works as before.
            let text = try await Self.postMultipart(
                app, "\(path)/reply", session: alice, [("_csrf", csrf), ("text", "One moment please."), ("idempotency", "k-text")], file: nil)
            #expect(text.status == .seeOther && text.headers[.location] == "\(path)?done=sent")

            // The image: uploaded (recorded first), then sent as an image message with its caption.
            let sent = try await Self.postMultipart(
                app, "\(path)/reply", session: alice, [("_csrf", csrf), ("text", "Here is the form."), ("idempotency", "k-file")],
                file: ("form.png", "image/png", Self.png))
            #expect(sent.status == .seeOther && sent.headers[.location] == "\(path)?done=sent", "\(sent.body)")
            let upload = try #require(await graph.receivedRequests().first { $0.endpoint == "media" })
            #expect(upload.body.firstRange(of: Self.png) != nil, "Meta received the file's bytes")
            let mediaID = try #require(upload.answeredID)
            #expect(try await Self.entries(store, type: "media.upload.requested", actor: "staff:alice").count == 1)
            try await eventually("the image message never reached the fake Graph API", timeout: .seconds(30)) {
                await graph.sentMessages().contains { request in
                    let body = try? JSONValue.parse(request.body)
                    return body?["type"]?.string == "image" && body?["image"]?["id"]?.string == mediaID
                        && body?["image"]?["caption"]?.string == "Here is the form."
                }
            }
            try await eventually("the image reply is not on the timeline") {
                let after = try await C.get(app, path, session: alice).body
                return after.contains("Image") && after.contains("Here is the form.") && after.contains("The file was uploaded to WhatsApp")
            }
        }
    }
}
