import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import Logging
import NIOCore
import PostgresNIO
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// A page's answer as a test reads it.
struct PageAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    /// The value a `Set-Cookie` of the answer gives `name`; nil when it sets none.
    func setCookie(_ name: String) -> String? {
        setCookieLine(name).map { line in
            let pair = line.split(separator: ";", maxSplits: 1)[0]
            return String(pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first ?? "")
        }
    }

    /// The whole `Set-Cookie` line of `name`.
    func setCookieLine(_ name: String) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
    }
}

/// Drives the pages as a browser would: cookies sent by hand, forms urlencoded.
enum WebPageClient {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The service with its pages over a fresh migrated database, on loopback HTTP.
    /// - Parameter logger: the application's and its store's logger.
    static func withWebApp<T: Sendable>(
        requireMFA: Bool = false, runProjections: Bool = false, logger: Logger = testLogger,
        _ body: @escaping @Sendable (any TestClientProtocol, LedgerStore) async throws -> T
    ) async throws -> T {
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: logger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: logger)
            let background = testBackground(
                client: client, store: store, workers: runProjections ? WorkerSet.Settings(ledger: "main", runClassifier: false) : nil)
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: WebhookDeliveries.settings,
                conversations: ConversationSettings(ledger: "main"), relays: background.relays, staff: TestStaff.directory(store),
                staffSettings: StaffSettings(requireMFA: requireMFA), background: background.services, logger: logger)
            return try await app.test(.live) { client in try await body(client, store) }
        }
    }

    static func request(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, cookies: [String: String] = [:], form: [(String, String)]? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> PageAnswer {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: encode(form))
        }
        return try await app.execute(uri: uri, method: method, headers: headers, body: body) { response in
            PageAnswer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func get(_ app: any TestClientProtocol, _ uri: String, session: String? = nil) async throws -> PageAnswer {
        try await request(app, .get, uri, cookies: session.map { ["rk_session": $0] } ?? [:])
    }

    /// Posts a signed-in form with the session's `_csrf` (read from `page`'s forms).
    static func post(
        _ app: any TestClientProtocol, _ uri: String, session: String, csrf: String?, _ fields: [(String, String)]
    ) async throws -> PageAnswer {
        try await request(app, .post, uri, cookies: ["rk_session": session], form: (csrf.map { [("_csrf", $0)] } ?? []) + fields)
    }

    /// The value of the first hidden `_csrf` field of a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in through the sign-in form (GET for its cookie and token, then POST).
    static func signIn(
        _ app: any TestClientProtocol, name: String, password: String, totp: String? = nil, next: String? = nil
    ) async throws -> PageAnswer {
        let form = try await get(app, "/signin")
        let token = try #require(form.setCookie("rk_csrf"))
        #expect(csrf(in: form.body) == token)
        var fields = [("_csrf", token), ("name", name), ("password", password)]
        if let totp { fields.append(("totp", totp)) }
        if let next { fields.append(("next", next)) }
        return try await request(app, .post, "/signin", cookies: ["rk_csrf": token], form: fields)
    }

    /// A session of `name` started by the staff directory itself (no second factor required).
    static func session(_ store: LedgerStore, name: String, password: String) async throws -> String {
        try await TestStaff.directory(store).signIn(name: name, password: password, totp: nil, requireMFA: false).id
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// The headers every page sends (item 5 of issue 16).
    static func expectPageHeaders(_ answer: PageAnswer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.headers[.contentSecurityPolicy] == contentSecurityPolicy, "\(what)", sourceLocation: sourceLocation)
        #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)", sourceLocation: sourceLocation)
        #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(what)", sourceLocation: sourceLocation)
        let referrer = answer.headers[HTTPField.Name("Referrer-Policy")!]
        #expect(referrer == "same-origin" || referrer == "no-referrer", "\(what): \(referrer ?? "none")", sourceLocation: sourceLocation)
        #expect(answer.headers[.cacheControl] == "no-store", "\(what)", sourceLocation: sourceLocation)
        if answer.status != .seeOther {
            #expect(answer.headers[.contentType] == "text/html; charset=utf-8", "\(what)", sourceLocation: sourceLocation)
        }
    }
}
