import Crypto
import Foundation
public import Ledger

/// The conversation ids of the API: opaque, so that a URL, a log line or a browser's history
/// never reveals whose conversation it is (an internal conversation id names the citizen's
/// phone number).
///
/// An API id is `base64url(nonce ‖ AES-256-GCM(id) ‖ tag)` under a key derived from the master
/// key (HKDF-SHA256, salt `RK-CONVERSATION-ID-V1`), with the nonce an HMAC of the id under a
/// second derived key (a synthetic nonce): one conversation always has the same API id, and an
/// id that was not made by this service does not open. Rotating the master key changes every API
/// id (the old ones answer 404). Without a master key (a store that only holds sealed payloads)
/// ids are the plain base64url of the internal id.
public struct ConversationIDCodec: Sendable {
    private let keys: (seal: SymmetricKey, nonce: SymmetricKey)?

    public init(masterKey: MasterKey?) {
        keys = masterKey.map {
            ($0.derivedKey(salt: "RK-CONVERSATION-ID-V1", info: "seal"), $0.derivedKey(salt: "RK-CONVERSATION-ID-V1", info: "nonce"))
        }
    }

    /// The API id of the internal conversation id `id`.
    public func apiID(_ id: String) -> String {
        guard let keys else { return Base64URL.encode(Array(id.utf8)) }
        let plaintext = Array(id.utf8)
        let nonceBytes = Array(HMAC<SHA256>.authenticationCode(for: plaintext, using: keys.nonce).prefix(12))
        // Both cannot fail: the nonce has the right length and the key is 256 bits.
        let nonce = try! AES.GCM.Nonce(data: nonceBytes)
        let box = try! AES.GCM.seal(plaintext, using: keys.seal, nonce: nonce)
        return Base64URL.encode(nonceBytes + Array(box.ciphertext) + Array(box.tag))
    }

    /// Whether `text` opens as an API id this service made, whatever it holds: a well-formed id
    /// that does not open names no conversation (404), one that opens to an impossible id (a
    /// control character, nothing) is malformed (400).
    public func opens(_ text: String) -> Bool {
        guard let bytes = Base64URL.decode(text) else { return false }
        guard let keys else { return true }
        guard bytes.count > 28, let box = try? AES.GCM.SealedBox(combined: bytes) else { return false }
        return (try? AES.GCM.open(box, using: keys.seal)) != nil
    }

    /// The internal conversation id of an API id, or nil if it is not one this service made
    /// (or it names no possible conversation: a control character, an empty id).
    public func conversationID(fromAPIID text: String) -> String? {
        guard let bytes = Base64URL.decode(text) else { return nil }
        let plaintext: [UInt8]
        if let keys {
            guard bytes.count > 28, let box = try? AES.GCM.SealedBox(combined: bytes),
                let opened = try? AES.GCM.open(box, using: keys.seal)
            else { return nil }
            plaintext = Array(opened)
        } else {
            plaintext = bytes
        }
        guard let id = String(bytes: plaintext, encoding: .utf8), !id.isEmpty,
            !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return id
    }
}

/// base64url without padding (RFC 4648 §5). Every API conversation id and page cursor of a
/// request goes through it: the alphabet is swapped byte by byte (string replacement through
/// Foundation cost about 2% of the read benchmark's CPU).
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        var encoded = Array(Data(bytes).base64EncodedData())
        encoded.removeAll { $0 == UInt8(ascii: "=") }
        for index in encoded.indices {
            switch encoded[index] {
            case UInt8(ascii: "+"): encoded[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): encoded[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// The bytes of `text`; nil unless it is base64url (letters, digits, `-` and `_` only).
    static func decode(_ text: String) -> [UInt8]? {
        var base64: [UInt8] = []
        base64.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): base64.append(byte)
            case UInt8(ascii: "-"): base64.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): base64.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        guard !base64.isEmpty else { return nil }
        base64 += Array(repeating: UInt8(ascii: "="), count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: Data(base64)).map(Array.init)
    }
}
