import Access
import Foundation
import HTTPTypes
import Hummingbird

/// A sign-in: name, password and, when enrolled, the authenticator code.
struct SignInRequest: ClosedJSONBody {
    var name: String
    var password: String
    var totp: String?

    static let members: Set<String> = ["name", "password", "totp"]
}

extension Router where Context == RecordkeeperRequestContext {
    /// Browser sign-in (docs/api.md, "Staff and sessions"): `POST /v1/session` (password and
    /// TOTP; answers with the `rk_session` cookie), `GET /v1/session` (who am I) and
    /// `DELETE /v1/session` (sign out).
    func addSessionRoutes(directory: StaffDirectory?, settings: StaffSettings) {
        let group = group("v1")
        group.post("session") { request, context -> Response in
            guard let directory else {
                throw ProblemDetails(
                    status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: "staff sign-in is not configured in this process")
            }
            // Only JSON: a page of another site can post a form (`text/plain`, urlencoded,
            // multipart) to this route without a CORS preflight, but not `application/json`.
            guard Self.isJSON(request.headers[.contentType]) else {
                throw ProblemDetails(
                    status: .unsupportedMediaType, code: "unsupported_media_type", title: "Unsupported media type",
                    detail: "send the sign-in as a JSON object with Content-Type: application/json")
            }
            let body = try await request.decodeJSON(SignInRequest.self, limit: 4096)
            let session: StaffSession
            do {
                session = try await directory.signIn(
                    name: body.name, password: body.password, totp: body.totp, requireMFA: settings.requireMFA, lifetime: settings.sessionLifetime)
            } catch let refusal as SignInRefusal {
                throw ProblemDetails(refusal)
            } catch let error as StaffError {
                throw ProblemDetails(error)
            } catch let busy as PasswordChecksBusy {
                throw ProblemDetails(
                    status: .tooManyRequests, code: "sign_in_busy", title: "Too many sign-ins", detail: busy.description,
                    retryAfterSeconds: busy.retryAfterSeconds)
            }
            var response = try SessionResponse(session.principal, expiresAtUs: session.expiresAtUs).response(from: request, context: context)
            response.status = .created
            response.headers[.setCookie] = Self.sessionCookie(session.id, maxAge: Int(settings.sessionLifetime.components.seconds))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        group.get("session") { _, context -> SessionResponse in
            let principal = try context.staff()
            return SessionResponse(principal)
        }
        group.delete("session") { request, context -> Response in
            let principal = try context.staff()
            if case .session = principal.credential, let directory, let id = AccessControlMiddleware.cookie(AccessControlMiddleware.sessionCookie, in: request)
            {
                try await directory.endSession(id, user: principal.name)
            }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = Self.sessionCookie("", maxAge: 0)
            return response
        }
    }

    /// Whether a `Content-Type` is `application/json` (any parameters, e.g. `charset`, allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType, let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first else {
            return false
        }
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    /// The session cookie: HttpOnly (no script reads it), Secure, SameSite=Strict (no other
    /// site's page sends it), for the whole API.
    static func sessionCookie(_ value: String, maxAge: Int) -> String {
        "\(AccessControlMiddleware.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }
}
