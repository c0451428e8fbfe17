import Crypto
public import Foundation

extension NoteSigningKey {
    /// `"RK-SIGNING-KEY-V1" 0x00 ‖ public key`: binds a wrapped seed to its public key.
    static func wrappingAssociatedData(publicKey: [UInt8]) -> [UInt8] {
        Array("RK-SIGNING-KEY-V1".utf8) + [0] + publicKey
    }

    /// The seed sealed under the master key: nonce ‖ AES-256-GCM(seed) ‖ tag.
    public func wrapped(by master: MasterKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(seed, using: master.key, authenticating: Self.wrappingAssociatedData(publicKey: publicKey))
        guard let combined = box.combined else { throw PayloadCryptoError.sealFailed }
        return Array(combined)
    }

    /// Opens a wrapped seed and checks that it is the private key of `publicKey`.
    /// - Throws: ``PayloadCryptoError/unwrapFailed`` with the wrong master key or altered bytes.
    public static func unwrap<Bytes: DataProtocol>(_ wrapped: Bytes, publicKey: [UInt8], master: MasterKey) throws -> NoteSigningKey {
        let seed: Data
        do {
            let box = try AES.GCM.SealedBox(combined: Data(wrapped))
            seed = try AES.GCM.open(box, using: master.key, authenticating: wrappingAssociatedData(publicKey: publicKey))
        } catch {
            throw PayloadCryptoError.unwrapFailed
        }
        guard let key = try? NoteSigningKey(seed: Array(seed)), key.publicKey == publicKey else {
            throw PayloadCryptoError.unwrapFailed
        }
        return key
    }
}
