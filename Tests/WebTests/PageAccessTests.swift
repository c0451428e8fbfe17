import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import Logging
import PostgresNIO
import Testing
import Web

@testable import WebFoundation

/// The page table and the gate, without a database: every page × every role answers as
/// ``AccessPolicy`` says, forms without the right token reach no handler, and every route the
/// web application registers is in the table.
@Suite("Page access")
struct PageAccessTests {
    /// Sessions `rks_<role>` (and `rks_none`: no role) of a stand-in staff directory.
    struct RoleSessions: StaffAuthenticating {
        func principal(forToken token: String) async throws -> StaffPrincipal? { nil }

        func principal(forSession id: String) async throws -> StaffPrincipal? {
            guard id.hasPrefix("rks_") else { return nil }
            let role = String(id.dropFirst(4))
            if role == "none" { return StaffPrincipal(name: "nobody", roles: [], credential: .session(id: id)) }
            guard let role = StaffRole(rawValue: role) else { return nil }
            return StaffPrincipal(name: "user.\(role.rawValue)", roles: [role], teams: ["permits"], credential: .session(id: id))
        }
    }

    /// What reached the handlers and what was recorded as refused.
    actor Log {
        var handled: [String] = []
        var denied: [AccessRecord] = []
        func handle(_ route: String) { handled.append(route) }
        func deny(_ record: AccessRecord) { denied.append(record) }
    }

    static let sessions: [String] = StaffRole.allCases.map { "rks_\($0.rawValue)" } + ["rks_none"]

    /// A router with every route of the table (and `extra`), each answering 200 through the real gate.
    static func router(log: Log, extra: [String] = []) throws -> Router<BasicRequestContext> {
        let resources = try WebResources.bundled()
        let gate = PageGate(
            authenticator: RoleSessions(), recordDenied: { record, _ in await log.deny(record) },
            renderer: PageRenderer(templates: resources.templates, assets: resources.assets), logger: Logger(label: "web-tests"))
        let router = Router()
        for key in Array(WebPages.table.keys) + extra {
            let (method, path) = split(key)
            let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.on(RouterPath(hummingbirdPath), method: method) { request, _ -> Response in
                await gate.serve(request, route: key) { _ in
                    await log.handle(key)
                    return Response(status: .ok)
                }
            }
        }
        return router
    }

    static func split(_ key: String) -> (HTTPRequest.Method, String) {
        let parts = key.split(separator: " ", maxSplits: 1)
        return (HTTPRequest.Method(rawValue: String(parts[0]))!, String(parts[1]))
    }

