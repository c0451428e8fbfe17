public import Foundation
import HummingbirdOTP

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
        return TOTPEnrollment(secret: secret, url: TOTP(secret: secret).createAuthenticatorURL(label: "Recordkeeper:\(user)", issuer: "Recordkeeper"))
    }

    /// The code an authenticator shows at `date` for `secret`.
    public static func code(secret: String, at date: Date = Date()) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    /// The time step (30 s) of `date`.
    static func step(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) / 30 }

    /// The step among `date`'s, the one before and the one after (clock drift) whose code is `code`.
    static func matchingStep(secret: String, code: String, at date: Date) -> Int64? {
        let totp = TOTP(secret: secret)
        for offset in [0, -1, 1] {
            let moment = date.addingTimeInterval(Double(offset * 30))
            if String(format: "%06d", totp.compute(date: moment)) == code { return step(moment) }
        }
        return nil
    }
}
