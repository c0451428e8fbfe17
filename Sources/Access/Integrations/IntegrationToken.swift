import Crypto
import Foundation

/// The bearer token of an integration: `rki_` followed by the base64url text (no padding) of 32
/// random bytes, 47 characters in all.
///
/// Only its SHA-256 is stored. The first 8 bytes of that digest (the ``TokenDigest/id``) find the
/// integration; the whole digest is then compared in constant time. The token itself never
/// appears in `description`, logs, ledger events or errors.
public struct IntegrationToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The prefix every integration token starts with (so that a leaked one is recognisable).
    public static let prefix = "rki_"

    /// The token text, to be shown once to the operator.
    public let text: String

    /// Wraps a token presented by a client (any text: unknown tokens simply match nothing).
    public init(text: String) {
        self.text = text
    }

    /// A new token from the system's secure random number generator.
    public static func generate() -> IntegrationToken {
        IntegrationToken(text: SecretToken.generate(prefix: prefix))
    }

    /// The SHA-256 of the token text (UTF-8): what is stored.
    public var digest: TokenDigest { SecretToken.digest(text) }

    public var description: String { "<integration token>" }
    public var debugDescription: String { "<integration token>" }
}

/// The SHA-256 of an integration token.
public struct TokenDigest: Sendable, Hashable {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The first 8 bytes: the lookup key stored in `integrations.token_id`.
    public var id: [UInt8] { Array(bytes.prefix(8)) }

    /// ``id`` as 16 lower-case hex digits: how events, logs and `integrations list` name a token
    /// without revealing anything that would let someone use it.
    public var idHex: String { id.map { String(format: "%02x", $0) }.joined() }

    /// Compares two digests without an early exit: the time taken does not depend on where
    /// they differ.
    public func constantTimeEquals(_ other: TokenDigest) -> Bool {
        guard bytes.count == other.bytes.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(bytes, other.bytes) { difference |= x ^ y }
        return difference == 0
    }
}
