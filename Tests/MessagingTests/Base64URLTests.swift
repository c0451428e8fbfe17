import Foundation
import Testing

@testable import Messaging

/// ``Base64URL`` swaps the alphabet byte by byte; it must write and read exactly what the
/// Foundation string replacement it replaced did (every API id and cursor goes through it).
@Suite("base64url")
struct Base64URLTests {
    /// The implementation before issue 17, kept as the reference.
    static func referenceEncode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func referenceDecode(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }

    @Test("encodes and decodes every length and byte as the reference does")
    func sameAsReference() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoded = Base64URL.encode(bytes)
                #expect(encoded == Self.referenceEncode(bytes))
                #expect(Base64URL.decode(encoded) == Self.referenceDecode(encoded))
                if length > 0 { #expect(Base64URL.decode(encoded) == bytes) }
            }
        }
    }

    @Test("refuses what the reference refuses", arguments: ["", "a", "ab=", "a+b", "a/b", "é", "ab cd", "ab\r\ncd", "AAAA", "AAA", "-_-_", "A\u{0}"])
    func oddInput(_ text: String) {
        #expect(Base64URL.decode(text) == Self.referenceDecode(text))
    }
}
