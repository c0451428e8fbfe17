import Crypto
public import Foundation

/// A payload as stored: AES-256-GCM over (salt ‖ payload bytes) under a data key, bound to its
/// ledger and event id by the associated data, so a sealed payload cannot be moved to another entry.
///
/// `sealed = nonce (12) ‖ ciphertext ‖ tag (16)`; the plaintext is `salt (32) ‖ payload`.
public enum PayloadSealer {
    /// Encrypts `salt ‖ payload` for the entry with `eventID` in `ledger`.
    public static func seal<P: DataProtocol>(payload: P, salt: [UInt8], key: DataKey, ledger: String, eventID: UUID) throws -> [UInt8] {
        guard salt.count == PayloadCommitment.saltLength else { throw LedgerFormatError.invalidSaltLength(salt.count) }
        var plaintext = [UInt8]()
        plaintext.reserveCapacity(salt.count + payload.count)
        plaintext.append(contentsOf: salt)
        plaintext.append(contentsOf: payload)
        let box = try AES.GCM.seal(plaintext, using: key.key, authenticating: associatedData(ledger: ledger, eventID: eventID))
        guard let combined = box.combined else { throw PayloadCryptoError.sealFailed }
        return Array(combined)
    }

    /// Decrypts a sealed payload and splits it into salt and payload bytes.
    /// - Throws: ``PayloadCryptoError/openFailed`` when the bytes, key, ledger or event id do not match.
    public static func open<S: DataProtocol>(_ sealed: S, key: DataKey, ledger: String, eventID: UUID) throws -> (salt: [UInt8], payload: [UInt8]) {
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: associatedData(ledger: ledger, eventID: eventID))
        } catch {
            throw PayloadCryptoError.openFailed
        }
        guard plaintext.count >= PayloadCommitment.saltLength else { throw PayloadCryptoError.openFailed }
        let bytes = Array(plaintext)
        return (Array(bytes[..<PayloadCommitment.saltLength]), Array(bytes[PayloadCommitment.saltLength...]))
    }

    static func associatedData(ledger: String, eventID: UUID) -> [UInt8] {
        var out = Array("RK-PAYLOAD-V1".utf8) + [0]
        EntryEncoding.appendString(ledger, to: &out)
        EntryEncoding.appendUUID(eventID, to: &out)
        return out
    }
}

/// Why a key or payload could not be used.
public enum PayloadCryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidMasterKey(String)
    case sealFailed
    case unwrapFailed
    case openFailed

    public var description: String {
        switch self {
        case .invalidMasterKey(let why): why
        case .sealFailed: "encryption failed"
        case .unwrapFailed: "a data key could not be unwrapped: wrong master key, or the wrapped key was altered"
        case .openFailed: "a payload could not be decrypted: its ciphertext, data key or entry binding was altered"
        }
    }
}
