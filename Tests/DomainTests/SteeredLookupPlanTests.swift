import Foundation
import KeyLookups
import NIOCore
import PostgresNIO
import RecordkeeperCore
import TestSupport
import Testing

@testable import LedgerStore
@testable import Messaging

/// The reads of the key-lookup pool (``KeyLookupPool``) keep the generic plan made on a
/// connection's first call, until the tables' statistics are refreshed. Each must therefore reach
/// every table through an index bound on all its key columns: a plan that read a table by
/// `ledger_id` alone would read the whole ledger on every call once it had grown
/// (docs/benchmarks.md, "Prepared reads"). On tables without statistics every index costs the
/// same to PostgreSQL and it picks any, so those reads are kept only once the tables have
/// statistics; this checks both: the gate, and each statement's generic plan under the pool's
/// session settings on an analysed database.
@Suite("Key lookups: kept plans reach every table through a bound index", .timeLimit(.minutes(5)))
struct SteeredLookupPlanTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"

    /// The indexes each table may be read through, and the columns each index must be bound on.
    static let allowed: [String: [String: [String]]] = [
        "ledger_entries": ["ledger_entries_pkey": ["ledger_id", "position"], "ledger_entries_stream": ["ledger_id", "stream", "position"]],
        "ledger_payloads": ["ledger_payloads_pkey": ["ledger_id", "position"]],
        "payload_destructions": ["payload_destructions_pkey": ["ledger_id", "position"]],
        "conversations": ["conversations_pkey": ["ledger_id", "id"]],
        "conversation_streams": [
            "conversation_streams_pkey": ["ledger_id", "stream"], "conversation_streams_conversation": ["ledger_id", "conversation_id"],
        ],
        "conversation_identities": ["conversation_identities_conversation": ["ledger_id", "conversation_id"]],
        "conversation_messages": ["conversation_messages_timeline": ["ledger_id", "conversation_id"]],
        "message_classifications": ["message_classifications_pkey": ["ledger_id", "message_position"]],
    ]

    @Test("the timeline page, its entries and a conversation's detail and summary are kept only on analysed tables, and read them by bound indexes")
    func keptPlansUseBoundIndexes() async throws {
        try await withMigratedDatabase { db in
            let ledgerID = try await db.withStore { _, store in try await store.ledger(named: Self.ledger).id }
            let statements: [(name: String, sql: String, arguments: String)] = [
                ("timeline page", TimelinePageStatement.sql, "\(ledgerID), 'c1', 0, 51"),
                ("entries of streams", EntriesOfStreamsStatement.sql, "\(ledgerID), ARRAY[1, 2]::int8[], ARRAY['s1', 's2']"),
                ("conversation detail", ConversationDetailStatement.sql, "\(ledgerID), 'c1'"),
                ("conversation summary", ConversationSummaryStatement.sql, "\(ledgerID), 'c1'"),
            ]
            func check(_ stage: String) async throws {
                try await db.asSuperuser { client in
                    try await client.withConnection { connection in
                        for setting in KeyLookupPool.sessionSettings {
                            try await connection.perform(
                                PostgresQuery(unsafeSQL: "SET \(setting.name) = \(setting.value)"), logger: ScratchDatabase.logger)
                        }
                        for (index, statement) in statements.enumerated() {
                            let scans = try await PreparedStatementPlanTests.genericPlanScans(
                                statement.sql, arguments: statement.arguments, name: "lookup_\(index)", on: connection)
                            #expect(!scans.isEmpty, "\(stage), \(statement.name): no scan in its generic plan")
                            let unbound = scans.filter { !Self.isBoundLookup($0) }
                            #expect(unbound.isEmpty, "\(stage), \(statement.name) reads in its generic plan: \(unbound)")
                        }
                        // The check itself: a read by ledger alone is caught, steered or not.
                        let control = try await PreparedStatementPlanTests.genericPlanScans(
                            "SELECT count(*) FROM ledger_entries WHERE ledger_id = $1 AND event_type = $2", arguments: "\(ledgerID), 'x'",
                            name: "lookup_control", on: connection)
                        #expect(control.contains { !Self.isBoundLookup($0) }, "\(stage): \(control)")
                    }
                }
            }

            try await db.withStore { client, store in
                for batch in stride(from: 0, to: 400, by: 100) {
                    var events: [NewEvent] = []
                    for index in batch..<(batch + 100) {
                        let citizen = FixtureCitizen(waID: "1650555\(String(format: "%04d", index))")
                        for message in 1...5 {
                            events.append(
                                F.message("wamid.\(index).\(message)", from: citizen, at: Int64(message * 10), body: ["body": "question \(message)"]))
                        }
                    }
                    _ = try await store.append(events, to: Self.ledger)
                }
                try await makeRunner(store).catchUpAll()
                let pool = KeyLookupPool(client: client)
                #expect(await !pool.hasStatistics(ConversationDetailStatement.plannedOn, asking: client, logger: ScratchDatabase.logger), "never analysed")
            }
            try await db.executeAsSuperuser(["ANALYZE"])
            try await db.withStore { client, _ in
                let pool = KeyLookupPool(client: client)
                for tables in [TimelinePageStatement.plannedOn, EntriesOfStreamsStatement.plannedOn, ConversationDetailStatement.plannedOn] {
                    #expect(await pool.hasStatistics(tables, asking: client, logger: ScratchDatabase.logger), "\(tables) after ANALYZE")
                }
            }
            try await check("2,000 messages, analysed")

            // Through the pool, prepared, the reads answer what they answer planned on every call.
            let lookups = PostgresClient(
                configuration: KeyLookupPool.configuration(try db.service.clientConfiguration(maximumConnections: 1)), backgroundLogger: ScratchDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await lookups.run() }
                defer { group.cancelAll() }
                try await db.withStore { client, plain in
                    let kept = LedgerStore(
                        client: client, keyLookups: KeyLookupPool(client: lookups), masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                    #expect(await kept.keyLookups?.hasStatistics(ConversationDetailStatement.plannedOn, asking: client, logger: ScratchDatabase.logger) == true)
                    let streams = try await Self.strings(client, "SELECT stream FROM conversation_streams ORDER BY stream LIMIT 3")
                    #expect(streams.count == 3)
                    for stream in streams + ["no-such-conversation"] {
                        let (planned, prepared) = (ConversationQueries(store: plain), ConversationQueries(store: kept))
                        // Twice: the first call makes the plan, the second runs the one kept.
                        for _ in 1...2 {
                            let page = try await prepared.messages(ledger: Self.ledger, conversation: stream, limit: 3)
                            #expect(page?.items == (try await planned.messages(ledger: Self.ledger, conversation: stream, limit: 3))?.items)
                            #expect(stream == "no-such-conversation" || page?.items.count == 3)
                            let detail = try await prepared.conversation(ledger: Self.ledger, id: stream)
                            #expect(detail == (try await planned.conversation(ledger: Self.ledger, id: stream)))
                            #expect(try await prepared.summary(ledger: Self.ledger, id: stream) == detail?.summary)
                        }
                    }
                    // The pool's one connection holds them prepared, under its steered settings.
                    let held = try await Self.strings(lookups, "SELECT name FROM pg_prepared_statements")
                    let names = [
                        TimelinePageStatement.name, EntriesOfStreamsStatement.name, ConversationDetailStatement.name, ConversationSummaryStatement.name,
                    ]
                    #expect(Set(held).isSuperset(of: names), "\(held)")
                    let mode = try await Self.strings(lookups, "SELECT current_setting('plan_cache_mode')")
                    #expect(mode == ["force_generic_plan"])
                }
            }
        }
    }

    /// The one text column of `query`'s rows.
    static func strings(_ client: PostgresClient, _ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await client.query(query, logger: ScratchDatabase.logger).decode(String.self) { values.append(value) }
        return values
    }

    /// Whether `scan` reads its table through one of the indexes ``allowed`` for it, with a
    /// condition on every column that index must be bound on. Index conditions name the indexed
    /// column first, quoted when it is a keyword: `((ledger_id = $1) AND ("position" = w."position"))`.
    static func isBoundLookup(_ scan: PreparedStatementPlanTests.Scan) -> Bool {
        guard let index = scan.index, let columns = allowed[scan.relation]?[index] else { return false }
        return columns.allSatisfy { scan.condition.contains("(\($0) ") || scan.condition.contains("(\"\($0)\" ") }
    }
}
