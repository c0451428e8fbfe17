import Crypto
import Foundation

/// The anti-forgery token every form of the pages carries as the hidden field `_csrf`.
///
/// - A signed-in user's forms: the HMAC-SHA256 of a fixed label keyed with the session's secret
///   (the `rk_session` cookie's value). Nothing is stored, a page of another site cannot know
///   it, and it changes with every session.
/// - The sign-in form (no session yet): a double-submit token, a random value both in the
///   `rk_csrf` cookie (`SameSite=Strict; HttpOnly; Secure`) and in the field.
public enum CSRFToken {
    /// The hidden form field.
    public static let field = "_csrf"
    /// The sign-in form's double-submit cookie.
    public static let cookie = "rk_csrf"
    /// What a session's token is the HMAC of.
    static let label = Array("recordkeeper web form v1".utf8)

    /// The token of the forms of the session whose secret (cookie value) is `sessionSecret`.
    public static func forSession(_ sessionSecret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: label, using: SymmetricKey(data: Array(sessionSecret.utf8)))
        return base64URL(Array(code))
    }

    /// A new random token (256 bits) for the sign-in form's double submit.
    public static func random() -> String {
        base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// Whether the presented token equals the expected one, compared in constant time (for
    /// tokens of equal length); a missing or empty token matches nothing.
    public static func matches(_ presented: String?, _ expected: String?) -> Bool {
        guard let presented, let expected, !expected.isEmpty else { return false }
        let (a, b) = (Array(presented.utf8), Array(expected.utf8))
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The `rk_csrf` cookie carrying `token` (a browser session cookie: no `Max-Age`).
    static func cookieHeader(_ token: String) -> String {
        "\(cookie)=\(token); Path=/; HttpOnly; Secure; SameSite=Strict"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
