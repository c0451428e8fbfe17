public import Foundation

/// The fields of an entry that the chain commits to, everything except the hashes.
///
/// `EntryFields` is what an appender supplies (minus `position`, which the store assigns) and
/// what a verifier reads back. The exact bytes hashed are defined by ``EntryEncoding`` and
/// documented in `docs/ledger-format.md`.
public struct EntryFields: Hashable, Sendable {
    /// The ledger's name, e.g. `agency-main`.
    public var ledger: String
    /// 1, 2, 3 … per ledger, without gaps.
    public var position: Int64
    /// The event's idempotency identifier.
    public var eventID: UUID
    /// The stream the event belongs to, e.g. a conversation.
    public var stream: String
    /// The event type, e.g. `whatsapp.message.received`.
    public var eventType: String
    /// When the event happened, as the producer says.
    public var occurredAt: LedgerTimestamp
    /// When the ledger recorded it.
    public var recordedAt: LedgerTimestamp
    /// Who caused it: a staff member, an integration, `system`, `whatsapp`.
    public var actor: String
    /// An optional per-ledger unique key (e.g. a WhatsApp message id) that makes a redelivery
    /// return the original entry.
    public var dedupeKey: String?
    /// The small retained header (UTF-8 JSON text, hashed exactly as stored) that survives
    /// payload destruction. It never holds message content.
    public var header: String
    /// SHA-256(salt ‖ payload bytes).
    public var payloadCommitment: LedgerDigest

    public init(
        ledger: String,
        position: Int64,
        eventID: UUID,
        stream: String,
        eventType: String,
        occurredAt: LedgerTimestamp,
        recordedAt: LedgerTimestamp,
        actor: String,
        dedupeKey: String?,
        header: String,
        payloadCommitment: LedgerDigest
    ) {
        self.ledger = ledger
        self.position = position
        self.eventID = eventID
        self.stream = stream
        self.eventType = eventType
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.dedupeKey = dedupeKey
        self.header = header
        self.payloadCommitment = payloadCommitment
    }
}

/// Size limits on entry fields, enforced before anything is written.
public enum EntryLimits {
    public static let ledgerName = 63
    public static let stream = 512
    public static let eventType = 128
    public static let actor = 256
    public static let dedupeKey = 512
    public static let header = 8 * 1024

    /// Checks that a ledger name is 1–63 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
    public static func validateLedgerName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let allowed: (UInt8) -> Bool = { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
        guard (1...ledgerName).contains(bytes.count), bytes.allSatisfy(allowed),
            let first = bytes.first, first != UInt8(ascii: "."), first != UInt8(ascii: "_"), first != UInt8(ascii: "-")
        else { throw LedgerFormatError.invalidLedgerName(name) }
    }

    /// Checks the fields an appender supplies.
    public static func validate(stream: String, eventType: String, actor: String, dedupeKey: String?, header: String) throws {
        try check("stream", stream, limit: Self.stream, allowEmpty: false)
        try check("event_type", eventType, limit: Self.eventType, allowEmpty: false)
        try check("actor", actor, limit: Self.actor, allowEmpty: false)
        if let dedupeKey { try check("dedupe_key", dedupeKey, limit: Self.dedupeKey, allowEmpty: false) }
        try check("header", header, limit: Self.header, allowEmpty: true)
    }

    private static func check(_ field: String, _ value: String, limit: Int, allowEmpty: Bool) throws {
        let count = value.utf8.count
        if count == 0 && !allowEmpty { throw LedgerFormatError.emptyField(field) }
        if count > limit { throw LedgerFormatError.fieldTooLong(field: field, bytes: count, limit: limit) }
        if value.utf8.contains(0) { throw LedgerFormatError.nulCharacter(field) }
    }
}
