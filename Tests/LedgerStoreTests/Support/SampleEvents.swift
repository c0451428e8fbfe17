import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import LedgerStore

/// A small event with a JSON payload.
func sampleEvent(_ index: Int, stream: String = "conversation/1", dedupeKey: String? = nil, id: UUID = UUID()) -> NewEvent {
    NewEvent(
        eventID: id,
        stream: stream,
        eventType: "whatsapp.message.received",
        occurredAt: LedgerTimestamp(microseconds: 1_764_072_000_000_000 + Int64(index) * 1_000_000),
        actor: "whatsapp",
        dedupeKey: dedupeKey,
        header: #"{"direction":"inbound","n":\#(index)}"#,
        payload: Array(#"{"text":{"body":"message \#(index)"}}"#.utf8)
    )
}

/// Reads every record of a ledger.
func allRecords(_ store: LedgerStore, ledger: String, stream: String? = nil, from: Int64 = 1, through: Int64? = nil) async throws -> [LedgerRecord] {
    var records: [LedgerRecord] = []
    for try await record in store.records(ledger: ledger, from: from, through: through, stream: stream, pageSize: 3) {
        records.append(record)
    }
    return records
}
