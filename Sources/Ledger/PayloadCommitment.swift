import Crypto
public import Foundation

/// The salted commitment the chain keeps to a payload: SHA-256(salt ‖ payload bytes).
///
/// The 32-byte random salt is stored with the (encrypted) payload and destroyed with it, so that
/// after lawful destruction a short message cannot be guessed from its commitment.
public enum PayloadCommitment {
    /// The salt length in bytes.
    public static let saltLength = 32

    /// A fresh random salt from the cryptographic generator (BoringSSL's, seeded by the system).
    ///
    /// One call per salt, not one per byte: drawing bytes one at a time from
    /// `SystemRandomNumberGenerator` costs a system call each and was a quarter of the append
    /// path's CPU time.
    public static func randomSalt() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// SHA-256(salt ‖ payload).
    /// - Throws: ``LedgerFormatError/invalidSaltLength(_:)`` unless the salt is 32 bytes.
    public static func commit<S: DataProtocol, P: DataProtocol>(salt: S, payload: P) throws -> LedgerDigest {
        guard salt.count == saltLength else { throw LedgerFormatError.invalidSaltLength(salt.count) }
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: payload)
        return LedgerDigest(unchecked: Array(hasher.finalize()))
    }
}
