import Access
import Foundation
import Hummingbird
import Testing

@testable import WebFoundation
@testable import WebTeamPages

/// The templates and static files: loaded once, escaped, the layout's landmarks, and a missing
/// or broken template named at startup.
@Suite("Web templates")
struct WebTemplateTests {
    static func renderer() throws -> PageRenderer {
        let resources = try WebResources.bundled()
        return PageRenderer(templates: resources.templates, assets: resources.assets)
    }

    static let agent = StaffPrincipal(name: "alex.kim", roles: [.agent], teams: ["permits"], credential: .session(id: "test"))

    @Test("every template the frame needs is shipped and parses; the static files have their content types and hashed paths")
    func bundled() throws {
        let resources = try WebResources.bundled()
        for name in WebTemplates.required {
            #expect(resources.templates.contains(name), "\(name).mustache")
        }
        for (name, type) in ["app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "icon.svg": "image/svg+xml"] {
            let asset = try #require(resources.assets.assets[name])
            #expect(asset.contentType == type)
            #expect(asset.hash.count == 16 && asset.hash.allSatisfy(\.isHexDigit))
            #expect(asset.path == "/static/\(asset.hash)/\(name)")
            #expect(!asset.bytes.isEmpty)
        }
    }

    @Test("values are HTML-escaped in the page and in the layout")
    func escaping() throws {
        let hostile = StaffPrincipal(name: "<script>alert(\"x\")</script>", roles: [.agent], credential: .session(id: "test"))
        let html = try Self.renderer().render(
            "home", title: "Home", frame: PageFrame(principal: hostile, csrfToken: "t\"><b>", path: "/"),
            context: ["name": hostile.name, "roles": "agent", "teams": "a & b", "links": [[String: Any]]()])
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("a &amp; b"))
        #expect(!html.contains("t\"><b>") && html.contains("t&quot;&gt;&lt;b&gt;"))
    }

    @Test("the layout: lang, one h1, skip link to main, header with user, roles and navigation, footer, icon, no inline script or style")
    func layout() throws {
        let renderer = try Self.renderer()
        let frame = PageFrame(principal: Self.agent, csrfToken: "token", path: "/")
        let context: [String: Any] = [
            "name": "alex.kim", "roles": "agent", "teams": "permits", "links": [["title": "Inbox", "path": "/inbox", "summary": "s"]],
        ]
        let html = renderer.render("home", title: "Home", frame: frame, context: context)
        let response = renderer.page("home", title: "Home", frame: frame, context: context)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.components(separatedBy: "<h1").count == 2)
        #expect(html.contains("<a class=\"skip-link\" href=\"#main\">") && html.contains("<main id=\"main\""))
        #expect(html.contains("<header") && html.contains("<footer") && html.contains("<nav class=\"site-nav\" aria-label=\"Main\">"))
        #expect(html.contains("Signed in as <strong>alex.kim</strong> <span class=\"roles\">(agent)</span>"))
        #expect(html.contains("<a href=\"/\" aria-current=\"page\">Home</a>") && html.contains("<a href=\"/inbox\">Inbox</a>"))
        #expect(!html.contains("href=\"/account\" aria-current"))
        #expect(html.contains("<button type=\"submit\" class=\"button-secondary\">Sign out</button>"))
        #expect(html.contains("<input type=\"hidden\" name=\"_csrf\" value=\"token\">"))
        #expect(html.contains("<link rel=\"icon\" href=\"\(renderer.assets.path("icon.svg"))\""))
        #expect(html.contains("<link rel=\"stylesheet\" href=\"\(renderer.assets.path("app.css"))\">"))
        #expect(!html.contains("style=") && !html.contains("<style") && !html.contains("<script>"))
        #expect(response.headers[.contentSecurityPolicy] == PageRenderer.contentSecurityPolicy)
        #expect(response.headers[.cacheControl] == "no-store" && response.headers[.contentType] == "text/html; charset=utf-8")
    }

    @Test("a field's error and hint are tied to its input; a failed sign-in is tied to every field")
    func fieldErrors() throws {
        let templates = try WebResources.bundled().templates
        let field = FormField(id: "name", label: "Name", value: "a\"b", hint: "Your user name.", error: "Enter your name.")
        let html = templates.render("field", field.context)
        #expect(html.contains("<label for=\"name\">Name</label>"))
        #expect(html.contains("id=\"name-error\"") && html.contains("id=\"name-hint\""))
        #expect(html.contains("aria-describedby=\"name-hint name-error\"") && html.contains("aria-invalid=\"true\""))
        #expect(html.contains("value=\"a&quot;b\""))
        let password = FormField(id: "password", label: "Password", type: "password", value: "secret", describedBy: ["signin-error"])
        let passwordHTML = templates.render("field", password.context)
        #expect(passwordHTML.contains("value=\"\"") && !passwordHTML.contains("secret"))
        #expect(passwordHTML.contains("aria-describedby=\"signin-error\"") && !passwordHTML.contains("aria-invalid"))
    }

    @Test("a broken or missing template stops loading and is named")
    func brokenTemplates() throws {
        let source = try WebResources.directory("Templates")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("web-templates-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        #expect(throws: Never.self) { try WebTemplates(directory: copy) }

        try "<h1>{{#rows}}unclosed".write(to: copy.appendingPathComponent("inbox.mustache"), atomically: true, encoding: .utf8)
        do {
            _ = try WebTemplates(directory: copy)
            Issue.record("a broken template was accepted")
        } catch {
            #expect(error.description.contains("inbox.mustache"), "\(error)")
        }
        try "<h1>Inbox</h1>".write(to: copy.appendingPathComponent("inbox.mustache"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("layout.mustache"))
        do {
            _ = try WebTemplates(directory: copy)
            Issue.record("a missing template was not noticed")
        } catch {
            #expect(error.description.contains("layout.mustache"), "\(error)")
        }
    }

    @Test("the inbox shows the citizen as the last four digits only, and the reply window in words")
    func inboxRow() {
        #expect(InboxRow.citizen("wa/106540352242922/p:16505551234") == "Number •••• 1234")
        #expect(InboxRow.citizen("wa/106540352242922/u:US.1234567890") == "User •••• 7890")
        #expect(InboxRow.citizen("wa/1/p:12") == "Number ••••")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(InboxRow.windowText(closesAt: nil, now: now) == "Not open: the citizen has not written yet")
        #expect(InboxRow.windowText(closesAt: now.addingTimeInterval(-1), now: now) == "Closed: reply with a template")
        #expect(InboxRow.windowText(closesAt: now.addingTimeInterval(5 * 3600 + 12 * 60 + 30), now: now) == "Open: 5 h 12 min left")
        #expect(InboxRow.windowText(closesAt: now.addingTimeInterval(20), now: now) == "Open: 1 min left")
        #expect(PageText.timeText(now) == "2027-01-15 08:00 UTC")
    }
}
