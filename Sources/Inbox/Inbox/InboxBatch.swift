import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperCore

/// One batch of the `inbox` projection's entries reduced to what applying them one by one, in
/// position order, leaves in its four tables (``InboxProjection``). Entries that do not fit are
/// logged and skipped as before.
struct InboxBatch {
    /// The latest routing rule set of the batch (each one replaces the row).
    struct Routing {
        var position: Int64
        var setAtUs: Int64
        var actor: String
        var rules: String
    }

    /// A row of `inbox_notes`.
    struct Note {
        var position: Int64
        var conversation: String
        var noteID: String
        var author: String
        var createdAtUs: Int64
    }

    /// A staff member's last read mark of a conversation in the batch (each one replaces the row).
    struct Read {
        var conversation: String
        var user: String
        var readPosition: Int64
        var markedPosition: Int64
    }

    /// A conversation's net change: its first event (what creates the row if there is none), its
    /// last, and the last routing, assignment and state change, each nil if the batch has none.
    struct ConversationChange: Encodable {
        var conversationId: String
        var firstAtUs: Int64
        var firstPosition: Int64
        var lastPosition: Int64
        var team: String?
        var rule: String?
        var routedAtUs: Int64?
        var routedPosition: Int64?
        var assignee: String?
        var assignedPosition: Int64?
        var state: String?
        var stateChangedAtUs: Int64?
        var statePosition: Int64?
    }

    private(set) var routing: Routing?
    private(set) var notes: [Note] = []
    private var readIndex: [[String]: Int] = [:]
    private(set) var reads: [Read] = []
    private var conversationIndex: [String: Int] = [:]
    private(set) var conversations: [ConversationChange] = []

    init(_ records: [SelectedRecord], logger: Logger) throws {
        for record in records { try add(record, logger: logger) }
    }

    /// The conversations' net changes as a JSON array with snake_case keys (nil: NULL).
    func conversationsJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(conversations), as: UTF8.self)
    }

    private mutating func add(_ record: SelectedRecord, logger: Logger) throws {
        let fields = record.entry.fields
        let position = fields.position
        let time = fields.occurredAt.microseconds
        if fields.eventType == InboxEventType.rulesSet {
            guard case .bytes(let bytes)? = record.payload, let rules = try? RoutingRuleSet.parse(bytes) else {
                logger.warning("skipping a routing.rules.set whose payload is not a rule set", metadata: ["position": "\(position)"])
                return
            }
            routing = Routing(position: position, setAtUs: time, actor: fields.actor, rules: String(decoding: try rules.json.encoded(), as: UTF8.self))
            return
        }
        guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let conversation = header.text("conversation") else {
            logger.warning("skipping an inbox event whose header names no conversation", metadata: ["position": "\(position)"])
            return
        }
        switch fields.eventType {
        case InboxEventType.noteAdded:
            guard let noteID = header.text("note_id") else {
                logger.warning("skipping a note.added without note_id", metadata: ["position": "\(position)"])
                return
            }
            notes.append(Note(position: position, conversation: conversation, noteID: noteID, author: fields.actor, createdAtUs: time))
        case InboxEventType.readMarked:
            guard let user = header.text("user"), let read = header["position"]?.integer, read >= 0 else {
                logger.warning("skipping a read mark without user or position", metadata: ["position": "\(position)"])
                return
            }
            let mark = Read(conversation: conversation, user: user, readPosition: read, markedPosition: position)
            if let index = readIndex[[conversation, user]] {
                reads[index] = mark
            } else {
                readIndex[[conversation, user]] = reads.count
                reads.append(mark)
            }
        default:
            change(conversation, type: fields.eventType, header: header, position: position, time: time, logger: logger)
        }
    }

    /// Every conversation event creates the row (open, unrouted) if it is the first, and moves
    /// its last position; then routes, assigns or changes its state.
    private mutating func change(_ conversation: String, type: String, header: JSONValue, position: Int64, time: Int64, logger: Logger) {
        let index: Int
        if let known = conversationIndex[conversation] {
            index = known
            conversations[index].lastPosition = position
        } else {
            index = conversations.count
            conversationIndex[conversation] = index
            conversations.append(ConversationChange(conversationId: conversation, firstAtUs: time, firstPosition: position, lastPosition: position))
        }
        switch type {
        case InboxEventType.routed:
            guard let team = header.text("team") else {
                logger.warning("skipping a conversation.routed without team", metadata: ["position": "\(position)"])
                return
            }
            conversations[index].team = team
            conversations[index].rule = header.text("rule")
            conversations[index].routedAtUs = time
            conversations[index].routedPosition = position
        case InboxEventType.assigned:
            conversations[index].assignee = header.text("assignee")
            conversations[index].assignedPosition = position
        default:
            switch type {
            case InboxEventType.pending: conversations[index].state = "pending"
            case InboxEventType.closed: conversations[index].state = "closed"
            default: conversations[index].state = "reopened"
            }
            conversations[index].stateChangedAtUs = time
            conversations[index].statePosition = position
        }
    }
}
