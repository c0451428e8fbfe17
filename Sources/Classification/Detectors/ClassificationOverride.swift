import Ledger
public import LedgerStore
import PostgresNIO

/// Why a staff classification change was refused.
public enum ClassificationOverrideError: Error, Equatable, CustomStringConvertible {
    /// No message at this position in this conversation.
    case noMessage(Int64)
    /// A change needs a reason.
    case missingReason

    public var description: String {
        switch self {
        case .noMessage(let position): "the conversation has no message at position \(position): use a position from its timeline"
        case .missingReason: "give the reason for the change as \"reason\": it is recorded with it"
        }
    }
}

/// Staff raising or lowering a message's data category, with a reason (docs/classification.md):
/// recorded as `record.classified` with source `staff`, which the detectors never overrule.
public struct ClassificationOverride: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Sets the category of the message at `position` of `conversation` (a conversation id or
    /// any of its streams).
    /// - Returns: the position of the `record.classified` event and the category before it.
    /// - Throws: ``ClassificationOverrideError``, or a ledger error.
    public func set(
        conversation: String, position: Int64, category: DataCategory, reason: String, actor: String
    ) async throws -> (position: Int64, previous: DataCategory?) {
        guard !reason.allSatisfy(\.isWhitespace) else { throw ClassificationOverrideError.missingReason }
        let ref = try await store.ledger(named: ledger, create: false)
        let rows = try await store.client.query(
            """
            SELECT m.stream, c.category::int4 FROM conversation_messages m
            JOIN conversation_streams s ON s.ledger_id = m.ledger_id AND s.conversation_id = m.conversation_id
            LEFT JOIN message_classifications c ON c.ledger_id = m.ledger_id AND c.message_position = m.position
            WHERE m.ledger_id = \(ref.id) AND s.stream = \(conversation) AND m.position = \(position)
            """, logger: store.logger)
        var found: (stream: String, category: Int32?)?
        for try await row in rows.decode((String, Int32?).self) { found = row }
        guard let found else { throw ClassificationOverrideError.noMessage(position) }
        let previous = found.category.flatMap { DataCategory(rawValue: Int($0)) }
        let event = try ClassificationEvents.classified(
            stream: found.stream, targetPosition: position, category: category, reasons: [], source: .staff(reason: reason),
            previousCategory: previous, actor: actor)
        let receipt = try await store.append(event, to: ledger)
        return (receipt.position, previous)
    }
}
