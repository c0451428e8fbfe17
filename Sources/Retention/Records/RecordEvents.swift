import Events
import Foundation
import Ledger
import LedgerStore
import RecordkeeperCore

/// What the retention projections read from the entries of record streams.
enum RecordEvents {
    /// The event types written to record streams (``RecordStream``): each extends its record.
    static let extending: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.statusUpdated, ContractEvent.mediaStored, ContractEvent.mediaFetchFailed,
        ContractEvent.mediaUnavailable, ContractEvent.sendRequested, ContractEvent.sendAccepted, ContractEvent.sendFailed,
        ContractEvent.sendAttemptFailed, EventType.Classification.classified, EventType.Inbox.routed, EventType.Inbox.assigned,
        EventType.Inbox.pending, EventType.Inbox.closed, EventType.Inbox.reopened, EventType.Inbox.noteAdded, EventType.Inbox.readMarked,
    ]

    /// The kind of a `message.send.requested` that only marks a message read (not a message).
    static let markRead = "mark_read"

    /// Whether the entry is a message received or sent: `whatsapp.message.received`, or a
    /// `message.send.requested` other than a mark-as-read.
    static func isMessage(_ record: SelectedRecord) -> Bool {
        switch record.entry.fields.eventType {
        case ContractEvent.messageReceived: true
        case ContractEvent.sendRequested: ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record)?.kind != markRead
        default: false
        }
    }

    /// The `data_key_ids` member of a retained header (`record.destroyed`, `records.transferred`).
    static func dataKeyIDs(header: String) -> [Int64] {
        guard let json = try? JSONValue.parse(Array(header.utf8)), let ids = json["data_key_ids"]?.array else { return [] }
        return ids.compactMap(\.integer)
    }
}
