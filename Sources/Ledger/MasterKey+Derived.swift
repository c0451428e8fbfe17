public import Crypto

extension MasterKey {
    /// A 256-bit key for one purpose, derived from the master key with HKDF-SHA256 (`salt`,
    /// `info`): it needs no storage of its own and changes when the master key is rotated.
    public func derivedKey(salt: String, info: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: Array(salt.utf8), info: Array(info.utf8), outputByteCount: 32)
    }
}
