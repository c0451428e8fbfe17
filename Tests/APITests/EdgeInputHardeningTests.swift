import API
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import NIOCore
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp
import Workers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
import Messaging
import Workers
import Server
import ServiceTestSupport
#endif

/// What an outside review found at the edge (findings 14 and 18): NUL in a text parameter was a
/// 500 with an empty body; answers lacked security headers; TRACE was served a 404, an unknown
/// `/v1` path a 403; a body announced longer than sent hung.
@Suite("Edge input hardening", .timeLimit(.minutes(5)))
struct EdgeInputHardeningTests {
    static let bootstrap = "edge-bootstrap-admin-token-0123456789"
    static let token = "edge-staff"

    /// An answer as a client sees it.
    struct Answer: CustomStringConvertible {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        var description: String { "\(status.code) \(headers[.contentType] ?? "-") \(body.prefix(400))" }
    }

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
        contentType: String? = "application/json"
    ) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = token == bootstrap ? "Bearer \(bootstrap)" : TestStaff.header(token) }
        if json != nil, let contentType { headers[.contentType] = contentType }
        if method != .get { headers[AccessControlMiddleware.csrfHeader] = "test" }
        return try await app.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// 400 problem+json `invalid_text`, never a 500.
    static func expectInvalidText(_ answer: Answer, field: String? = nil, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == .badRequest, "\(what): \(answer)", sourceLocation: sourceLocation)
        #expect(answer.headers[.contentType] == "application/problem+json", "\(what): \(answer)", sourceLocation: sourceLocation)
        #expect(answer.json["code"] as? String == "invalid_text", "\(what): \(answer)", sourceLocation: sourceLocation)
        if let field { #expect(answer.json["field"] as? String == field, "\(what): \(answer)", sourceLocation: sourceLocation) }
    }

    @Test("NUL (%00) in a path or query parameter is 400 invalid_text naming it, never a 500")
    func nulInParameters() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, bootstrapToken: Self.bootstrap) { app in
                let queries: [(String, String, String)] = [
                    ("/v1/access?user=tes%00ter", "user", Self.bootstrap),
                    ("/v1/staff/tokens?user=tes%00ter", "user", Self.bootstrap),
                    ("/v1/inbox?team=gen%00eral", "team", Self.token),
                    ("/v1/conversations?phone_number_id=106540352242922%00", "phone_number_id", Self.token),
                    ("/v1/conversations?limit=5&phone_number_id=%00", "phone_number_id", Self.token),
                    ("/v1/search?q=permit%0Aapplication", "q", Self.token),
                ]
                for (uri, field, token) in queries {
                    Self.expectInvalidText(try await Self.call(app, .get, uri, token: token), field: field, uri)
                }
                // Without credentials too: nothing reaches the database.
                Self.expectInvalidText(try await Self.call(app, .get, "/v1/inbox?team=%00"), field: "team", "unauthenticated")
                // A path segment: a user name with NUL.
                Self.expectInvalidText(
                    try await Self.call(app, .put, "/v1/staff/users/tes%00ter/roles/agent", token: Self.bootstrap), field: "path", "user name in the path")
                // Tab is text; a plain unknown user is still the route's own answer.
                let tab = try await Self.call(app, .get, "/v1/staff/tokens?user=tes%09ter", token: Self.bootstrap)
                #expect(tab.status != .badRequest && tab.status != .internalServerError, "\(tab)")
            }
        }
    }

    @Test("a conversation id that decodes to text with NUL is 400 invalid_conversation_id, never a 500")
    func nulInConversationID() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token) { app in
                for id in ["wa/106540352242922/p:1650\u{0}5551234", "\u{0}", "wa/1/p:1\n2"] {
                    let path = apiID(id)
                    for uri in ["/v1/conversations/\(path)", "/v1/conversations/\(path)/messages"] {
                        let answer = try await Self.call(app, .get, uri, token: Self.token)
                        #expect(answer.status == .badRequest, "\(uri): \(answer)")
                        #expect(answer.headers[.contentType] == "application/problem+json", "\(uri): \(answer)")
                        #expect(answer.json["code"] as? String == "invalid_conversation_id", "\(uri): \(answer)")
                    }
                }
            }
        }
        #expect(testConversationIDs.conversationID(fromAPIID: apiID("wa/1/p:2")) == "wa/1/p:2")
        #expect(testConversationIDs.conversationID(fromAPIID: apiID("wa/1/p:\u{0}2")) == nil)
    }

    @Test("NUL in a JSON body (\\u0000 or a raw 0x00) is 400 invalid_text; an escaped backslash before u0000 is not NUL")
    func nulInJSONBodies() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token, bootstrapToken: Self.bootstrap) { app in
                // Sign-in name (decodeJSON, no credentials needed).
                Self.expectInvalidText(
                    try await Self.call(app, .post, "/v1/session", json: #"{"name":"tes\u0000ter","password":"correct horse"}"#), field: "body", "session name")
                Self.expectInvalidText(
                    try await Self.call(app, .post, "/v1/session", json: "{\"name\":\"tes\u{0}ter\",\"password\":\"x\"}"), "raw NUL byte")
                // Declared as something else, still decoded as JSON: still refused.
                Self.expectInvalidText(
                    try await Self.call(app, .post, "/v1/staff/tokens", token: Self.bootstrap, json: #"{"user":"a\u0000"}"#, contentType: "text/plain"),
                    "text/plain body")
                // A token's user (admin).
                Self.expectInvalidText(
                    try await Self.call(app, .post, "/v1/staff/tokens", token: Self.bootstrap, json: #"{"user":"tes\u0000ter"}"#), "token user")
                // A new user's name.
                Self.expectInvalidText(
                    try await Self.call(app, .post, "/v1/staff/users", token: Self.bootstrap, json: #"{"name":"a\u0000b","roles":["agent"]}"#), "user name")
                // Routing and automation rules, read by the shared body helper.
                Self.expectInvalidText(
                    try await Self.call(app, .put, "/v1/automation-rules", token: Self.bootstrap, json: #"{"rules":[{"name":"x\u0000"}]}"#), "automation rules")
                // Text that merely shows the escape (\\u0000) is no NUL: the sign-in is refused as a wrong password.
                let shown = try await Self.call(app, .post, "/v1/session", json: #"{"name":"a\\u0000b","password":"x"}"#)
                #expect(shown.status != .badRequest && shown.status != .internalServerError, "\(shown)")
            }
        }
    }

    @Test("every answer carries HSTS, nosniff, a restrictive CSP and no-store; TRACE is 405, an unknown /v1 path 404, problem+json")
    func headersAndStatuses() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token) { app in
                let health = try await Self.call(app, .get, "/healthz")
                let list = try await Self.call(app, .get, "/v1/conversations", token: Self.token)
                let unknown = try await Self.call(app, .get, "/nothing-here")
                let unknownV1 = try await Self.call(app, .get, "/v1/nothing-here", token: Self.token)
                let unknownV1Anonymous = try await Self.call(app, .get, "/v1/nothing/here")
                let trace = try await Self.call(app, .trace, "/healthz")
                let options = try await Self.call(app, .options, "/v1/conversations")
                let refused = try await Self.call(app, .get, "/v1/conversations")
                #expect(health.status == .ok, "\(health)")
                #expect(list.status == .ok, "\(list)")
                #expect(refused.status == .unauthorized, "\(refused)")
                for (name, answer) in [
                    ("healthz", health), ("list", list), ("404", unknown), ("v1 404", unknownV1), ("anonymous v1 404", unknownV1Anonymous),
                    ("TRACE", trace), ("OPTIONS", options), ("401", refused),
                ] {
                    #expect(answer.headers[.strictTransportSecurity] == "max-age=31536000", "\(name): \(answer.headers)")
                    #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(name): \(answer.headers)")
                    #expect(answer.headers[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'", "\(name): \(answer.headers)")
                    #expect(answer.headers[.cacheControl] == "no-store", "\(name): \(answer.headers)")
                }
                for (name, answer, status, code) in [
                    ("unknown path", unknown, HTTPResponse.Status.notFound, "not_found"), ("unknown /v1 path", unknownV1, .notFound, "not_found"),
                    ("unknown /v1 path, no credentials", unknownV1Anonymous, .notFound, "not_found"),
                    ("TRACE", trace, .methodNotAllowed, "method_not_allowed"), ("OPTIONS", options, .methodNotAllowed, "method_not_allowed"),
                ] {
                    #expect(answer.status == status, "\(name): \(answer)")
                    #expect(answer.headers[.contentType] == "application/problem+json", "\(name): \(answer)")
                    #expect(answer.json["code"] as? String == code, "\(name): \(answer)")
                    #expect(answer.json["status"] as? Int == Int(status.code), "\(name): \(answer)")
                }
                #expect(trace.headers[.allow] != nil, "\(trace.headers)")
                // The OpenAPI document stays cacheable: a route's own Cache-Control is kept.
                let document = try await Self.call(app, .get, "/openapi.json")
                #expect(document.headers[.cacheControl] == "public, max-age=3600")
                #expect(document.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test("an unexpected error is a 500 problem+json that names nothing internal (and is logged)")
    func unexpectedError() async throws {
        struct Leaky: Error, CustomStringConvertible { var description: String { "relation \"secret_table\" does not exist" } }
        let router = Router()
        router.middlewares.add(SecurityHeadersMiddleware<BasicRequestContext>(logger: testLogger, spec: try OpenAPISpec.bundled()))
        router.get("boom") { _, _ -> String in throw Leaky() }
        try await Application(router: router).test(.router) { app in
            try await app.execute(uri: "/boom", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/problem+json")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
                #expect(json["title"] as? String == "Internal error")
                #expect(json["status"] as? Int == 500)
                #expect(json["type"] as? String != nil)
                #expect((json["detail"] as? String)?.isEmpty == false)
                #expect(!body.contains("secret_table"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test("a body announced longer than it is sent is answered 408 problem+json when its deadline passes")
    func slowBody() async throws {
        try await withMigratedDatabase { db in
            try await RequestBodyDeadline.$base.withValue(.seconds(1)) {
                try await withConversationApp(db, token: nil, setup: .live) { app in
                    let port = try #require(app.port)
                    let started = ContinuousClock.now
                    let answer = try await Self.rawExchange(
                        port: port,
                        "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"name\":\"tes")
                    let elapsed = ContinuousClock.now - started
                    #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
                    #expect(answer.lowercased().contains("content-type: application/problem+json"), "\(answer)")
                    #expect(answer.contains("\"code\":\"body_timeout\""), "\(answer)")
                    // The route's deadline is 2 s here (1 s base + 1 s for its 64 KiB limit); the default
                    // would be 31 s. The bound leaves room for two loaded cores (one CI run answered
                    // after 8.02 s) and still tells the shortened deadline from the default one.
                    #expect(elapsed < .seconds(15), "answered after \(elapsed)")
                }
            }
        }
    }

    @Test("WHATSAPP_MEDIA_HOSTS sets the media download hosts (finding 15); Meta's lookaside host by default; a URL instead of a host is refused")
    func mediaHostsSetting() throws {
        let defaults = try #require(try MediaFetcherSettings.fromEnvironment(["WHATSAPP_ACCESS_TOKEN": "token"]))
        #expect(defaults.mediaHosts == ["lookaside.fbsbx.com"])
        let configured = try #require(
            try MediaFetcherSettings.fromEnvironment(["WHATSAPP_ACCESS_TOKEN": "token", "WHATSAPP_MEDIA_HOSTS": " lookaside.fbsbx.com, Media.Example.org "]))
        #expect(configured.mediaHosts == ["lookaside.fbsbx.com", "media.example.org"])
        #expect(configured.allowsMediaDownload(from: "https://media.example.org/a"))
        #expect(!configured.allowsMediaDownload(from: "https://other.example.org/a"))
        #expect(throws: SettingsError.self) {
            try MediaFetcherSettings.fromEnvironment(["WHATSAPP_ACCESS_TOKEN": "token", "WHATSAPP_MEDIA_HOSTS": "https://media.example.org/"])
        }
    }

    /// Sends `request` as it is over a fresh TCP connection and returns what the server answers
    /// within 10 s (until it closes the connection or the headers and some body arrived).
    static func rawExchange(port: Int, _ request: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingExchange(port: port, request) })
            }
        }
    }

    private static func blockingExchange(port: Int, _ request: String) throws -> String {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestSetupError("connect() failed: \(String(cString: strerror(errno)))") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw TestSetupError("send() failed") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[..<count]
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n"), text[end.upperBound...].contains("}") { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
