import Classification
import Events
import Foundation
import KeyLookups
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore

extension ConversationQueries {
    /// A conversation's messages in ledger order, with their content read from the ledger.
    ///
    /// Two statements whatever the page's size, both key lookups whose plans are kept
    /// (``LedgerStore/LedgerStore/lookUp(_:)``): the conversation with the page's metadata, then
    /// every payload of the page (``LedgerStore/LedgerStore/records(ledger:entries:)``).
    /// - Returns: nil if there is no such conversation.
    /// - Throws: ``ConversationQueryError/invalidCursor``.
    public func messages(ledger name: String, conversation id: String, limit: Int = 50, cursor: String? = nil) async throws -> TimelinePage? {
        let ledger = try await store.ledger(named: name, create: false)
        // An unknown conversation is "none" whatever the cursor: the cursor is refused only once
        // the conversation is known to exist.
        let after: Int64? = if let cursor { Self.position(ofCursor: cursor) } else { 0 }
        let limit = Self.clamp(limit)
        guard var rows = try await page(ledger: ledger, conversation: id, after: after ?? 0, limit: limit) else { return nil }
        guard after != nil else { throw ConversationQueryError.invalidCursor }
        var next: String?
        if rows.count > limit {
            rows.removeLast()
            next = rows.last.map { OpaqueToken.cursor(kind: "messages", [String($0.position)]) }
        }
        let records = try await store.records(ledger: ledger, entries: rows.map { ($0.position, $0.stream) })
        let items = rows.map { row in
            TimelineItem(
                position: row.position, stream: row.stream, messageID: row.messageID, direction: row.direction, messageType: row.messageType,
                occurredAt: LedgerTimestamp(microseconds: row.occurredAtUs).date, status: row.status,
                statusAt: row.statusAtUs.map { LedgerTimestamp(microseconds: $0).date }, requestID: row.requestID,
                errorCode: row.errorCode.map(Int.init), content: Self.content(of: records[row.position], position: row.position),
                classification: row.classification)
        }
        return TimelinePage(items: items, nextCursor: next)
    }

    /// What the timeline shows of the message entry at `position`, as read from the ledger (nil:
    /// there is no entry there).
    static func content(of record: LedgerRecord?, position: Int64) -> MessageContent {
        guard let record else { return .unavailable("no entry at position \(position)") }
        switch record.payload {
        case .bytes(let bytes) where record.entry.fields.eventType == OutboundEventType.sendRequested:
            guard let body = try? JSONValue.parse(bytes) else { return .unavailable("the request body is not JSON") }
            return .available(message: body, profile: nil)
        case .bytes(let bytes):
            guard let payload = try? JSONValue.parse(bytes), let message = payload["message"], message != .null else {
                return .unavailable("the payload is not a message document of docs/whatsapp-ingest.md")
            }
            return .available(message: message, profile: payload["envelope"]?["contact"]?["profile"])
        case .destroyed(let by): return .destroyed(authorisedBy: by)
        case .sealed: return .sealed
        case .unavailable(let why): return .unavailable(why)
        }
    }

    /// The position a `messages` cursor stands after; nil for a cursor this listing did not make.
    private static func position(ofCursor cursor: String) -> Int64? {
        guard let fields = try? OpaqueToken.fields(of: cursor, kind: "messages", count: 1) else { return nil }
        return Int64(fields[0])
    }

    /// The conversation of `id` (its id or any stream merged into it) and up to `limit + 1` of its
    /// messages after position `after`, in one statement; nil if there is no such conversation.
    private func page(ledger: LedgerRef, conversation id: String, after: Int64, limit: Int) async throws -> [TimelineRow]? {
        let rows = try await store.lookUp(TimelinePageStatement(ledgerID: ledger.id, stream: id, after: after, limit: Int64(limit + 1)))
        // One row with no message: the conversation exists, the page is empty.
        return rows.isEmpty ? nil : rows.compactMap { $0 }
    }
}

/// A conversation (by any of its streams) and a page of its messages after a position, with
/// their classifications, each table reached through an index bound on all its columns (the
/// messages' timeline index from the position on).
struct TimelinePageStatement: KeyLookup {
    static let name = "recordkeeper_timeline_page_v1"
    static let plannedOn = ["conversation_streams", "conversation_messages"]
    static let sql = """
        SELECT m.position, m.stream, m.message_id, m.direction, m.message_type, m.occurred_at_us, m.status, m.status_at_us,
               m.request_id, m.error_code, c.category::int4, c.source, c.reasons
        FROM conversation_streams s
        LEFT JOIN LATERAL (
            SELECT m.position, m.stream, m.message_id, m.direction, m.message_type, m.occurred_at_us, m.status, m.status_at_us,
                   m.request_id, m.error_code
            FROM conversation_messages m
            WHERE m.ledger_id = s.ledger_id AND m.conversation_id = s.conversation_id AND m.position > $3::int8
            ORDER BY m.position LIMIT $4::int8) m ON true
        LEFT JOIN LATERAL (
            SELECT c.category, c.source, c.reasons FROM message_classifications c
            WHERE c.ledger_id = s.ledger_id AND c.message_position = m.position AND c.state = 'classified' OFFSET 0) c ON true
        WHERE s.ledger_id = $1::int4 AND s.stream = $2::text
        ORDER BY m.position
        """
    /// A page row: nil for the one row of a conversation with no message on the page.
    typealias Row = TimelineRow?

    var ledgerID: Int32
    var stream: String
    var after: Int64
    var limit: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(ledgerID)
        bindings.append(stream)
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try TimelineRow(row) }
}

/// One message of a timeline page as the `conversations` projection holds it (no content).
struct TimelineRow: Sendable {
    var position: Int64
    var stream: String
    var messageID: String
    var direction: String
    var messageType: String?
    var occurredAtUs: Int64
    var status: String?
    var statusAtUs: Int64?
    var requestID: String?
    var errorCode: Int32?
    var classification: MessageClassification?

    /// The message of a page row; nil for the row of a conversation with no message on the page.
    init?(_ row: PostgresRow) throws {
        let (position, stream, messageID, direction, type, occurred, status, statusAt, requestID, errorCode, category, source, reasons) =
            try row.decode((Int64?, String?, String?, String?, String?, Int64?, String?, Int64?, String?, Int32?, Int32?, String?, String?).self)
        guard let position, let stream, let messageID, let direction, let occurred else { return nil }
        (self.position, self.stream, self.messageID, self.direction, self.messageType) = (position, stream, messageID, direction, type)
        (self.occurredAtUs, self.status, self.statusAtUs, self.requestID, self.errorCode) = (occurred, status, statusAt, requestID, errorCode)
        if let category, let level = DataCategory(rawValue: Int(category)) {
            classification = MessageClassification(
                category: level, source: source ?? "automatic", reasons: (reasons ?? "").split(separator: ",").map(String.init))
        }
    }
}
