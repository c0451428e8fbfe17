import Access
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// What a page does once the gate has admitted its request.
public typealias PageHandler = @Sendable (PageRequest) async throws -> Response

/// The one way into a page: every page route is served through ``serve(_:route:handler:)``.
///
/// 1. The route must be in ``WebPages/table`` (otherwise 403 for everyone, logged).
/// 2. A `POST` must be a form (`application/x-www-form-urlencoded`, at most 64 kB, arriving
///    within 10 seconds; or, on a route given a `multipartLimit` (its ``PageRoute``'s),
///    `multipart/form-data` up to that limit, arriving within ``multipartDeadline``, read only
///    once the session is found). Its `_csrf` is checked the same way either way.
/// 3. An open page (sign-in): a `POST` must carry the `rk_csrf` cookie's value as `_csrf`
///    (double submit); a `GET` sets that cookie when it is missing.
/// 4. A staff page: the `rk_session` cookie must name a live session of the staff directory
///    (the same sessions, and the same principal, as the API's); none: 303 to
///    `/signin?next=…`; an ended or expired one: 303 to `/signin?…&expired=1` and the cookie is
///    cleared. A `POST` must carry the session's token (``CSRFToken/forSession(_:)``) as
///    `_csrf`: otherwise 403 and nothing is done. Then ``AccessPolicy`` decides, without a
///    stated reason (pages offer no break-glass); a refusal is a 403 page and, for an action
///    that shows content, an `access.denied` entry as the API records it.
/// 5. The handler's ``PageError`` becomes its HTML page; any other error is logged and
///    answered 500 without its text. Every answer carries the page headers.
public struct PageGate: Sendable {
    /// The largest form a page takes.
    static let maxFormBytes = 64 * 1024
    /// How long a form may take to arrive (a slow sender holds a connection, nothing more).
    static let formDeadline: Duration = .seconds(10)
    /// How long a form with a file may take to arrive.
    static let multipartDeadline: Duration = .seconds(120)

    let authenticator: (any StaffAuthenticating)?
    /// Records a refused access to content (`access.denied`).
    let recordDenied: @Sendable (AccessRecord, StaffPrincipal) async -> Void
    let renderer: PageRenderer
    let logger: Logger

    /// Serves one request of the page route `route` (`METHOD /path/template`) whose path
    /// parameters are `parameters`; a route whose forms carry a file gives `multipartLimit`, the
    /// largest such form (``PageRoute/multipartLimit``).
    public func serve(
        _ request: Request, route: String, parameters: [String: String] = [:], multipartLimit: Int? = nil, handler: PageHandler
    ) async -> Response {
        var frame = PageFrame(principal: nil, csrfToken: "", path: request.uri.path)
        var cookies: [String] = []
        var response: Response
        do {
            response = try await admit(
                request, route: route, parameters: parameters, multipartLimit: multipartLimit, frame: &frame, cookies: &cookies, handler: handler)
        } catch let error as PageError {
            response = renderer.error(error, frame: frame)
        } catch {
            logger.error("page failed: answered 500", metadata: ["route": "\(route)", "error": "\(String(reflecting: error))"])
            response = renderer.error(.internalError, frame: frame)
        }
        for cookie in cookies { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        PageRenderer.addHeaders(to: &response.headers)
        return response
    }

    private func admit(
        _ request: Request, route: String, parameters: [String: String], multipartLimit: Int?, frame: inout PageFrame, cookies: inout [String],
        handler: PageHandler
    ) async throws -> Response {
        guard let access = WebPages.table[route] else {
            logger.error("page route missing from WebPages.table: refused", metadata: ["route": "\(route)"])
            throw PageError(status: .forbidden, title: "Not open yet", message: "This page is not open to anyone yet.")
        }
        let unsafe = request.method != .get && request.method != .head
        // A form that may carry a file is read only once its sender is known to be signed in.
        var form = unsafe && multipartLimit == nil ? try await Self.readForm(request) : FormBody()
        switch access {
        case .open:
            if unsafe, multipartLimit != nil { form = try await Self.readForm(request, multipartLimit: multipartLimit) }
            let token = request.cookies[CSRFToken.cookie]?.value ?? ""
            if unsafe {
                guard CSRFToken.matches(form[CSRFToken.field], token) else { throw PageError.forgedForm }
            }
            if token.isEmpty {
                frame.csrfToken = CSRFToken.random()
                cookies.append(CSRFToken.cookieHeader(frame.csrfToken))
            } else {
                frame.csrfToken = token
            }
            return try await handler(PageRequest(request: request, frame: frame, session: nil, form: form, parameters: parameters))
        case .staff(let action):
            guard let session = request.cookies[SessionCookies.name]?.value, !session.isEmpty else {
                return PageRenderer.redirect(to: Self.signInLocation(for: request, expired: false))
            }
            guard let authenticator else {
                throw PageError.unavailable("Sign-in is not configured in this service: ask its operator to set up staff accounts.")
            }
            let found: StaffPrincipal?
            do {
                found = try await authenticator.principal(forSession: session)
            } catch {
                logger.error("staff directory unavailable", metadata: ["error": "\(String(reflecting: error))"])
                throw PageError.unavailable("Your sign-in cannot be checked right now. Try again in a moment.")
            }
            guard let principal = found else {
                return PageRenderer.redirect(to: Self.signInLocation(for: request, expired: true), cookies: [SessionCookies.cleared])
            }
            frame.principal = principal
            frame.csrfToken = CSRFToken.forSession(session)
            if unsafe {
                if multipartLimit != nil { form = try await Self.readForm(request, multipartLimit: multipartLimit) }
                guard CSRFToken.matches(form[CSRFToken.field], frame.csrfToken) else { throw PageError.forgedForm }
            }
            guard AccessPolicy.decide(principal, action, reasonGiven: false) == .allowed(breakGlass: false) else {
                if action.showsContent {
                    await recordDenied(AccessRecord(action: action, route: route, records: []), principal)
                }
                throw PageError.forbidden(roles: PageRenderer.roleList(principal))
            }
            return try await handler(PageRequest(request: request, frame: frame, session: session, form: form, parameters: parameters))
        }
    }

    /// Reads a posted form; `multipart/form-data` too when `multipartLimit` (its largest size) is given.
    /// - Throws: 415 when it is not urlencoded (or multipart where allowed), 413 when it is over
    ///   ``maxFormBytes`` (or `multipartLimit`), 400 when it does not decode.
    static func readForm(_ request: Request, multipartLimit: Int? = nil) async throws(PageError) -> FormBody {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        if let multipartLimit, mediaType == "multipart/form-data" {
            return try await readMultipartForm(request, limit: multipartLimit)
        }
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw PageError(
                status: .unsupportedMediaType, title: "Form not understood",
                message: "This address takes a form sent by its page. Go back to the page and send the form from there.")
        }
        let buffer = try await collect(
            request, upTo: maxFormBytes, within: formDeadline,
            tooLarge: PageError(
                status: .contentTooLarge, title: "Form too large", message: "The form holds more than \(maxFormBytes / 1024) kB. Shorten what you entered."),
            late: PageError(status: .requestTimeout, title: "Form not received", message: "The form did not arrive in time. Send it again."))
        do {
            return try FormBody.parse(String(buffer: buffer))
        } catch {
            throw PageError.badRequest("The form could not be read: \(error.description). Go back and send it again.")
        }
    }

