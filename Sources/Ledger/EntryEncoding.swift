import Foundation

/// The frozen binary encoding of an entry (format version 1) and the entry hash over it.
///
/// ```
/// entry_hash = SHA-256(encoding)
/// encoding   = "RK-LEDGER-ENTRY" 0x00      16 bytes, domain separator
///              u16  version = 1
///              [32] previous entry hash    (genesis: 32 zero bytes)
///              str  ledger
///              u64  position
///              [16] event id               (UUID bytes in textual order)
///              str  stream
///              str  event type
///              i64  occurred at            (microseconds since 1970-01-01T00:00:00Z)
///              i64  recorded at
///              str  actor
///              u8   dedupe key present (0 or 1), then str dedupe key if 1
///              str  retained header        (UTF-8 JSON text as stored)
///              [32] payload commitment     SHA-256(salt ‖ payload)
/// str = u32 byte length ‖ UTF-8 bytes; all integers big-endian.
/// ```
///
/// `docs/ledger-format.md` is the normative description; `docs/test-vectors.json` freezes it.
public enum EntryEncoding {
    /// The domain separator: `RK-LEDGER-ENTRY` followed by one zero byte.
    public static let domain: [UInt8] = Array("RK-LEDGER-ENTRY".utf8) + [0]
    /// The format version this code writes and verifies.
    public static let version: UInt16 = 1

    /// The exact bytes that are hashed for an entry.
    public static func encode(_ fields: EntryFields, previousHash: LedgerDigest) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(
            160 + fields.ledger.utf8.count + fields.stream.utf8.count + fields.eventType.utf8.count
                + fields.actor.utf8.count + (fields.dedupeKey?.utf8.count ?? 0) + fields.header.utf8.count
        )
        out.append(contentsOf: domain)
        appendInteger(version, to: &out)
        out.append(contentsOf: previousHash.bytes)
        appendString(fields.ledger, to: &out)
        appendInteger(UInt64(bitPattern: fields.position), to: &out)
        appendUUID(fields.eventID, to: &out)
        appendString(fields.stream, to: &out)
        appendString(fields.eventType, to: &out)
        appendInteger(fields.occurredAt.microseconds, to: &out)
        appendInteger(fields.recordedAt.microseconds, to: &out)
        appendString(fields.actor, to: &out)
        if let key = fields.dedupeKey {
            out.append(1)
            appendString(key, to: &out)
        } else {
            out.append(0)
        }
        appendString(fields.header, to: &out)
        out.append(contentsOf: fields.payloadCommitment.bytes)
        return out
    }

    /// The entry hash: SHA-256 over ``encode(_:previousHash:)``.
    public static func entryHash(_ fields: EntryFields, previousHash: LedgerDigest) -> LedgerDigest {
        LedgerDigest.sha256(encode(fields, previousHash: previousHash))
    }

    static func appendInteger<I: FixedWidthInteger>(_ value: I, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    static func appendString(_ value: String, to out: inout [UInt8]) {
        let utf8 = value.utf8
        appendInteger(UInt32(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }

    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { out.append(contentsOf: $0) }
    }
}
