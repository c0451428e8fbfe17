import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceTestSupport
import TestSupport
import Testing
import WebFoundation

/// Every page sends the security headers; error pages are HTML (the API keeps problem+json);
/// static files are served with their types and a long cache; and every page answers each
/// role as AccessPolicy says, with the real staff directory and sessions.
@Suite("Web page headers and access", .timeLimit(.minutes(5)))
struct WebPageHeadersTests {
    typealias C = WebPageClient

    @Test("every page, redirect and error page sends CSP, frame denial, nosniff, a referrer policy and no-store; unknown pages are an HTML 404")
    func headers() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "ana", roles: [.agent], teams: ["permits"], password: "a long enough passphrase", actor: "test")
            _ = try await directory.addUser(name: "audra", roles: [.auditor], password: "a long enough passphrase", actor: "test")
            let agent = try await C.session(store, name: "ana", password: "a long enough passphrase")
            let auditor = try await C.session(store, name: "audra", password: "a long enough passphrase")

            var pages: [(String, PageAnswer, HTTPResponse.Status)] = []
            pages.append(("GET /signin", try await C.get(app, "/signin"), .ok))
            for uri in ["/", "/account", "/inbox"] {
                pages.append(("GET \(uri)", try await C.get(app, uri, session: agent), .ok))
                pages.append(("GET \(uri) signed out", try await C.get(app, uri), .seeOther))
            }
            pages.append(("GET /inbox as auditor", try await C.get(app, "/inbox", session: auditor), .forbidden))
            let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
            pages.append(("GET /no-such-page", try await C.request(app, .get, "/no-such-page", cookies: ["rk_session": agent], headers: browser), .notFound))
            pages.append(("GET /static/old/app.css", try await C.request(app, .get, "/static/0000000000000000/app.css", headers: browser), .notFound))
            for (what, answer, status) in pages {
                #expect(answer.status == status, "\(what)")
                C.expectPageHeaders(answer, what)
                if status != .seeOther {
                    #expect(answer.body.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), "\(what)")
                    #expect(answer.body.components(separatedBy: "<h1>").count == 2, "\(what): one h1")
                }
            }
            #expect(pages.first { $0.0 == "GET /no-such-page" }?.1.body.contains("<h1>Page not found</h1>") == true)
            #expect(pages.first { $0.0 == "GET /inbox as auditor" }?.1.body.contains("<h1>Not allowed</h1>") == true)

            // The API, and clients that do not ask for HTML, keep problem+json.
            for (uri, headers) in [("/v1/no-such-thing", browser), ("/no-such-page", HTTPFields()), ("/no-such-page", [.accept: "application/json"])] {
                let api = try await C.request(app, .get, uri, headers: headers)
                #expect(api.status == .notFound && api.headers[.contentType] == "application/problem+json", "\(uri) \(headers)")
                #expect(api.headers[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'", "\(uri)")
            }

            // Static files: linked by content hash, typed, cached for a year, revalidated by ETag.
            let home = pages[0].1.body
            for (name, type) in [("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"), ("icon.svg", "image/svg+xml")] {
                let path = try #require(home.components(separatedBy: "\"").first { $0.hasPrefix("/static/") && $0.hasSuffix(name) }, "\(name)")
                let file = try await C.get(app, path)
                #expect(file.status == .ok && file.headers[.contentType] == type, "\(path)")
                #expect(file.headers[.cacheControl] == "public, max-age=31536000, immutable", "\(path)")
                let etag = try #require(file.headers[.eTag])
                let again = try await C.request(app, .get, path, headers: [.ifNoneMatch: etag])
                #expect(again.status == .notModified, "\(path)")
            }
            let icon = try await C.get(app, "/favicon.ico")
            #expect(icon.status == .ok && icon.headers[.contentType] == "image/svg+xml")
        }
    }

    @Test("every page and every role, with real sessions: allowed 200, refused an HTML 403, signed out 303 to /signin?next=…")
    func everyPageEveryRole() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            var sessions: [(StaffPrincipal, String)] = []
            for role in StaffRole.allCases {
                let name = "user.\(role.rawValue.replacingOccurrences(of: "_", with: "-"))"
                _ = try await directory.addUser(name: name, roles: [role], teams: ["permits"], password: "a long enough passphrase", actor: "test")
                let session = try await directory.signIn(name: name, password: "a long enough passphrase", totp: nil, requireMFA: false)
                sessions.append((session.principal, session.id))
            }
            // Pages of one record (`{id}` in the path) are checked by their area's tests, on records they make.
            for (key, access) in WebPages.table.sorted(by: { $0.key < $1.key }) where key.hasPrefix("GET ") && !key.contains("{") {
                let path = String(key.dropFirst(4))
                guard case .staff = access else { continue }
                let signedOut = try await C.get(app, path)
                #expect(signedOut.status == .seeOther, "\(key)")
                #expect(signedOut.headers[.location] == "/signin?next=\(path == "/" ? "%2F" : path.replacingOccurrences(of: "/", with: "%2F"))", "\(key)")
                for (principal, session) in sessions {
                    let answer = try await C.get(app, path, session: session)
                    let allowed = WebPages.allows(principal, access)
                    #expect(answer.status == (allowed ? .ok : .forbidden), "\(key) as \(principal.name)")
                    // The navigation offers only what the roles allow.
                    for link in WebPages.links where link.path != "/" {
                        let linked = answer.body.contains("<li><a href=\"\(link.path)\"")
                        #expect(linked == WebPages.links(for: principal).contains(link), "\(link.path) in the navigation of \(principal.name) on \(key)")
                    }
                }
            }
        }
    }
}
