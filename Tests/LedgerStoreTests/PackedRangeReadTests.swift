import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

@Suite("Packed range reads (issue 17)")
struct PackedRangeReadTests {
    /// Packs rows with the server's `record_send`, as ``EntryRanges`` does.
    static func packed(_ client: PostgresClient, _ sql: String) async throws -> ByteBuffer {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: ScratchDatabase.logger).collect()
        return try #require(try rows.first?.decode(ByteBuffer.self))
    }

    static let tricky = """
        SELECT string_agg(record_send(ROW(n, id, maybe, t, b, i)), ''::bytea ORDER BY n) FROM (VALUES
          (1::bigint, '00000000-0000-0000-0000-000000000000'::uuid, NULL::text, ''::text, ''::bytea, NULL::bigint),
          (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid, '', 'é✓ \\u0000'::text, NULL::bytea, 9223372036854775807::bigint),
          (3, '123e4567-e89b-12d3-a456-426614174000'::uuid, repeat('s', 512), repeat('h', 8192),
              decode(repeat('ab', 200000), 'hex'), '-9223372036854775808'::bigint),
          (4, '123e4567-e89b-12d3-a456-426614174001'::uuid, NULL, 'x', '\\x00ff00'::bytea, 0::bigint)
        ) AS v(n, id, maybe, t, b, i)
        """

    struct Tricky: Equatable {
        var n: Int64
        var id: UUID
        var maybe: String?
        var text: String
        var bytes: [UInt8]?
        var int: Int64?
    }

    static func read(_ buffer: ByteBuffer) throws -> [Tricky] {
        var out: [Tricky] = []
        try PackedRecords.forEach(in: buffer, columns: 6) { r in
            out.append(
                Tricky(
                    n: try r.int64(), id: try r.uuid(), maybe: try r.optionalString(), text: try r.string(), bytes: try r.next().map { Array($0) },
                    int: try r.next().map { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }))
        }
        return out
    }

    @Test("the packed decoder reads back empty bytea, NULLs, extreme integers and maximal lengths exactly")
    func trickyValues() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, _ in
                let buffer = try await Self.packed(client, Self.tricky)
                let rows = try Self.read(buffer)
                #expect(
                    rows == [
                        Tricky(n: 1, id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), maybe: nil, text: "", bytes: [], int: nil),
                        Tricky(
                            n: 2, id: UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!, maybe: "", text: "é✓ \\u0000", bytes: nil,
                            int: Int64.max),
                        Tricky(
                            n: 3, id: UUID(uuidString: "123E4567-E89B-12D3-A456-426614174000")!, maybe: String(repeating: "s", count: 512),
                            text: String(repeating: "h", count: 8192), bytes: [UInt8](repeating: 0xab, count: 200_000), int: Int64.min),
                        Tricky(n: 4, id: UUID(uuidString: "123E4567-E89B-12D3-A456-426614174001")!, maybe: nil, text: "x", bytes: [0, 0xff, 0], int: 0),
                    ])
            }
        }
    }

    @Test("a packed value that is not what the reader expects is an error, never a wrong read")
    func malformedValues() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, _ in
                let buffer = try await Self.packed(client, Self.tricky)
                // Cut anywhere inside the last record: it ends early.
                for cut in [1, 7, 100] {
                    let short = buffer.getSlice(at: buffer.readerIndex, length: buffer.readableBytes - cut)!
                    #expect(throws: PackedRecordError.self) { _ = try Self.read(short) }
                }
                #expect(throws: PackedRecordError.columnCount(expected: 7, found: 6, offset: 0)) {
                    try PackedRecords.forEach(in: buffer, columns: 7) { _ in }
                }
                // Trailing columns the reader does not ask for (a column added to the table) are skipped.
                var firsts: [Int64] = []
                try PackedRecords.forEach(in: buffer, columns: 1) { r in firsts.append(try r.int64()) }
                #expect(firsts == [1, 2, 3, 4])
                // Reading a NULL where a value is required, or leaving a column unread.
                #expect(throws: PackedRecordError.unexpectedNull(column: 2)) {
                    try PackedRecords.forEach(in: buffer, columns: 6) { r in
                        _ = try r.int64()
                        _ = try r.uuid()
                        _ = try r.string()
                    }
                }
                #expect(throws: PackedRecordError.columnsLeftUnread(read: 1, columns: 6)) {
                    try PackedRecords.forEach(in: buffer, columns: 6) { r in _ = try r.int64() }
                }
                // A uuid column read as bigint: a length its type cannot have.
                #expect(throws: PackedRecordError.badLength(column: 1, length: 16)) {
                    try PackedRecords.forEach(in: buffer, columns: 6) { r in
                        _ = try r.int64()
                        _ = try r.int64()
                    }
                }
            }
        }
    }

    /// What a row read holds, comparable.
    struct Row: Equatable {
        var entry: StoredEntry
        var dataKeyID: Int64?
        var sealed: [UInt8]?
        var destruction: String?

        init(_ row: RawEntryRow) {
            entry = row.entry
            dataKeyID = row.dataKeyID
            sealed = row.sealed
            destruction = row.destruction.map {
                "\($0.dataKeyID) \($0.authorisedBy) \($0.authorisingType ?? "nil") \($0.authorisingHeader ?? "nil")"
            }
        }
    }

    @Test("range reads give exactly the rows of the per-entry page read: at range and packing edges, with destructions, missing payloads and large rows")
    func rangesMatchPages() async throws {
        try await withMigratedDatabase { db in
            let count = 600
            try await db.withStore { _, store in
                var events = (1...count).map { index -> NewEvent in
                    var event = sampleEvent(index, stream: index % 3 == 0 ? "conversation/old" : "conversation/\(index % 5)")
                    if index % 7 == 0 { event.dedupeKey = "dedupe-\(index)" }
                    return event
                }
                // Rows larger than usual, at and around the packing edges (256, 512).
                for index in [1, 255, 256, 257, 511, 512, 600] {
                    events[index - 1].payload = [UInt8](repeating: UInt8(index % 251), count: 70_000 + index)
                }
                for index in [2, 256, 513] {
                    events[index - 1].header = #"{"pad":"\#(String(repeating: "p", count: 8000))"}"#
                }
                events[300].payload = []
                for start in stride(from: 0, to: events.count, by: 100) {
                    _ = try await store.append(Array(events[start..<start + 100]), to: "l")
                }
                // A lawful destruction of every third entry's payload.
                let key = try await DestructionTests.keyID(store.client, stream: "conversation/old")
                let authorising = try await store.append(
                    NewEvent(stream: "retention", eventType: "record.destroyed", actor: "records-officer", header: #"{"data_key_ids":[\#(key)]}"#, payload: []),
                    to: "l")
                try await store.client.perform("SELECT rk_destroy_data_key(\(key), \(authorising.position))", logger: ScratchDatabase.logger)
            }
            // A payload gone behind the door's back, and one orphan payload row beyond the entries.
            try await db.asSuperuser { client in
                try await client.withTransaction(logger: ScratchDatabase.logger) { c in
                    try await c.perform("ALTER TABLE ledger_payloads DISABLE TRIGGER ALL", logger: ScratchDatabase.logger)
                    try await c.perform("DELETE FROM ledger_payloads WHERE position = 257", logger: ScratchDatabase.logger)
                    try await c.perform(
                        "INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed) SELECT ledger_id, 700, data_key_id, sealed FROM ledger_payloads WHERE position = 1",
                        logger: ScratchDatabase.logger)
                    try await c.perform("ALTER TABLE ledger_payloads ENABLE TRIGGER ALL", logger: ScratchDatabase.logger)
                }
            }
            try await db.withStore { client, store in
                let ledger = try await store.ledger(named: "l", create: false)
                let last = try await EntryRanges.lastPosition(client: client, ledger: ledger, logger: ScratchDatabase.logger)
                #expect(last == Int64(count) + 1)
                let ranges: [(Int64, Int64)] = [
                    (0, last), (0, 1), (last - 1, last), (255, 256), (255, 257), (254, 513), (256, 512), (2, 3), (599, 800), (700, 800),
                ]
                for (after, through) in ranges {
                    let packed = try await EntryRanges.fetch(client: client, ledger: ledger, after: after, through: through, logger: ScratchDatabase.logger)
                    let paged = try await EntryPages.fetch(
                        client: client, ledger: ledger, after: after, through: through, stream: nil, limit: 10_000, logger: ScratchDatabase.logger)
                    #expect(packed.map(Row.init) == paged.map(Row.init), "range (\(after), \(through)]")
                    #expect(packed.map(\.entry.fields.position) == Array(stride(from: after + 1, through: min(through, last), by: 1)))
                }
                let whole = try await EntryRanges.fetch(client: client, ledger: ledger, after: 0, through: last, logger: ScratchDatabase.logger)
                #expect(whole.filter { $0.destruction != nil }.count == count / 3)
                #expect(whole[256].sealed == nil && whole[256].destruction == nil)
                #expect((whole[255].sealed?.count ?? 0) > 70_256)
                // Verification sees the deletion at 257 and the orphan at 700, as before.
                let report = try await store.verify(ledger: "l", pageSize: 100)
                #expect(report.failure?.position == 257)
                #expect(report.failure?.reason == .payloadMissing)
                #expect(report.findings.contains { $0.code == VerificationFinding.orphanPayload && $0.position == 700 })
            }
        }
    }
}
