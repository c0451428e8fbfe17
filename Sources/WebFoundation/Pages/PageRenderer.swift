package import Access
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// Renders pages inside the layout and sets the headers every page carries.
public struct PageRenderer: Sendable {
    /// The Content-Security-Policy of every page: our own scripts, styles, images and media only; no
    /// inline script or style, no framing, forms post only to this site.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    package let templates: WebTemplates
    package let assets: StaticAssets

    /// The page `template` rendered with `context`, inside the layout (title, header with the
    /// user and navigation, skip link, main landmark, footer).
    public func page(
        _ template: String, title: String, frame: PageFrame, status: HTTPResponse.Status = .ok, context: [String: Any] = [:]
    )
        -> Response
    {
        Self.html(render(template, title: title, frame: frame, context: context), status: status)
    }

    /// The HTML of a page: `template` rendered with `context` inside the layout.
    package func render(_ template: String, title: String, frame: PageFrame, context: [String: Any]) -> String {
        var layout: [String: Any] = [
            "title": title, "content": templates.render(template, context), "stylesheet": assets.path("app.css"),
            "script": assets.path("app.js"), "icon": assets.path("icon.svg"),
        ]
        if let principal = frame.principal {
            layout["user"] = [
                "name": principal.name, "roles": Self.roleList(principal), "csrf": frame.csrfToken,
                "nav": WebPages.links(for: principal).map { ["title": $0.title, "path": $0.path, "current": $0.path == frame.path] },
            ]
        }
        return templates.render("layout", layout)
    }

    /// The HTML page of an error.
    public func error(_ error: PageError, frame: PageFrame) -> Response {
        page(
            "error", title: error.title, frame: frame, status: error.status,
            context: ["title": error.title, "message": error.message, "signedIn": frame.principal != nil])
    }

    /// An HTML answer with the page headers.
    package static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        addHeaders(to: &headers)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other to `location` (after a form, and to the sign-in page), with the page headers.
    public static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        addHeaders(to: &headers)
        return Response(status: .seeOther, headers: headers)
    }

    /// The headers of every page: CSP, frame denial, no sniffing, referrer policy and
    /// `Cache-Control: no-store` (no page is kept by the browser, so none is shown from its
    /// cache after sign-out).
    static func addHeaders(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[frameOptions] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "same-origin"
        headers[.cacheControl] = "no-store"
    }

    /// The roles as people read them: `agent, records officer`.
    package static func roleList(_ principal: StaffPrincipal) -> String {
        principal.roles.isEmpty ? "no roles" : principal.roles.sorted().map { $0.rawValue.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")
    }
}
