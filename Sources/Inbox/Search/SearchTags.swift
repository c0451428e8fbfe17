/// The form in which the blind index stores a word's tag (docs/operations.md, "Search").
///
/// `search_tags` holds one row per message, its words' tags as a `bigint[]` under a GIN index.
/// A stored tag is the first 8 bytes of the HMAC-SHA256 tag of ``BlindIndexKey`` (the same tag
/// content search and request searches compute), read as a big-endian signed 64-bit integer.
/// A message of k distinct words falsely holds a query word with probability k / 2^64, so hits
/// are not re-checked against the decrypted text.
public enum SearchTags {
    /// The bytes of a tag that are stored.
    public static let storedLength = 8

    /// The stored form of `tag` (at least ``storedLength`` bytes): its first 8 bytes, big-endian.
    public static func stored(_ tag: [UInt8]) -> Int64 {
        precondition(tag.count >= storedLength, "a blind-index tag has at least \(storedLength) bytes")
        var value: UInt64 = 0
        for byte in tag.prefix(storedLength) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    /// The stored forms of `tags`, in order.
    public static func stored(_ tags: [[UInt8]]) -> [Int64] {
        tags.map { stored($0) }
    }
}
