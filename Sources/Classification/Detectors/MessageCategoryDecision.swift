public import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore

/// A message's data category as it stands, and how it was decided: what the staff page of a
/// classification change shows next to its form. Never the message's content: only its kind,
/// direction and time, the kinds the detectors found (never the matched text) and, for a staff
/// decision, the staff member's own reason.
public struct MessageCategoryDecision: Sendable, Equatable {
    /// The message's ledger position (its `whatsapp.message.received` or `message.send.requested`).
    public var position: Int64
    /// `inbound` or `outbound`.
    public var direction: String
    /// The Cloud API message type (`text`, `image`, …), when known.
    public var messageType: String?
    public var occurredAt: Date
    /// The category in force; nil while the message waits for the classifier.
    public var category: DataCategory?
    /// `automatic` or `staff`; nil while unclassified.
    public var source: String?
    /// The kinds of sensitive data the detectors found (`ssn`, `health`, …).
    public var reasons: [String]
    /// The detector rules that decided it (automatic decisions).
    public var detectorVersion: String?
    /// The deciding `record.classified` entry, its actor and time; nil while unclassified.
    public var decidedAt: Int64?
    public var decidedBy: String?
    public var decidedTime: Date?
    /// The reason staff gave, for a staff decision.
    public var staffReason: String?
    /// The category before the deciding change, when it recorded one.
    public var previousCategory: DataCategory?
}

extension ClassificationOverride {
    /// The message at `position` of `conversation` (a conversation id or any of its streams) and
    /// its category as the `classification` projection holds it, with the deciding entry's actor,
    /// time and staff reason read from that entry's retained header.
    /// - Returns: nil when the conversation has no message at `position` (the same test as
    ///   ``set(conversation:position:category:reason:actor:)``, which then refuses with
    ///   ``ClassificationOverrideError/noMessage(_:)``), or the ledger does not exist.
    public func decision(conversation: String, position: Int64) async throws -> MessageCategoryDecision? {
        guard let ref = try await store.existingLedger(named: ledger) else { return nil }
        let rows = try await store.client.query(
            """
            SELECT m.direction, m.message_type, m.occurred_at_us, c.state, c.category::int4, c.source, c.reasons, c.detector_version,
                   c.classified_position
            FROM conversation_messages m
            JOIN conversation_streams s ON s.ledger_id = m.ledger_id AND s.conversation_id = m.conversation_id
            LEFT JOIN message_classifications c ON c.ledger_id = m.ledger_id AND c.message_position = m.position
            WHERE m.ledger_id = \(ref.id) AND s.stream = \(conversation) AND m.position = \(position)
            """, logger: store.logger)
        var found: MessageCategoryDecision?
        for try await (direction, type, occurred, state, category, source, reasons, version, decided) in rows.decode(
            (String, String?, Int64, String?, Int32?, String?, String?, String?, Int64?).self)
        {
            let classified = state == "classified"
            found = MessageCategoryDecision(
                position: position, direction: direction, messageType: type, occurredAt: LedgerTimestamp(microseconds: occurred).date,
                category: classified ? category.flatMap { DataCategory(rawValue: Int($0)) } : nil, source: classified ? source : nil,
                reasons: classified ? (reasons ?? "").split(separator: ",").map(String.init) : [], detectorVersion: classified ? version : nil,
                decidedAt: classified ? decided : nil)
        }
        guard var decision = found else { return nil }
        if let decided = decision.decidedAt, let entry = try await store.entry(ledger: ledger, position: decided) {
            decision.decidedBy = entry.fields.actor
            decision.decidedTime = entry.fields.occurredAt.date
            if let header = try? JSONValue.parse(Array(entry.fields.header.utf8)) {
                decision.staffReason = decision.source == "staff" ? header.text("reason") : nil
                decision.previousCategory = header["previous_category"]?.integer.flatMap { DataCategory(rawValue: Int($0)) }
            }
        }
        return decision
    }
}
