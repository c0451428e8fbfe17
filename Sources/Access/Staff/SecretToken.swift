import Crypto
import Foundation

/// Random bearer secrets (`rki_…` integration tokens, `rkt_…` staff tokens, `rks_…` session
/// ids): a prefix and the base64url text (no padding) of 32 random bytes. Only their SHA-256 is
/// ever stored.
public enum SecretToken {
    /// A new secret from the system's secure random number generator.
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64url = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64url
    }

    /// The SHA-256 of the secret's text (UTF-8).
    public static func digest(_ text: String) -> TokenDigest {
        TokenDigest(bytes: Array(SHA256.hash(data: Array(text.utf8))))
    }
}
