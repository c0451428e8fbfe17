import Crypto

/// A key for a blind index: HMAC-SHA256 tags of words, so a table can say which records hold a
/// word without holding the word (docs/operations.md, "Search").
///
/// Derived from the master key with HKDF-SHA256 (salt `"RK-BLIND-INDEX-V1"`, info = `purpose`),
/// so it needs no storage of its own and changes when the master key is rotated (the index is
/// then rebuilt). ``identifier`` names it without revealing it.
public struct BlindIndexKey: Sendable {
    /// HMAC-SHA256 with the key already absorbed. Each tag starts from a copy (the digests are
    /// copy-on-write), so the key's padding is hashed once, not once per word: the indexer tags
    /// every word of every message, and keying the HMAC each time was a fifth of its CPU.
    private let keyed: HMAC<SHA256>
    /// The first 16 hex digits of SHA-256("RK-BLIND-INDEX-ID" 0x00 ‖ key).
    public let identifier: String

    /// The bytes of a tag (a truncated HMAC-SHA256: 128 bits keep collisions out of reach).
    public static let tagLength = 16

    public init(master: MasterKey, purpose: String) {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master.key, salt: Array("RK-BLIND-INDEX-V1".utf8), info: Array(purpose.utf8), outputByteCount: 32)
        self.keyed = HMAC<SHA256>(key: derived)
        var hasher = SHA256()
        hasher.update(data: Array("RK-BLIND-INDEX-ID".utf8) + [0])
        derived.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        self.identifier = String(Hex.encode(hasher.finalize()).prefix(16))
    }

    /// The tag of one term (its UTF-8 bytes).
    public func tag(_ term: String) -> [UInt8] {
        var mac = keyed
        mac.update(data: Array(term.utf8))
        return Array(mac.finalize().prefix(Self.tagLength))
    }
}