    /// A URI for a route's template (`{id}` filled in).
    static func uri(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix("{") ? "x1" : String($0) }.joined(separator: "/")
    }

    static func headers(session: String?, csrfCookie: String? = nil, form: Bool) -> HTTPFields {
        var headers = HTTPFields()
        var cookies: [String] = []
        if let session { cookies.append("rk_session=\(session)") }
        if let csrfCookie { cookies.append("rk_csrf=\(csrfCookie)") }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        if form { headers[.contentType] = "application/x-www-form-urlencoded" }
        return headers
    }

    static func expectPageHeaders(_ response: TestResponse, _ what: String) {
        #expect(response.headers[.contentSecurityPolicy] == PageRenderer.contentSecurityPolicy, "\(what)")
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)")
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(what)")
        #expect(response.headers[.cacheControl] == "no-store", "\(what)")
    }

    @Test("every page and every role: allowed 200, refused an HTML 403 page (nothing run), signed out 303 to /signin?next=…")
    func everyPageEveryRole() async throws {
        let log = Log()
        try await Application(router: try Self.router(log: log)).test(.router) { client in
            for (key, access) in WebPages.table.sorted(by: { $0.key < $1.key }) {
                let (method, path) = Self.split(key)
                let uri = Self.uri(path)
                let posts = method == .post
                // Signed out.
                try await client.execute(
                    uri: uri, method: method, headers: Self.headers(session: nil, csrfCookie: "c", form: posts),
                    body: posts ? ByteBuffer(string: "_csrf=c") : nil
                ) { response in
                    switch access {
                    case .open:
                        #expect(response.status == .ok, "\(key) signed out")
                    case .staff:
                        #expect(response.status == .seeOther, "\(key) signed out")
                        let expected = posts ? "/signin" : "/signin?next=\(PageGate.percentEncoded(uri))"
                        #expect(response.headers[.location] == expected, "\(key) signed out")
                    }
                    Self.expectPageHeaders(response, "\(key) signed out")
                }
                // Each role.
                for session in Self.sessions {
                    let principal = try #require(try await RoleSessions().principal(forSession: session))
                    let token = access == .open ? "c" : CSRFToken.forSession(session)
                    let before = await log.handled.count
                    try await client.execute(
                        uri: uri, method: method, headers: Self.headers(session: session, csrfCookie: "c", form: posts),
                        body: posts ? ByteBuffer(string: "_csrf=\(token)") : nil
                    ) { response in
                        let allowed = WebPages.allows(principal, access)
                        #expect(response.status == (allowed ? .ok : .forbidden), "\(key) as \(session)")
                        if !allowed {
                            #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(key) as \(session)")
                            #expect(String(buffer: response.body).contains("<h1>Not allowed</h1>"), "\(key) as \(session)")
                        }
                        Self.expectPageHeaders(response, "\(key) as \(session)")
                    }
                    let handled = await log.handled.count - before
                    #expect(handled == (WebPages.allows(principal, access) ? 1 : 0), "\(key) as \(session)")
                }
            }
        }
    }

    @Test("the pages' decisions are AccessPolicy's: a page is allowed exactly when its action is allowed without a reason")
    func sameAsPolicy() throws {
        for (key, access) in WebPages.table {
            guard case .staff(let action) = access else {
                #expect(key == "GET /signin" || key == "POST /signin", "only signing in is open: \(key)")
                continue
            }
            for role in StaffRole.allCases {
                let principal = StaffPrincipal(name: "u", roles: [role], credential: .session(id: "s"))
                let policy = AccessPolicy.grant(role, action) == .allowed
                #expect(WebPages.allows(principal, access) == policy, "\(key) for \(role)")
            }
        }
        // The inbox is the agent's page; an auditor has no content action and no inbox, but the
        // audit pages; the staff pages are the admin's (and readable by supervisors and auditors).
        let agent = StaffPrincipal(name: "a", roles: [.agent], credential: .session(id: "s"))
        let auditor = StaffPrincipal(name: "b", roles: [.auditor], credential: .session(id: "s"))
        #expect(WebPages.links(for: agent).map(\.path).contains("/inbox"))
        #expect(!WebPages.links(for: agent).map(\.path).contains("/audit"))
        #expect(!WebPages.links(for: agent).map(\.path).contains("/admin/staff"))
        #expect(!WebPages.links(for: auditor).map(\.path).contains("/inbox"))
        #expect(WebPages.links(for: auditor).map(\.path).contains("/audit"))
        for role in StaffRole.allCases {
            let principal = StaffPrincipal(name: "u", roles: [role], credential: .session(id: "s"))
            for link in WebPages.links(for: principal) {
                #expect(WebPages.allows(principal, try #require(WebPages.table["GET \(link.path)"])), "\(link.path) for \(role)")
            }
        }
    }

    @Test("a form without the right _csrf is an HTML 403 and reaches no handler")
    func forgedForms() async throws {
        let log = Log()
        try await Application(router: try Self.router(log: log)).test(.router) { client in
            for (key, access) in WebPages.table where key.hasPrefix("POST ") {
                let uri = Self.uri(Self.split(key).1)
                let session = "rks_admin"
                var attempts: [(HTTPFields, String)] = []
                if access == .open {
                    attempts = [
                        (Self.headers(session: nil, form: true), "_csrf=abc"),  // no cookie
                        (Self.headers(session: nil, csrfCookie: "abc", form: true), "name=x"),  // no field
                        (Self.headers(session: nil, csrfCookie: "abc", form: true), "_csrf=abd"),  // different
                    ]
                } else {
                    attempts = [
                        (Self.headers(session: session, form: true), "name=x"),
                        (Self.headers(session: session, form: true), "_csrf="),
                        (Self.headers(session: session, form: true), "_csrf=\(CSRFToken.forSession("rks_agent"))"),  // another session's
                        (Self.headers(session: session, csrfCookie: "abc", form: true), "_csrf=abc"),  // the sign-in kind
                    ]
                }
                for (headers, body) in attempts {
                    try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .forbidden, "\(key) with \(body)")
                        #expect(String(buffer: response.body).contains("<h1>Form not accepted</h1>"), "\(key) with \(body)")
                        Self.expectPageHeaders(response, "\(key) with \(body)")
                    }
                }
                // Not a form at all: 415, nothing run.
                var json = Self.headers(session: session, form: false)
                json[.contentType] = "application/json"
                try await client.execute(uri: uri, method: .post, headers: json, body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .unsupportedMediaType, "\(key) as JSON")
                }
            }
            let handled = await log.handled
            #expect(handled.isEmpty, "\(handled)")
        }
    }

    @Test("an ended session goes to sign-in with a notice and loses its cookie; an unlisted route is refused; the sign-in form gets its cookie")
    func sessionsAndUnlisted() async throws {
        let log = Log()
        try await Application(router: try Self.router(log: log, extra: ["GET /unlisted"])).test(.router) { client in
            try await client.execute(uri: "/inbox?state=open", method: .get, headers: Self.headers(session: "rks_ended", form: false)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/signin?next=%2Finbox%3Fstate%3Dopen&expired=1")
                #expect(response.headers[.setCookie] == "rk_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
            }
            try await client.execute(uri: "/unlisted", method: .get, headers: Self.headers(session: "rks_admin", form: false)) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("not open to anyone"))
            }
            try await client.execute(uri: "/signin", method: .get) { response in
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.hasPrefix("rk_csrf=") && cookie.hasSuffix("; Path=/; HttpOnly; Secure; SameSite=Strict"), "\(cookie)")
            }
            try await client.execute(uri: "/signin", method: .get, headers: Self.headers(session: nil, csrfCookie: "kept", form: false)) { response in
                #expect(response.headers[.setCookie] == nil)
            }
            let handled = await log.handled
            #expect(handled == ["GET /signin", "GET /signin"])
        }
    }

    @Test("every route the web application registers is in the page table, and every entry of the table is registered")
    func tableCoversRoutes() throws {
        let client = PostgresClient(
            configuration: .init(host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: nil, tls: .disable),
            backgroundLogger: Logger(label: "web-tests"))
        let store = LedgerStore(client: client, masterKey: nil, logger: Logger(label: "web-tests"))
        let web = try WebApplication(store: store, staff: nil, settings: .init(), logger: Logger(label: "web-tests"))
        let keys = web.routes.map(\.key)
        #expect(Set(keys).count == keys.count, "a route is registered twice: \(keys)")
        #expect(Set(keys) == Set(WebPages.table.keys))
        #expect(PageRoute(.get, "/conversations/:id/notes", { _ in Response(status: .ok) }).key == "GET /conversations/{id}/notes")
    }
}
