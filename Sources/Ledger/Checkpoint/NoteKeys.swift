import Crypto
import Foundation

/// The signed-note signature type identifier of Ed25519.
let ed25519SignatureType: UInt8 = 0x01

/// The signed-note key ID: the first 4 bytes, big-endian, of
/// `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`.
public func noteKeyID(name: String, ed25519PublicKey: [UInt8]) -> UInt32 {
    var hasher = SHA256()
    hasher.update(data: Array(name.utf8) + [0x0A, ed25519SignatureType] + ed25519PublicKey)
    return Array(hasher.finalize()).prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
}

/// A public key that verifies signed notes: `<name>+<8 hex digits key ID>+<base64(0x01 ‖ key)>`
/// (docs/ledger-format.md section 12.4).
public struct NoteVerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// The key name (for checkpoints: the origin).
    public let name: String
    /// The key ID.
    public let keyID: UInt32
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// A verifier key for `publicKey` under `name`.
    public init(name: String, ed25519PublicKey: [UInt8]) throws(CheckpointError) {
        guard ed25519PublicKey.count == 32 else { throw .malformedVerifierKey("an Ed25519 public key has 32 bytes") }
        guard Self.isValidName(name) else { throw .malformedVerifierKey("the name \"\(name)\" is empty or contains a space or '+'") }
        self.name = name
        self.publicKey = ed25519PublicKey
        self.keyID = noteKeyID(name: name, ed25519PublicKey: ed25519PublicKey)
    }

    /// Parses the `name+keyid+base64` form and checks that the key ID matches the key.
    public init(parsing text: String) throws(CheckpointError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "+", omittingEmptySubsequences: false)
        // The base64 part may itself contain '+': the name and key ID are the first two fields.
        guard parts.count >= 3 else { throw .malformedVerifierKey("expected three '+'-separated fields") }
        let name = String(parts[0])
        let idHex = String(parts[1])
        let keyText = parts[2...].joined(separator: "+")
        guard idHex.utf8.count == 8, let idBytes = Hex.decode(idHex) else {
            throw .malformedVerifierKey("the key ID is not 8 hex digits")
        }
        guard let blob = Data(base64Encoded: keyText), blob.count == 33, blob.first == ed25519SignatureType else {
            throw .malformedVerifierKey("the key is not base64 of 0x01 followed by a 32-byte Ed25519 key")
        }
        try self.init(name: name, ed25519PublicKey: Array(blob.dropFirst()))
        let id = idBytes.reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        guard id == keyID else { throw .malformedVerifierKey("the key ID does not match the key and name") }
    }

    /// The published string.
    public var description: String {
        let id = String(keyID, radix: 16)
        let padded = String(repeating: "0", count: 8 - id.count) + id
        return "\(name)+\(padded)+\(Data([ed25519SignatureType] + publicKey).base64EncodedString())"
    }

    /// Whether `signature` is this key's valid signature of `text`.
    public func verifies(_ signature: NoteSignature, of text: String) -> Bool {
        guard signature.name == name, signature.keyID == keyID, signature.signature.count == 64,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature.signature, for: Array(text.utf8))
    }

    /// Whether at least one of the note's signatures is this key's and verifies.
    public func verifies(_ note: SignedNote) -> Bool {
        note.signatures.contains { verifies($0, of: note.text) }
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}

/// An Ed25519 signing key used to sign notes under any key name.
public struct NoteSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public static func generate() -> NoteSigningKey { NoteSigningKey(key: .init()) }

    /// A key from its 32-byte seed (RFC 8032 private key).
    public init(seed: [UInt8]) throws(CheckpointError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedVerifierKey("an Ed25519 private key seed has 32 bytes")
        }
        self.key = key
    }

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// The 32-byte seed, to be stored only wrapped.
    public var seed: [UInt8] { Array(key.rawRepresentation) }
    /// The 32-byte public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// The verifier key under `name`.
    public func verifierKey(name: String) throws(CheckpointError) -> NoteVerifierKey {
        try NoteVerifierKey(name: name, ed25519PublicKey: publicKey)
    }

    /// Signs `text` (which must end in `\n`) under `name`.
    public func sign(_ text: String, name: String) throws -> NoteSignature {
        let signature = try key.signature(for: Array(text.utf8))
        return NoteSignature(name: name, keyID: noteKeyID(name: name, ed25519PublicKey: publicKey), signature: Array(signature))
    }

    /// A signed note of `text` under `name`.
    public func signNote(_ text: String, name: String) throws -> SignedNote {
        SignedNote(text: text, signatures: [try sign(text, name: name)])
    }
}
