public import Foundation
public import Ledger

/// An event to append: everything but the position, hashes and recorded-at time, which the
/// ledger assigns.
public struct NewEvent: Sendable {
    /// Idempotency: appending the same id again returns the original entry.
    public var eventID: UUID
    public var stream: String
    public var eventType: String
    public var occurredAt: LedgerTimestamp
    public var actor: String
    /// Optional per-ledger unique key; a later event with the same key returns the original entry.
    public var dedupeKey: String?
    /// The retained header: small UTF-8 JSON text, never message content. Stored and hashed verbatim.
    public var header: String
    /// The payload bytes, stored encrypted exactly as given.
    public var payload: [UInt8]

    public init(
        eventID: UUID = UUID(),
        stream: String,
        eventType: String,
        occurredAt: LedgerTimestamp = .now(),
        actor: String,
        dedupeKey: String? = nil,
        header: String = "{}",
        payload: [UInt8]
    ) {
        self.eventID = eventID
        self.stream = stream
        self.eventType = eventType
        self.occurredAt = occurredAt
        self.actor = actor
        self.dedupeKey = dedupeKey
        self.header = header
        self.payload = payload
    }
}

/// Where an appended event stands in the ledger.
public struct AppendReceipt: Sendable, Hashable {
    public var eventID: UUID
    public var position: Int64
    /// `true` when the event id or dedupe key was already recorded: `position` is the original's.
    public var alreadyRecorded: Bool

    public init(eventID: UUID, position: Int64, alreadyRecorded: Bool) {
        self.eventID = eventID
        self.position = position
        self.alreadyRecorded = alreadyRecorded
    }
}

/// An event whose payload is sealed and committed, ready for the group committer.
struct PreparedEvent: Sendable {
    var event: NewEvent
    var commitment: LedgerDigest
    var dataKeyID: Int64
    var sealed: [UInt8]
}
