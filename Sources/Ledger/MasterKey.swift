import Crypto
public import Foundation

/// The agency's master key: 32 bytes that wrap every payload data key (AES-256-GCM).
///
/// It lives outside the database (an environment variable or a file with mode 0600) and is
/// never written to logs. ``identifier`` names it without revealing it.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    /// The key length in bytes.
    public static let length = 32

    /// Wraps raw key bytes.
    /// - Throws: ``PayloadCryptoError/invalidMasterKey(_:)`` unless there are exactly 32 bytes.
    public init<Bytes: ContiguousBytes>(bytes: Bytes) throws {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == Self.length else {
            throw PayloadCryptoError.invalidMasterKey("the master key must be 32 bytes, got \(count)")
        }
        self.key = SymmetricKey(data: bytes)
    }

    /// Parses the base64 text form (surrounding white space is ignored).
    public init(base64 text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: trimmed) else {
            throw PayloadCryptoError.invalidMasterKey("the master key is not valid base64")
        }
        try self.init(bytes: raw)
    }

    /// A new random master key.
    public static func generate() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) { self.key = key }

    /// The base64 text form, for writing to a key file. Handle with care.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// A public identifier: the first 16 hex digits of SHA-256("RK-MASTER-KEY-ID" 0x00 ‖ key).
    public var identifier: String {
        var hasher = SHA256()
        hasher.update(data: Array("RK-MASTER-KEY-ID".utf8) + [0])
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return String(Hex.encode(hasher.finalize()).prefix(16))
    }
}

/// Where a data key belongs: one key per ledger, stream and calendar month (UTC).
public struct DataKeyScope: Hashable, Sendable {
    public var ledger: String
    public var stream: String
    /// `YYYY-MM` of the events' occurred-at time.
    public var period: String

    public init(ledger: String, stream: String, period: String) {
        self.ledger = ledger
        self.stream = stream
        self.period = period
    }

    /// Scopes are equal when their UTF-8 bytes are, as in the associated data and in PostgreSQL.
    /// (Swift's `String ==` treats canonically equivalent text as equal, e.g. NFC "é" and NFD
    /// "e\u{301}", which would let two distinct streams share one cached data key.)
    public static func == (lhs: DataKeyScope, rhs: DataKeyScope) -> Bool {
        lhs.ledger.utf8.elementsEqual(rhs.ledger.utf8) && lhs.stream.utf8.elementsEqual(rhs.stream.utf8)
            && lhs.period.utf8.elementsEqual(rhs.period.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Array(ledger.utf8))
        hasher.combine(Array(stream.utf8))
        hasher.combine(Array(period.utf8))
    }

    /// The associated data that binds a wrapped key to its scope.
    var associatedData: [UInt8] {
        var out = Array("RK-DATA-KEY-V1".utf8) + [0]
        EntryEncoding.appendString(ledger, to: &out)
        EntryEncoding.appendString(stream, to: &out)
        EntryEncoding.appendString(period, to: &out)
        return out
    }
}

/// An unwrapped payload data key (AES-256). Only ever held in memory.
public struct DataKey: Sendable {
    let key: SymmetricKey

    /// A new random data key.
    public static func generate() -> DataKey { DataKey(key: SymmetricKey(size: .bits256)) }

    init(key: SymmetricKey) { self.key = key }

    /// Wraps the key under the master key: nonce (12) ‖ ciphertext (32) ‖ tag (16).
    public func wrapped(by master: MasterKey, scope: DataKeyScope) throws -> [UInt8] {
        let sealed = try key.withUnsafeBytes { raw in
            try AES.GCM.seal(Array(raw), using: master.key, authenticating: scope.associatedData)
        }
        guard let combined = sealed.combined else { throw PayloadCryptoError.sealFailed }
        return Array(combined)
    }

    /// Unwraps a key wrapped by ``wrapped(by:scope:)``.
    /// - Throws: ``PayloadCryptoError/unwrapFailed`` with the wrong master key or scope, or damaged bytes.
    public static func unwrap<Bytes: DataProtocol>(_ wrapped: Bytes, master: MasterKey, scope: DataKeyScope) throws -> DataKey {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(wrapped))
            let raw = try AES.GCM.open(box, using: master.key, authenticating: scope.associatedData)
            guard raw.count == 32 else { throw PayloadCryptoError.unwrapFailed }
            return DataKey(key: SymmetricKey(data: raw))
        } catch {
            throw PayloadCryptoError.unwrapFailed
        }
    }
}
