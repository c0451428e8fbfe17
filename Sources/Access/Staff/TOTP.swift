import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords as authenticator apps expect them: HMAC-SHA1 over the
/// 30-second step, 6 digits, the shared secret's UTF-8 bytes as the key (shown to the app
/// base32-encoded in an `otpauth://` URL).
///
/// Written here on swift-crypto's HMAC rather than taken from hummingbird-auth's `HummingbirdOTP`,
/// which would make this domain module link Hummingbird; the codes are the same for the same
/// secret, so enrolments made before keep working.
struct TOTP: Sendable {
    /// The shared secret.
    let secret: String
    /// Digits of a code.
    static let digits = 6
    /// Seconds of a step.
    static let period: Int64 = 30

    /// The step (RFC 6238 `T`) of `date`.
    static func step(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) / period }

    /// The code of a step, zero-padded to ``digits``.
    func code(step: Int64) -> String {
        withUnsafeBytes(of: UInt64(step).bigEndian) { counter in
            let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: Array(secret.utf8))))
            // RFC 4226 §5.3 dynamic truncation.
            let offset = Int(mac[mac.count - 1] & 0x0F)
            let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
            let code = String(value % 1_000_000)
            return String(repeating: "0", count: Self.digits - code.count) + code
        }
    }

    /// The code shown at `date`.
    func code(at date: Date) -> String { code(step: Self.step(date)) }

    /// `otpauth://totp/<label>?secret=<base32>&issuer=<issuer>` (Google Authenticator's key URI format).
    func authenticatorURL(label: String, issuer: String) -> String {
        let path = label.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? label
        let query = issuer.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? issuer
        return "otpauth://totp/\(path)?secret=\(Self.base32(Array(secret.utf8)))&issuer=\(query)"
    }

    /// RFC 4648 base32 without padding (what authenticator apps read).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return result
    }
}
