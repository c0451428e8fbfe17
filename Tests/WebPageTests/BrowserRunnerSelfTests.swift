import Access
import Foundation
import Hummingbird
import LoopbackHTTP
import NIOCore
import ServiceTestSupport
import TestSupport
import Testing

/// The browser runner (Tests/Browser/run_browser_tests.py) can fail: run against a small site
/// with one known flaw per page, it reports each flaw as a failure of the right check on the
/// right page, passes the page without flaws, and skips the page that does not exist.
@Suite("the browser runner finds what is wrong", .timeLimit(.minutes(5)))
struct BrowserRunnerSelfTests {
    static let secret = "SELFTESTSELFTESTSELFTESTSELFTEST"
    static let password = "right-password-1"

    @Test("a missing icon, a page too wide, invisible focus, a Tab order out of order, no lang, a cached page after sign-out: each named; a 404 skipped")
    func flawsAreFound() async throws {
        let python = try BrowserTests.requirePython()
        let summary = try await withLoopbackServer(Self.flawedSite(), label: "flawed site") { port in
            try await BrowserTests.run(
                python: python, port: port,
                accounts: [BrowserTests.Account(label: "tester", name: "tester", password: Self.password, totpSecret: Self.secret)],
                pages: ["/"], artifacts: "browser-selftest")
        }
        let failed = Set(summary.checks.filter { $0.status == "fail" }.map { "\($0.page) \($0.check)" })
        let passed = Set(summary.checks.filter { $0.status == "pass" }.map { "\($0.page) \($0.check)" })
        let skipped = Set(summary.checks.filter { $0.status == "skip" }.map(\.page))
        #expect(!summary.ok)
        for flaw in ["/wide reflow-360", "/wide zoom-200", "/nofocus keyboard", "/order keyboard", "/nolang axe", "/nolang back-after-sign-out"] {
            #expect(failed.contains(flaw), "the runner did not report \(flaw); it failed: \(failed.sorted())")
        }
        // The browser asks for the missing icon after the page has loaded: the console check
        // that names it is the first or the one after the page's other checks, as timing has it.
        #expect(failed.contains("/signin console") || failed.contains("/signin console-after"), "the missing icon: \(failed.sorted())")
        #expect(!failed.contains { $0.hasPrefix("/ ") }, "the page without flaws failed: \(failed.sorted())")
        for check in ["/signin keyboard-sign-in", "/ axe", "/ keyboard", "/ reflow-360", "/ zoom-200", "/ console", "/nolang sign-out"] {
            #expect(passed.contains(check), "\(check) did not pass")
        }
        #expect(skipped == ["/missing"])
        let order = summary.checks.first { $0.page == "/order" && $0.check == "keyboard" }?.detail ?? ""
        #expect(order.contains("Tab order differs"), "\(order)")
        let axe = summary.checks.first { $0.page == "/nolang" && $0.check == "axe" }?.detail ?? ""
        #expect(axe.contains("html-has-lang") && axe.contains("serious"), "axe's rule, impact and target are named: \(axe)")
    }

    /// Pages in the shape of the real ones (skip link, landmarks, one h1, a "Sign out" button),
    /// each but `/` with one flaw; every page may be cached (no `no-store`), and no icon is served.
    static func flawedSite() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/signin") { _, _ in
            page(
                "Sign in", signedIn: false,
                """
                <form method="post" action="/signin"><label for="n">Name</label><input id="n" name="name" autocomplete="username">
                <label for="p">Password</label><input id="p" type="password" name="password" autocomplete="current-password">
                <label for="t">Code</label><input id="t" name="totp" inputmode="numeric" autocomplete="one-time-code">
                <button type="submit">Sign in</button></form>
                """)
        }
        router.post("/signin") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10_000)
            let form = Self.form(String(buffer: body))
            let now = Date()
            let codes = [now.addingTimeInterval(-30), now, now.addingTimeInterval(30)].map { TOTPEnrollment.code(secret: secret, at: $0) }
            guard form["password"] == password, let code = form["totp"], codes.contains(code) else {
                return page("Sign in", signedIn: false, #"<p role="alert">Wrong name, password or code.</p><p><a href="/signin">Try again</a></p>"#)
            }
            return Response(
                status: .seeOther,
                headers: [.location: "/", .setCookie: "rk_session=valid; Path=/; HttpOnly; SameSite=Strict"])
        }
        router.post("/signout") { _, _ in
            Response(status: .seeOther, headers: [.location: "/signin", .setCookie: "rk_session=; Path=/; Max-Age=0"])
        }
        let pages: [(String, String)] = [
            (
                "/",
                #"<p>Fine.</p><ul><li><a href="/wide">Wide</a></li><li><a href="/nofocus">No focus</a></li><li><a href="/order">Order</a></li><li><a href="/nolang">No lang</a></li><li><a href="/missing">Missing</a></li></ul>"#
            ),
            ("/wide", #"<div style="width: 2000px">A table that does not reflow.</div>"#),
            ("/nofocus", #"<button type="button" style="outline: none">Assign</button>"#),
            ("/order", #"<p><a href="/">First</a> <a href="/" tabindex="1">Second</a></p>"#),
            ("/nolang", "<p>No language.</p>"),
        ]
        for (path, content) in pages {
            router.get(RouterPath(path)) { request, _ -> Response in
                guard request.headers[.cookie]?.contains("rk_session=valid") == true else {
                    return Response(status: .seeOther, headers: [.location: "/signin"])
                }
                return page(path, signedIn: true, content, lang: path != "/nolang")
            }
        }
        return router
    }

    static func page(_ title: String, signedIn: Bool, _ content: String, lang: Bool = true) -> Response {
        let signOut = signedIn ? #"<form method="post" action="/signout"><button type="submit">Sign out</button></form>"# : ""
        let html = """
            <!doctype html><html\(lang ? #" lang="en""# : "")><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title><style>a:focus, button:focus, input:focus { outline: 3px solid #005fcc } .skip { position: absolute; left: -999px } .skip:focus { left: 0 }</style></head>
            <body><a class="skip" href="#main">Skip to content</a><header><nav aria-label="Main"><a href="/">Home</a></nav>\(signOut)</header>
            <main id="main"><h1>\(title)</h1>\(content)</main></body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "max-age=600"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
