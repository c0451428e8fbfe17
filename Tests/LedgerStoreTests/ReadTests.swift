import Foundation
import Ledger
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("Read: ranges and streams")
struct ReadTests {
    @Test("records by position range and by stream, in order, across pages")
    func rangesAndStreams() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let events = (0..<20).map { sampleEvent($0, stream: $0 % 2 == 0 ? "conversation/even" : "conversation/odd") }
                _ = try await store.append(events, to: "l")
                let range = try await allRecords(store, ledger: "l", from: 5, through: 11)
                #expect(range.map(\.entry.fields.position) == Array(5...11))
                let odd = try await allRecords(store, ledger: "l", stream: "conversation/odd")
                #expect(odd.map(\.entry.fields.position) == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
                #expect(odd.allSatisfy { $0.entry.fields.stream == "conversation/odd" })
                let tail = try await allRecords(store, ledger: "l", stream: "conversation/even", from: 15)
                #expect(tail.map(\.entry.fields.position) == [15, 17, 19])
                #expect(try await allRecords(store, ledger: "l", from: 21).isEmpty)
                for record in range {
                    let index = Int(record.entry.fields.position) - 1
                    #expect(record.payload == .bytes(events[index].payload))
                    #expect(record.entry.fields.eventID == events[index].eventID)
                    #expect(record.entry.fields.header == events[index].header)
                    #expect(record.entry.fields.occurredAt == events[index].occurredAt)
                }
            }
        }
    }

    @Test("one data key per stream and month")
    func dataKeyGranularity() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                var events: [NewEvent] = []
                for (stream, month) in [("a", 0), ("a", 0), ("a", 1), ("b", 0)] {
                    var event = sampleEvent(events.count, stream: stream)
                    // 2025-11-25 and 2025-12-26 (UTC)
                    event.occurredAt = LedgerTimestamp(microseconds: 1_764_072_000_000_000 + Int64(month) * 31 * 86_400_000_000)
                    events.append(event)
                }
                _ = try await store.append(events, to: "l")
            }
            let keys = try await db.asSuperuser { client in
                var keys: [String] = []
                for try await (stream, period) in try await client.query(
                    "SELECT stream, period FROM data_keys ORDER BY stream, period", logger: ScratchDatabase.logger
                ).decode((String, String).self) {
                    keys.append("\(stream) \(period)")
                }
                return keys
            }
            #expect(keys == ["a 2025-11", "a 2025-12", "b 2025-11"])
        }
    }
}
