import Crypto
public import Foundation

/// A 32-byte SHA-256 value: an entry hash, a payload commitment or a chain head.
public struct LedgerDigest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 raw bytes.
    public let bytes: [UInt8]

    /// The genesis value that entry 1 of every ledger links to: 32 zero bytes.
    public static let genesis = LedgerDigest(unchecked: [UInt8](repeating: 0, count: 32))

    /// Wraps 32 raw bytes.
    /// - Throws: ``LedgerFormatError/invalidDigestLength(_:)`` when `bytes` is not 32 bytes long.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { throw LedgerFormatError.invalidDigestLength(bytes.count) }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses 64 hexadecimal characters (either case).
    public init(hex: String) throws {
        guard let raw = Hex.decode(hex) else { throw LedgerFormatError.invalidHex }
        try self.init(bytes: raw)
    }

    /// The SHA-256 of `data`.
    public static func sha256<D: DataProtocol>(_ data: D) -> LedgerDigest {
        LedgerDigest(unchecked: Array(SHA256.hash(data: data)))
    }

    /// Lower-case hexadecimal, 64 characters.
    public var hex: String { Hex.encode(bytes) }

    /// The bytes as `Data`.
    public var data: Data { Data(bytes) }

    public var description: String { hex }
}

/// Lower-case hexadecimal encoding and decoding.
public enum Hex {
    /// Encodes bytes as lower-case hexadecimal.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hexadecimal text; `nil` when it has an odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count % 2 == 0 else { return nil }
            var valid = true
            let bytes = [UInt8](unsafeUninitializedCapacity: utf8.count / 2) { buffer, count in
                var index = 0
                while index < utf8.count {
                    guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                        valid = false
                        break
                    }
                    buffer[index / 2] = high << 4 | low
                    index += 2
                }
                count = index / 2
            }
            return valid ? bytes : nil
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
