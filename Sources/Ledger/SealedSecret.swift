import Crypto
public import Foundation

/// A small secret (a downstream webhook secret, a token) sealed under the master key:
/// nonce ‖ AES-256-GCM(secret) ‖ tag, bound by its associated data to what it is for, so a
/// sealed value copied to another row or purpose does not open.
///
/// Associated data: `"RK-SEALED-SECRET-V1" 0x00 ‖ len32(purpose) ‖ purpose`, with `purpose` e.g.
/// `webhook-relay:<name>`.
public enum SealedSecret {
    static func associatedData(purpose: String) -> [UInt8] {
        var out = Array("RK-SEALED-SECRET-V1".utf8) + [0]
        EntryEncoding.appendString(purpose, to: &out)
        return out
    }

    /// Seals `secret` for `purpose` under `master`.
    public static func seal(_ secret: [UInt8], purpose: String, master: MasterKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(secret, using: master.key, authenticating: associatedData(purpose: purpose))
        guard let combined = box.combined else { throw PayloadCryptoError.sealFailed }
        return Array(combined)
    }

    /// Opens what ``seal(_:purpose:master:)`` sealed.
    /// - Throws: ``PayloadCryptoError/unwrapFailed`` with the wrong master key or purpose, or altered bytes.
    public static func open<Bytes: DataProtocol>(_ sealed: Bytes, purpose: String, master: MasterKey) throws -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            return Array(try AES.GCM.open(box, using: master.key, authenticating: associatedData(purpose: purpose)))
        } catch {
            throw PayloadCryptoError.unwrapFailed
        }
    }
}
