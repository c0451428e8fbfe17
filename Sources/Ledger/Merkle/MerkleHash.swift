import Crypto

/// The RFC 9162 (Certificate Transparency v2) §2.1.1 hash functions, with SHA-256.
///
/// - Leaf hash: `SHA-256(0x00 ‖ leaf)`; in the ledger the leaf input `d(i)` is the 32-byte entry
///   hash of position `i + 1`.
/// - Interior node: `SHA-256(0x01 ‖ left ‖ right)`.
/// - The empty tree's root: `SHA-256("")`.
///
/// The one-byte prefixes keep leaves and interior nodes apart, so a node cannot be passed off as a
/// leaf (second-preimage protection). See docs/ledger-format.md section 11.
public enum MerkleHash {
    /// `SHA-256("")` = `e3b0c442…b855`, the root of the tree with no leaves.
    public static let emptyRoot: LedgerDigest = LedgerDigest(unchecked: Array(SHA256.hash(data: [UInt8]())))

    /// `SHA-256(0x00 ‖ bytes)`: the leaf hash of an arbitrary leaf input.
    public static func leaf(_ bytes: [UInt8]) -> LedgerDigest {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: bytes)
        return LedgerDigest(unchecked: Array(hasher.finalize()))
    }

    /// The leaf hash of a ledger entry: `SHA-256(0x00 ‖ entry_hash)`.
    public static func leaf(entryHash: LedgerDigest) -> LedgerDigest {
        leaf(entryHash.bytes)
    }

    /// `SHA-256(0x01 ‖ left ‖ right)`: an interior node.
    public static func node(_ left: LedgerDigest, _ right: LedgerDigest) -> LedgerDigest {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return LedgerDigest(unchecked: Array(hasher.finalize()))
    }
}
