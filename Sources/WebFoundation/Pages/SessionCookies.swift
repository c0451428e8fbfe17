/// The browser session's cookie as the pages set and clear it: the same `rk_session` cookie,
/// with the same attributes, as `POST /v1/session` sets, so one sign-in serves both.
package enum SessionCookies {
    /// The cookie's name (`SessionCookie.name` of `API`; `WebPageTests` checks they agree).
    package static let name = "rk_session"

    /// The cookie of a new session: sent back only to this site (`SameSite=Strict`), only over
    /// HTTPS (`Secure`), never to a script (`HttpOnly`).
    package static func set(_ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// The cookie removed (sign-out, an ended session).
    package static let cleared = "\(name)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
}
