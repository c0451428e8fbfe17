import Crypto
public import Foundation
import RecordkeeperCore

/// The `X-Hub-Signature-256` check of Meta's webhook deliveries: HMAC-SHA256 of the exact bytes
/// received, keyed with the app secret, as `sha256=<64 lower-case hex>`
/// (`../shared/reference/whatsapp-webhooks.md` §2).
///
/// Several app secrets may be configured (one per Meta app, for multi-tenant use); the first
/// that matches is reported. Hash the bytes as received, before any JSON parsing: Meta signs its
/// escaped form (`\u00e4`, `\/`), which re-serialising would change.
public struct WebhookSignatureVerifier: Sendable {
    /// One configured app secret and a name for it (the Meta app), never the secret in logs.
    public struct AppSecret: Sendable {
        public var app: String
        let key: SymmetricKey

        public init(app: String, secret: String) {
            self.app = app
            self.key = SymmetricKey(data: Array(secret.utf8))
        }
    }

    /// Why a delivery is not authentic.
    public enum Rejection: String, Error, Sendable, CustomStringConvertible {
        /// No `X-Hub-Signature-256` header.
        case missingSignature = "missing_signature"
        /// The header is not `sha256=` followed by 64 hex digits.
        case malformedSignature = "malformed_signature"
        /// No configured app secret gives this signature for these bytes.
        case signatureMismatch = "signature_mismatch"

        public var description: String {
            switch self {
            case .missingSignature: "the delivery has no X-Hub-Signature-256 header"
            case .malformedSignature: "the X-Hub-Signature-256 header is not sha256= followed by 64 hexadecimal digits"
            case .signatureMismatch: "the X-Hub-Signature-256 signature does not match the body with any configured app secret"
            }
        }
    }

    let secrets: [AppSecret]

    /// - Precondition: at least one secret.
    public init(secrets: [AppSecret]) {
        precondition(!secrets.isEmpty, "configure at least one app secret")
        self.secrets = secrets
    }

    /// Checks `header` (the `X-Hub-Signature-256` value, nil when absent) for `body`.
    /// - Returns: the app whose secret signed the body.
    public func verify<Body: DataProtocol>(signatureHeader header: String?, body: Body) throws(Rejection) -> String {
        guard let header else { throw .missingSignature }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == 71, trimmed.lowercased().hasPrefix("sha256="),
            let claimed = Self.decodeHex(trimmed.dropFirst(7))
        else {
            throw .malformedSignature
        }
        for secret in secrets {
            // HMAC's own validator compares in constant time.
            if HMAC<SHA256>.isValidAuthenticationCode(claimed, authenticating: body, using: secret.key) {
                return secret.app
            }
        }
        throw .signatureMismatch
    }

    /// The header value Meta would send for `body` signed with `secret`: for tests and for
    /// re-signing relayed deliveries.
    public static func signatureHeader<Body: DataProtocol>(for body: Body, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + HexText.lowercase(code)
    }

    static func decodeHex(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for char in text.utf8 {
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? bytes : nil
    }
}
