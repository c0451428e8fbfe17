import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inbox
import NIOCore
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// Where the OpenAPI checker's venv is (`scripts/openapi-venv.sh`, run by `scripts/test.sh`).
enum OpenAPIValidatorEnvironment {
    /// `RECORDKEEPER_OPENAPI_VALIDATOR`: the venv's python, with openapi-spec-validator and
    /// jsonschema from PyPI.
    static var python: String? {
        ProcessInfo.processInfo.environment["RECORDKEEPER_OPENAPI_VALIDATOR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// In CI (`CI=true`) the tests always run, and fail without the venv.
    static var runs: Bool {
        python != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static let skipReason: Comment =
        "RECORDKEEPER_OPENAPI_VALIDATOR is not set: run `bash scripts/openapi-venv.sh` (scripts/test.sh does) and export the python it prints"

    static var checker: URL {
        TestEnvironment.repositoryRoot.appendingPathComponent("Tests/APITests/Fixtures/openapi_check.py")
    }

    static func requirePython() throws -> String {
        guard let python else {
            throw TestSetupError(
                "CI=true but RECORDKEEPER_OPENAPI_VALIDATOR is not set: scripts/test.sh installs openapi-spec-validator and jsonschema "
                    + "from PyPI into .build/openapi-venv (scripts/openapi-venv.sh) and exports its python; the OpenAPI tests cannot be skipped in CI")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestSetupError("RECORDKEEPER_OPENAPI_VALIDATOR=\(python) is not an executable: run `bash scripts/openapi-venv.sh`")
        }
        return python
    }

    /// Runs the checker (`openapi_check.py`) with `arguments` in `directory`; its standard output.
    static func check(_ arguments: [String], in directory: URL) async throws -> (ok: Bool, output: String) {
        let python = try requirePython()
        var environment = TestEnvironment.cleanEnvironment()
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        let child = try ChildProcess.spawn(
            python, [checker.path] + arguments, environment: environment, workingDirectory: directory.path, outputDirectory: directory,
            label: "openapi-check")
        let termination = try await child.waitForExit(timeout: .seconds(120))
        if termination != .exited(0), termination != .exited(1) {
            throw TestSetupError("openapi_check.py ended with \(termination)\n--- stdout ---\n\(child.stdout)\n--- stderr ---\n\(child.stderr)")
        }
        return (termination == .exited(0), child.stdout + (child.stderr.isEmpty ? "" : "\n--- stderr ---\n\(child.stderr)"))
    }
}

/// Collects what ``OpenAPIDocument/routeObserver`` is told.
final class RouteCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func add(_ routes: [String]) {
        lock.lock()
        defer { lock.unlock() }
        collected += routes
    }

    var routes: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}

/// One real answer of the application, for the checker: the route's template, not the URI.
struct RecordedExchange: Encodable {
    var method: String
    var path: String
    var status: Int
    var contentType: String?
    var body: String

    enum CodingKeys: String, CodingKey {
        case method, path, status, body
        case contentType = "content_type"
    }
}

/// The OpenAPI 3.1 document served at `/openapi.json` (issue 6, item 8): it is a valid
/// document, it names exactly the routes the application registers, and real answers match it.
@Suite("OpenAPI document", .timeLimit(.minutes(5)))
struct OpenAPIDocumentTests {
    static let token = SendAPITests.token

    @Test(
        "GET /openapi.json serves a valid OpenAPI 3.1 document (openapi-spec-validator), without auth, cacheable",
        .enabled(if: OpenAPIValidatorEnvironment.runs, OpenAPIValidatorEnvironment.skipReason))
    func validDocument() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: Self.token) { app in
                let (status, headers, body) = try await app.execute(uri: "/openapi.json", method: .get) { response in
                    (response.status, response.headers, Array(response.body.readableBytesView))
                }
                #expect(status == .ok)
                #expect(headers[.contentType] == "application/json")
                #expect(headers[.cacheControl]?.hasPrefix("public") == true)
                let document = try JSONValue.parse(body)
                #expect(document.text("openapi")?.hasPrefix("3.1.") == true)
                #expect(document["info"]?.text("version") == RecordkeeperServer.version)
                try await withTemporaryDirectory { work in
                    let file = work.appendingPathComponent("openapi.json")
                    try Data(body).write(to: file)
                    let result = try await OpenAPIValidatorEnvironment.check(["validate", file.path], in: work)
                    #expect(result.ok, "openapi-spec-validator: \(result.output)")
                    #expect(result.output.hasPrefix("OK"), "\(result.output)")
                }
            }
        }
    }

    @Test("the document names exactly the routes the application registers (method and path template)")
    func everyRoutePresent() async throws {
        let collector = RouteCollector()
        let document = try JSONValue.parse(Array(OpenAPISpec.bundled().json.utf8))
        try await withMigratedDatabase { db in
            try await OpenAPIDocument.$routeObserver.withValue({ collector.add($0) }) {
                // With the webhook configured, so that every route is registered.
                try await withConversationApp(db, token: Self.token, whatsApp: WebhookDeliveries.settings) { _ in }
            }
        }
        let registered = Set(collector.routes)
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var documented: Set<String> = []
        for (path, item) in document["paths"]?.object ?? [:] {
            for method in methods where item[method] != nil { documented.insert("\(method.uppercased()) \(path)") }
        }
        #expect(registered.contains { $0.hasPrefix("GET /v1/") }, "the application's routes were reported: \(registered.sorted())")
        #expect(registered.contains("GET /openapi.json"))
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in the document")
        #expect(documented.subtracting(registered).sorted() == [], "in the document but not registered")
    }

    @Test(
        "real answers (200/201/202 bodies, problem details, text) match the document's schema for their status and content type",
        .enabled(if: OpenAPIValidatorEnvironment.runs, OpenAPIValidatorEnvironment.skipReason))
    func responsesMatch() async throws {
        _ = try OpenAPIValidatorEnvironment.requirePython()
        let (document, exchanges) = try await Self.exchanges()
        try await withTemporaryDirectory { work in
            let documentFile = work.appendingPathComponent("openapi.json")
            try Data(document).write(to: documentFile)
            let exchangesFile = work.appendingPathComponent("exchanges.json")
            try JSONEncoder().encode(exchanges).write(to: exchangesFile)
            let result = try await OpenAPIValidatorEnvironment.check(["responses", documentFile.path, exchangesFile.path], in: work)
            #expect(result.ok, "\(result.output)")
            let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }
            try #require(lines.count == exchanges.count, "one verdict per exchange: \(result.output)")
            for (exchange, line) in zip(exchanges, lines) {
                let verdict = try JSONValue.parse(Array(line.utf8))
                #expect(
                    verdict["ok"] == .bool(true),
                    "\(exchange.method) \(exchange.path) → \(exchange.status): \(verdict.text("error") ?? "?")\nbody: \(exchange.body.prefix(600))")
            }
        }
    }

    /// Drives the real application (projections, dispatcher, a fake Graph API) through a
    /// representative set of requests; the served document and every answer.
    static func exchanges() async throws -> ([UInt8], [RecordedExchange]) {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { db in
                try await withConversationApp(
                    db, token: token, runProjections: true, whatsApp: WebhookDeliveries.settings, media: try SendAPITests.graphConfiguration(graph),
                    setup: .live
                ) { app in
                    var exchanges: [RecordedExchange] = []
                    func call(
                        _ method: HTTPRequest.Method, _ template: String, _ uri: String, auth: Bool = true, headers extra: HTTPFields = [:],
                        body: [UInt8]? = nil, expect expected: HTTPResponse.Status
                    ) async throws -> RecordedExchange {
                        var headers = extra
                        if auth { headers[.authorization] = TestStaff.header(token) }
                        let exchange = try await app.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
                            RecordedExchange(
                                method: method.rawValue, path: template, status: Int(response.status.code), contentType: response.headers[.contentType],
                                body: String(decoding: response.body.readableBytesView, as: UTF8.self))
                        }
                        #expect(exchange.status == Int(expected.code), "\(method) \(uri): \(exchange.body)")
                        return exchange
                    }
                    let json: HTTPFields = [.contentType: "application/json"]

                    let documentExchange = try await call(.get, "/openapi.json", "/openapi.json", auth: false, expect: .ok)
                    exchanges.append(documentExchange)
                    exchanges.append(try await call(.get, "/healthz", "/healthz", auth: false, expect: .ok))
                    exchanges.append(try await call(.get, "/readyz", "/readyz", auth: false, expect: .ok))

                    // Meta's webhook: the handshake, a signed delivery, an unsigned one.
                    exchanges.append(
                        try await call(
                            .get, "/webhooks/whatsapp",
                            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=\(WebhookDeliveries.verifyToken)&hub.challenge=42",
                            auth: false, expect: .ok))
                    let delivery = WebhookDeliveries.textDelivery(
                        wamid: "wamid.openapi-1", waID: SendAPITests.citizen, text: "Is my permit ready?", timestamp: Int64(Date().timeIntervalSince1970))
                    var signed = json
                    signed[HTTPField.Name("X-Hub-Signature-256")!] = WebhookDeliveries.signature(delivery)
                    exchanges.append(
                        try await call(.post, "/webhooks/whatsapp", "/webhooks/whatsapp", auth: false, headers: signed, body: delivery, expect: .ok))
                    exchanges.append(
                        try await call(
                            .post, "/webhooks/whatsapp", "/webhooks/whatsapp", auth: false, headers: json, body: delivery, expect: .unauthorized))

                    // Conversations.
                    var conversation: String?
                    try await eventually("the delivered message opened no conversation") {
                        conversation = try await SendAPITests.get(app, "/v1/conversations").1["items"]?.array?.first?.text("id")
                        return conversation != nil
                    }
                    let id = try #require(conversation)
                    exchanges.append(try await call(.get, "/v1/conversations", "/v1/conversations", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/conversations", "/v1/conversations", auth: false, expect: .unauthorized))
                    exchanges.append(try await call(.get, "/v1/conversations", "/v1/conversations?limit=0", expect: .badRequest))
                    exchanges.append(try await call(.get, "/v1/conversations/{id}", "/v1/conversations/\(id)", expect: .ok))
                    exchanges.append(
                        try await call(.get, "/v1/conversations/{id}", "/v1/conversations/d2EvMTA2NTQwMzUyMjQyOTIyL3A6MTk5OTU1NTAwMDA", expect: .notFound))

                    // Sending: 202, its status, the problems.
                    let text = Array(#"{"type":"text","text":{"body":"Your permit is ready."}}"#.utf8)
                    var keyed = json
                    keyed[HTTPField.Name("Idempotency-Key")!] = "openapi-test-1"
                    let accepted = try await call(
                        .post, "/v1/conversations/{id}/messages", "/v1/conversations/\(id)/messages", headers: keyed, body: text, expect: .accepted)
                    exchanges.append(accepted)
                    exchanges.append(
                        try await call(
                            .post, "/v1/conversations/{id}/messages", "/v1/conversations/\(id)/messages", headers: keyed, body: text, expect: .accepted))
                    exchanges.append(
                        try await call(
                            .post, "/v1/conversations/{id}/messages", "/v1/conversations/\(id)/messages", headers: json,
                            body: Array(#"{"type":"text","text":{"body":""}}"#.utf8), expect: .unprocessableContent))
                    exchanges.append(
                        try await call(
                            .post, "/v1/conversations/{id}/messages", "/v1/conversations/\(id)/messages", headers: json, body: Array("not json".utf8),
                            expect: .badRequest))
                    let statusURL = try #require(try JSONValue.parse(Array(accepted.body.utf8)).text("status_url"))
                    try await eventually("the send was not answered by Meta") {
                        try await SendAPITests.get(app, statusURL).1.text("message_id") != nil
                    }
                    exchanges.append(try await call(.get, "/v1/sends/{position}", statusURL, expect: .ok))
                    exchanges.append(try await call(.get, "/v1/sends/{position}", "/v1/sends/999999", expect: .notFound))
                    exchanges.append(try await call(.get, "/v1/conversations/{id}/messages", "/v1/conversations/\(id)/messages", expect: .ok))

                    // Media: an upload to (fake) Meta, an unknown media.
                    let image: HTTPFields = [.contentType: "image/png"]
                    exchanges.append(
                        try await call(
                            .post, "/v1/media", "/v1/media?phone_number_id=106540352242922&filename=map.png", headers: image,
                            body: (0..<64).map { UInt8($0) }, expect: .created))
                    exchanges.append(try await call(.post, "/v1/media", "/v1/media?filename=map.png", headers: image, body: [1, 2, 3], expect: .badRequest))
                    exchanges.append(try await call(.get, "/v1/media/{media_id}", "/v1/media/1234567890", expect: .notFound))

                    // Auditing.
                    exchanges.append(try await call(.get, "/v1/ledgers/{ledger}/entries/{position}", "/v1/ledgers/main/entries/1", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/ledgers/{ledger}/entries/{position}", "/v1/ledgers/main/entries/0", expect: .badRequest))
                    exchanges.append(try await call(.get, "/v1/ledgers/{ledger}/entries/{position}", "/v1/ledgers/nope/entries/1", expect: .notFound))
                    exchanges.append(
                        try await call(
                            .get, "/v1/ledgers/{ledger}/proofs/inclusion", "/v1/ledgers/main/proofs/inclusion?position=1", expect: .ok))
                    exchanges.append(
                        try await call(
                            .get, "/v1/ledgers/{ledger}/proofs/inclusion", "/v1/ledgers/main/proofs/inclusion?position=99999",
                            expect: .unprocessableContent))
                    exchanges.append(
                        try await call(
                            .get, "/v1/ledgers/{ledger}/proofs/consistency", "/v1/ledgers/main/proofs/consistency?from=1&to=2", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/ledgers/{ledger}/checkpoint", "/v1/ledgers/main/checkpoint", expect: .notFound))

                    // Staff, sessions, the read audit and classification changes (the tester is a supervisor and records officer).
                    exchanges.append(try await call(.get, "/v1/session", "/v1/session", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/staff/users", "/v1/staff/users", expect: .ok))
                    exchanges.append(
                        try await call(
                            .post, "/v1/staff/users", "/v1/staff/users", headers: json, body: Array(#"{"name":"x","roles":["agent"]}"#.utf8), expect: .forbidden
                        ))
                    exchanges.append(try await call(.get, "/v1/staff/tokens", "/v1/staff/tokens", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/access", "/v1/access?limit=5", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/access", "/v1/access?cursor=nope", expect: .badRequest))
                    exchanges.append(
                        try await call(
                            .put, "/v1/conversations/{id}/messages/{position}/classification", "/v1/conversations/\(id)/messages/999999/classification",
                            headers: json, body: Array(#"{"category":3,"reason":"test"}"#.utf8), expect: .notFound))
                    exchanges.append(
                        try await call(
                            .post, "/v1/session", "/v1/session", auth: false, headers: json,
                            body: Array(#"{"name":"nobody","password":"wrong-password-1"}"#.utf8),
                            expect: .unauthorized))
                    let today = AnalyticsCalendar.utc.date(of: Date())
                    exchanges.append(try await call(.get, "/v1/analytics", "/v1/analytics?from=\(today)&to=\(today)", expect: .ok))
                    exchanges.append(try await call(.get, "/v1/analytics", "/v1/analytics?from=\(today)", expect: .badRequest))
                    exchanges.append(try await call(.get, "/metrics", "/metrics", expect: .ok))
                    exchanges.append(try await call(.get, "/metrics", "/metrics", auth: false, expect: .unauthorized))

                    // The Graph proxy's own error (no integration token).
                    exchanges.append(
                        try await call(
                            .post, "/graph/{version}/{id}/messages", "/graph/v23.0/106540352242922/messages", auth: false, headers: json,
                            body: Array("{}".utf8), expect: .unauthorized))
                    return (Array(documentExchange.body.utf8), exchanges)
                }
            }
        }
    }
}
