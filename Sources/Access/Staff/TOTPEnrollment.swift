public import Foundation

/// A TOTP second factor just enrolled (RFC 6238: 6 digits, 30 s, SHA-1, what authenticator apps
/// expect): the secret and the `otpauth://` URL to show once, as text or a QR code.
public struct TOTPEnrollment: Sendable {
    /// The shared secret (32 random characters); the app receives it base32-encoded in ``url``.
    public let secret: String
    /// `otpauth://totp/Recordkeeper:<user>?secret=…&issuer=Recordkeeper`.
    public let url: String

    static func generate(user: String) -> TOTPEnrollment {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return TOTPEnrollment(secret: secret, url: TOTP(secret: secret).authenticatorURL(label: "Recordkeeper:\(user)", issuer: "Recordkeeper"))
    }

    /// The code an authenticator shows at `date` for `secret`.
    public static func code(secret: String, at date: Date = Date()) -> String {
        TOTP(secret: secret).code(at: date)
    }

    /// The time step (30 s) of `date`.
    static func step(_ date: Date) -> Int64 { TOTP.step(date) }

    /// The step among `date`'s, the one before and the one after (clock drift) whose code is `code`.
    static func matchingStep(secret: String, code: String, at date: Date) -> Int64? {
        let totp = TOTP(secret: secret)
        let now = TOTP.step(date)
        return [now, now - 1, now + 1].first { totp.code(step: $0) == code }
    }
}
