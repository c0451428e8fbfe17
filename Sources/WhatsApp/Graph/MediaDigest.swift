import Crypto
public import Foundation
import RecordkeeperCore

/// A media's SHA-256 as Meta gives it (`sha256` of a webhook media object or of the media
/// metadata): base64 in current deliveries, lower- or upper-case hex in old ones.
public struct MediaDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// The digest of `data`.
    public init(of data: some DataProtocol) {
        self.bytes = Array(SHA256.hash(data: data))
    }

    /// Parses Meta's text: 64 hex digits, or base64 (standard or URL-safe, padded or not) of
    /// 32 bytes.
    /// - Throws: ``MediaDigestError`` when the text is neither.
    public init(metaText text: String) throws(MediaDigestError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.utf8.count == 64, let bytes = WebhookSignatureVerifier.decodeHex(Substring(trimmed)) {
            self.bytes = bytes
            return
        }
        var base64 = trimmed.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), data.count == 32 else {
            throw MediaDigestError(text: text)
        }
        self.bytes = Array(data)
    }

    /// Lower-case hex, as the ledger records it.
    public var hex: String { HexText.lowercase(bytes) }

    /// Standard padded base64, as Meta sends it today.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Whether `data` has this digest.
    public func matches(_ data: some DataProtocol) -> Bool {
        MediaDigest(of: data) == self
    }

    public var description: String { hex }
}

/// Meta's `sha256` text is neither 64 hex digits nor base64 of 32 bytes.
public struct MediaDigestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var text: String

    public var description: String {
        "the media sha256 \"\(text.prefix(100))\" is neither base64 of 32 bytes nor 64 hexadecimal digits: the webhook or Graph answer is malformed"
    }
}
