/// Finds the token inside a DER `TimeStampResp` without re-encoding it.
///
/// ```
/// TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
/// ```
/// The token is everything after the status in the outer SEQUENCE. Keeping those bytes, rather
/// than OpenSSL's re-encoding of what it parsed, stores exactly what the TSA signed and sent.
enum ResponseLayout {
    /// The token's bytes, or `nil` when the response is not definite-length DER or has no token.
    static func tokenBytes(in response: [UInt8]) -> ArraySlice<UInt8>? {
        var index = 0
        guard let outer = header(response, at: &index), outer.tag == 0x30, index + outer.length == response.count,
            let status = header(response, at: &index), status.tag == 0x30
        else { return nil }
        index += status.length
        guard index < response.count else { return nil }
        return response[index...]
    }

    /// Reads a tag and a definite length at `index`, moving `index` to the contents.
    private static func header(_ bytes: [UInt8], at index: inout Int) -> (tag: UInt8, length: Int)? {
        guard index + 2 <= bytes.count else { return nil }
        let tag = bytes[index]
        var length = Int(bytes[index + 1])
        index += 2
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard (1...4).contains(count), index + count <= bytes.count else { return nil }  // 0: indefinite (BER)
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard length <= bytes.count - index else { return nil }
        return (tag, length)
    }
}
