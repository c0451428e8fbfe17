import COpenSSL
import Foundation

/// Conversions from OpenSSL's ASN.1 values to Swift values.
enum ASN1Values {
    /// The SHA-256 algorithm identifier's OID.
    static let sha256OID = "2.16.840.1.101.3.4.2.1"

    /// The content bytes of an ASN.1 string (OCTET STRING, GeneralizedTime, UTF8String …).
    static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    /// The dotted text of an OID, e.g. `2.16.840.1.101.3.4.2.1`.
    static func oid(_ object: OpaquePointer?) -> String? {
        guard let object else { return nil }
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        guard length > 0, Int(length) < buffer.count else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The value of a non-negative INTEGER that fits 64 bits; `nil` otherwise.
    static func uint64(_ integer: UnsafePointer<ASN1_INTEGER>?) -> UInt64? {
        guard let integer else { return nil }
        var value: UInt64 = 0
        guard ASN1_INTEGER_get_uint64(&value, integer) == 1 else { return nil }
        return value
    }

    /// An INTEGER of any size in lower-case hexadecimal (at least two digits, `-` when negative).
    static func hex(_ integer: UnsafePointer<ASN1_INTEGER>?) -> String? {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else { return nil }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { return nil }
        defer { rk_OPENSSL_free(text) }
        return String(cString: text).lowercased()
    }

    /// A DER GeneralizedTime `YYYYMMDDHHMMSS[.f…]Z`, as RFC 3161 requires for `genTime`.
    static func date(_ time: UnsafePointer<ASN1_GENERALIZEDTIME>?) -> Date? {
        guard let time, ASN1_GENERALIZEDTIME_check(time) == 1 else { return nil }
        return generalizedTime(bytes(time))
    }

    /// Parses the text of a UTC GeneralizedTime with optional fractional seconds.
    static func generalizedTime(_ text: [UInt8]) -> Date? {
        guard text.count >= 15, text.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in text[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(8..<10), let minute = number(10..<12), let second = number(12..<14)
        else { return nil }
        var fraction = 0.0
        let rest = text[14..<(text.count - 1)]
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: "."), (2...10).contains(rest.count), let digits = number((15)..<(text.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(rest.count - 1))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let whole = calendar.date(from: components) else { return nil }
        return whole.addingTimeInterval(fraction)
    }

    /// The DER encoding produced by an OpenSSL `i2d_…` function.
    static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
        let length = encode(nil)
        guard length > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        return written == length ? out : nil
    }
}

/// Lower-case hexadecimal, for messages.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let text = String(byte, radix: 16)
        return byte < 16 ? "0" + text : text
    }.joined()
}
