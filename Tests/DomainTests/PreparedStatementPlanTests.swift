import Foundation
import NIOCore
import PostgresNIO
import RecordkeeperCore
import TestSupport
import Testing

@testable import LedgerStore

/// The statements prepared once per connection run on PostgreSQL's generic plan, made once and
/// kept whatever the values. The projection runner's must read the ledger through its key, from a
/// position: a generic plan that scanned the ledger would cost every wake-up the whole ledger
/// (docs/benchmarks.md, "Prepared reads": prepared reads of conversations and of a page's entries
/// were dropped for such plans). This checks the generic plans on an analysed ledger.
@Suite("Prepared statements: generic plans read the ledger by key", .timeLimit(.minutes(5)))
struct PreparedStatementPlanTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    /// Tables a generic plan must never read whole: the indexes each may be read through, and
    /// the columns one of which its index condition must bound (`ledger_id` alone is a whole
    /// ledger).
    static let keyed: [String: (indexes: Set<String>, bounds: [String])] = [
        "ledger_entries": (["ledger_entries_pkey"], ["position"])
    ]

    @Test("the projection runner's state and idle-move statements read the ledger only through its key, from a position")
    func genericPlansUseKeys() async throws {
        try await withMigratedDatabase { db in
            let ledgerID = try await db.withStore { _, store in
                for batch in stride(from: 0, to: 400, by: 100) {
                    var events: [NewEvent] = []
                    for index in batch..<(batch + 100) {
                        let citizen = FixtureCitizen(waID: "1650555\(String(format: "%04d", index))")
                        for message in 1...5 {
                            events.append(F.message("wamid.\(index).\(message)", from: citizen, at: Int64(message * 10), body: ["body": "question \(message)"]))
                        }
                    }
                    _ = try await store.append(events, to: Self.ledger)
                }
                try await makeRunner(store).catchUpAll()
                return try await store.ledger(named: Self.ledger, create: false).id
            }
            try await db.executeAsSuperuser(["ANALYZE"])
            let statements: [(name: String, sql: String, arguments: String)] = [
                ("state lock", LockedProjectionStateStatement.sql, "'conversations', \(ledgerID)"),
                ("state store", StoreProjectionStateStatement.sql, "1, 2000, 'conversations', \(ledgerID)"),
                (
                    "idle move", AdvanceIdleProjectionsStatement.sql,
                    "\(ledgerID), ARRAY['analytics'], ARRAY[1], ARRAY[1], ARRAY[1], ARRAY['message.received']"
                ),
            ]
            try await db.asSuperuser { client in
                try await client.withConnection { connection in
                    try await connection.perform("SET plan_cache_mode = force_generic_plan", logger: ScratchDatabase.logger)
                    for (index, statement) in statements.enumerated() {
                        let scans = try await Self.genericPlanScans(statement.sql, arguments: statement.arguments, name: "plan_check_\(index)", on: connection)
                        #expect(!scans.isEmpty, "\(statement.name): no scan in its generic plan")
                        let whole = scans.filter { !Self.isKeyLookup($0) }
                        #expect(whole.isEmpty, "\(statement.name) reads in its generic plan: \(whole)")
                    }
                    // The check itself: a statement that reads the whole ledger is seen to.
                    let control = try await Self.genericPlanScans(
                        "SELECT count(*) FROM ledger_entries WHERE ledger_id = $1 AND event_type = $2", arguments: "\(ledgerID), 'message.received'",
                        name: "plan_check_control", on: connection)
                    #expect(control.contains { $0.relation == "ledger_entries" && !Self.isKeyLookup($0) }, "\(control)")
                }
            }
        }
    }

    typealias Scan = (node: String, relation: String, index: String?, condition: String)

    /// The scans of `sql`'s generic plan for `arguments` (explained, not run: two are UPDATEs).
    static func genericPlanScans(_ sql: String, arguments: String, name: String, on connection: PostgresConnection) async throws -> [Scan] {
        try await connection.perform(PostgresQuery(unsafeSQL: "PREPARE \(name) AS \(sql)"), logger: ScratchDatabase.logger)
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) EXECUTE \(name)(\(arguments))"), logger: ScratchDatabase.logger
        ).collect()
        // EXPLAIN's column is json, whose binary form is its text.
        let text = String(buffer: try #require(rows.first).decode(ByteBuffer.self))
        return scans(try JSONValue.parse(Array(text.utf8)))
    }

    /// Whether `scan` reads a table of ``keyed`` through one of its indexes, bounded by a key
    /// column (any other table may be read as the planner likes).
    static func isKeyLookup(_ scan: Scan) -> Bool {
        guard let allowed = keyed[scan.relation] else { return true }
        return scan.index.map(allowed.indexes.contains) == true && allowed.bounds.contains { scan.condition.contains($0) }
    }

    /// Every node of a JSON plan that reads a relation: its type, relation, index and index
    /// condition. A bitmap heap scan reads through the bitmap index scans below it: their index
    /// when they share one (nil for a combination of indexes), and their conditions.
    static func scans(_ plan: JSONValue) -> [Scan] {
        var found: [Scan] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .array(let items): items.forEach(visit)
            case .object(let fields):
                if case .string(let node)? = fields["Node Type"], case .string(let relation)? = fields["Relation Name"] {
                    var index = fields["Index Name"]?.string
                    var condition = fields["Index Cond"]?.string ?? ""
                    if node == "Bitmap Heap Scan" {
                        let below = bitmapIndexScans(fields["Plans"] ?? .null)
                        index = Set(below.map(\.index)).count == 1 ? below.first?.index : nil
                        condition = below.map(\.condition).joined(separator: " AND ")
                    }
                    found.append((node, relation, index, condition))
                }
                fields.values.forEach(visit)
            default: break
            }
        }
        visit(plan)
        return found
    }

    /// The bitmap index scans in `plans`: each one's index and condition.
    static func bitmapIndexScans(_ plans: JSONValue) -> [(index: String, condition: String)] {
        switch plans {
        case .array(let items): return items.flatMap(bitmapIndexScans)
        case .object(let fields):
            var scans: [(index: String, condition: String)] = []
            if fields["Node Type"] == .string("Bitmap Index Scan"), let index = fields["Index Name"]?.string {
                scans.append((index, fields["Index Cond"]?.string ?? ""))
            }
            return scans + bitmapIndexScans(fields["Plans"] ?? .null)
        default: return []
        }
    }
}