    /// Reads a `multipart/form-data` form of at most `limit` bytes (``FormBody/parseMultipart(_:boundary:)``).
    static func readMultipartForm(_ request: Request, limit: Int) async throws(PageError) -> FormBody {
        guard let boundary = request.headers[.contentType].flatMap(FormBody.multipartBoundary) else {
            throw PageError.badRequest("The form could not be read: it names no multipart boundary. Go back and send it again.")
        }
        let buffer = try await collect(
            request, upTo: limit, within: multipartDeadline,
            tooLarge: PageError(
                status: .contentTooLarge, title: "File too large",
                message: "The form with its file holds more than \(limit / (1024 * 1024)) MB. Go back and choose a smaller file; "
                    + "send larger documents as a link in a text reply."),
            late: PageError(status: .requestTimeout, title: "Form not received", message: "The form and its file did not arrive in time. Send it again."))
        do {
            return try FormBody.parseMultipart(buffer, boundary: boundary)
        } catch {
            throw PageError.badRequest("The form could not be read: \(error.description). Go back and send it again.")
        }
    }

    /// A posted body of at most `limit` bytes that arrives within `deadline` (a slow sender
    /// holds a connection, nothing more).
    /// - Throws: `tooLarge` past the limit, `late` past the deadline.
    static func collect(
        _ request: Request, upTo limit: Int, within deadline: Duration, tooLarge: PageError, late: PageError
    ) async throws(PageError) -> ByteBuffer {
        let body = request.body
        let buffer: ByteBuffer?
        do {
            buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            throw tooLarge
        }
        guard let buffer else { throw late }
        return buffer
    }

    /// `/signin?next=<this page>` (`GET` pages only: after sign-in the browser comes back);
    /// `expired=1` shows that the session ended.
    static func signInLocation(for request: Request, expired: Bool) -> String {
        var query: [String] = []
        if request.method == .get {
            let here = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            query.append("next=" + percentEncoded(here))
        }
        if expired { query.append("expired=1") }
        return "/signin" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// `text` percent-encoded as one query value.
    package static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `next` when it is a path of this site (`/…`, not `//…` nor `/\…`), else `/`: a sign-in
    /// never sends the browser to another site.
    package static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" })
        else { return "/" }
        return next
    }
}
