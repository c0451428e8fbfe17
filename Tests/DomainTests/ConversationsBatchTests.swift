import Foundation
import LedgerStore
import Logging
import Messaging
import PostgresNIO
import TestSupport
import Testing

/// The conversations projection applies a batch set-based (issue 17): a few statements per
/// batch, and exactly the rows the per-entry statements gave (``PerEntryConversationsProjection``).
@Suite("Conversations projection, set-based batches", .timeLimit(.minutes(10)))
struct ConversationsBatchTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"

    /// The entries of the mix (`RK_CONVERSATIONS_MIX` overrides it, e.g. 10000 to measure).
    static var mixSize: Int { ProcessInfo.processInfo.environment["RK_CONVERSATIONS_MIX"].flatMap(Int.init) ?? 1_500 }

    @Test("a randomized mix gives exactly the per-entry rows, in batches of 500, 37 and 1", arguments: [UInt64(17), 2026])
    func sameRowsAsPerEntry(seed: UInt64) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let events = ConversationMix.events(count: Self.mixSize, seed: seed)
                for start in stride(from: 0, to: events.count, by: 500) {
                    _ = try await store.append(Array(events[start..<min(start + 500, events.count)]), to: Self.ledger)
                }
                let perEntry = try await Self.rebuild(PerEntryConversationsProjection(), batchSize: 500, store: store, client: client)
                let expected = try await dumpConversations(client)
                // The mix reaches every rule: merges, statuses before messages, failures, skipped entries.
                #expect(expected.filter { $0.hasPrefix("conversation_streams ") }.count > expected.filter { $0.hasPrefix("conversations ") }.count)
                #expect(expected.contains { $0.hasPrefix("conversation_messages ") && $0.contains("\"status\":\"failed\"") && $0.contains("131026") })
                #expect(expected.contains { $0.hasPrefix("conversation_messages ") && $0.contains("\"status\":\"held_for_quality_assessment\"") })
                #expect(expected.contains { $0.hasPrefix("conversation_messages ") && $0.contains("\"direction\":\"outbound\",\"message_type\":\"text\"") })
                #expect(expected.contains { $0.contains("\"status\":\"deleted\"") })

                let batched = try await Self.rebuild(ConversationsProjection(), batchSize: 500, store: store, client: client)
                #expect(try await dumpConversations(client) == expected)
                print(
                    "conversations mix of \(events.count) events (seed \(seed)): per-entry apply \(perEntry.milliseconds) ms,"
                        + " set-based apply \(batched.milliseconds) ms (debug build, batches of 500)")

                for batchSize in [37, 1] where batchSize > 1 || events.count <= 2_000 {
                    _ = try await Self.rebuild(ConversationsProjection(), batchSize: batchSize, store: store, client: client)
                    let rows = try await dumpConversations(client)
                    #expect(rows == expected, "batches of \(batchSize): \(firstDifference(rows, expected))")
                }
            }
        }
    }

    @Test("applied live, batch after batch as entries arrive, the rows equal the per-entry rebuild")
    func liveEqualsPerEntry() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let events = ConversationMix.events(count: 900, seed: 99)
                let runner = ProjectionRunner(store: store, projections: [ConversationsProjection()], batchSize: 64, logger: ScratchDatabase.logger)
                for start in stride(from: 0, to: events.count, by: 45) {
                    _ = try await store.append(Array(events[start..<min(start + 45, events.count)]), to: Self.ledger)
                    if start % 90 == 0 { try await runner.catchUpAll() }
                }
                try await runner.catchUpAll()
                let live = try await dumpConversations(client)
                _ = try await Self.rebuild(PerEntryConversationsProjection(), batchSize: 500, store: store, client: client)
                let perEntry = try await dumpConversations(client)
                #expect(live == perEntry, "\(firstDifference(live, perEntry))")
            }
        }
    }

    @Test("a batch of the common kind costs the same few statements for 50 entries as for 500")
    func statementsDoNotGrowWithTheBatch() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                var counts: [Int: Int] = [:]
                for rounds in [5, 50] {
                    let ledger = "rounds-\(rounds)"
                    let counter = StatementCounter()
                    let projection = ConversationsProjection(counting: counter)
                    let runner = ProjectionRunner(store: store, projections: [projection], batchSize: 500, logger: ScratchDatabase.logger)
                    // A first batch: the citizens who write often are known before the measured one.
                    _ = try await store.append((0..<3).flatMap { Self.commonRound($0) }, to: ledger)
                    _ = try await runner.catchUp(projection, ledger: ledger)
                    let before = counter.count
                    _ = try await store.append((3..<3 + rounds).flatMap { Self.commonRound($0) }, to: ledger)
                    let progress = try await runner.catchUp(projection, ledger: ledger)
                    #expect(progress.applied == rounds * 10)
                    counts[rounds * 10] = counter.count - before
                }
                // Reads: links, messages, statuses, conversations; writes: conversations, streams,
                // identities, new messages, statuses (no merge, no outcome of an earlier batch).
                #expect(counts[50] == 9, "statements for a batch of 50: \(counts)")
                #expect(counts[500] == counts[50], "statements for a batch of 500: \(counts)")
                let messages = try await scalar(client, "SELECT count(*)::int8 FROM conversation_messages", as: Int64.self)
                #expect(messages == Int64((3 + 5 + 3 + 50) * 5))
            }
        }
    }

    @Test("an outcome in a later batch updates its request's row read from the table: one more statement")
    func outcomeOfAnEarlierBatch() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let counter = StatementCounter()
                let projection = ConversationsProjection(counting: counter)
                let runner = ProjectionRunner(store: store, projections: [projection], logger: ScratchDatabase.logger)
                let citizen = FixtureCitizen(waID: "15550001111")
                let sent = F.sent("wamid.late", to: citizen, at: 10, text: "hello")
                _ = try await store.append(sent[0], to: Self.ledger)
                try await runner.catchUpAll()
                _ = try await store.append([sent[1], F.status("delivered", of: "wamid.late", to: citizen, at: 12)], to: Self.ledger)
                let before = counter.count
                try await runner.catchUpAll()
                // Reads: links, messages, statuses, conversations; writes: the conversation, the
                // message read, the status.
                #expect(counter.count - before == 7)
                let rows = try await client.query(
                    "SELECT message_id, status FROM conversation_messages WHERE request_id = 'req-wamid.late'", logger: ScratchDatabase.logger
                ).collect()
                let (messageID, status) = try #require(rows.first).decode((String, String).self)
                #expect(messageID == "wamid.late" && status == "delivered")
            }
        }
    }

    /// Ten entries: a new citizen writes twice, a citizen who writes often writes again, a send
    /// to the new citizen is accepted and its statuses arrive, a second send fails.
    static func commonRound(_ round: Int) -> [NewEvent] {
        let base = Int64(round * 100)
        let new = FixtureCitizen(waID: "1555200\(1000 + round)")
        let often = FixtureCitizen(waID: "1555300\(1000 + round % 3)")
        let failed = failedSend("req-fail-\(round)", to: new, at: base + 9)
        return [
            F.message("wamid.c.\(round).1", from: new, at: base + 1),
            F.message("wamid.c.\(round).2", from: new, at: base + 2),
            F.message("wamid.c.\(round).3", from: often, at: base + 3),
        ] + F.sent("wamid.c.\(round).4", to: new, at: base + 4, text: "reply") + [
            F.status("sent", of: "wamid.c.\(round).4", to: new, at: base + 5),
            F.status("delivered", of: "wamid.c.\(round).4", to: new, at: base + 6),
            F.status("read", of: "wamid.c.\(round).4", to: new, at: base + 7),
        ] + failed
    }

    /// `message.send.requested` then `message.send.failed` (Meta's error 131026).
    static func failedSend(_ request: String, to citizen: FixtureCitizen, at seconds: Int64) -> [NewEvent] {
        let stream = F.stream(citizen)
        let common =
            "\"citizen\":{\"wa_id\":\"\(citizen.waID ?? "")\"},\"kind\":\"text\",\"phone_number_id\":\"\(F.phoneNumberID)\",\"request_id\":\"\(request)\""
        return [
            NewEvent(
                stream: stream, eventType: "message.send.requested", occurredAt: F.time(seconds), actor: "agent:test", dedupeKey: "send:req:\(request)",
                header: "{\(common),\"direction\":\"outbound\",\"v\":1,\"via\":\"api\"}", payload: Array("{}".utf8)),
            NewEvent(
                stream: stream, eventType: "message.send.failed", occurredAt: F.time(seconds), actor: "agent:test", dedupeKey: "send:outcome:\(request)",
                header: "{\(common),\"attempt\":1,\"error_code\":131026,\"reason\":\"refused\",\"request_position\":0,\"v\":1}", payload: Array("{}".utf8)),
        ]
    }

    /// Resets the conversations rows and replays the whole ledger through `projection`.
    static func rebuild(
        _ projection: any Projection, batchSize: Int, store: LedgerStore, client: PostgresClient
    ) async throws -> Duration {
        let runner = ProjectionRunner(store: store, projections: [projection], batchSize: batchSize, logger: ScratchDatabase.logger)
        // A marker in the server's statement log, to count each rebuild's statements there.
        let marker = "rk-measure: \(type(of: projection)) batches of \(batchSize)"
        try await client.perform("SELECT \(marker)::text", logger: ScratchDatabase.logger)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await runner.rebuild(projection, ledger: ledger)
        return clock.now - start
    }
}

/// Every row of the conversations projection's five tables, ordered, one line each.
func dumpConversations(_ client: PostgresClient) async throws -> [String] {
    try await dumpProjections(client).filter { $0.hasPrefix("conversation") }
}

/// Where two dumps first differ, for a failure message.
func firstDifference(_ a: [String], _ b: [String]) -> String {
    guard let index = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) else { return "counts \(a.count) and \(b.count)" }
    return "row \(index): \(a[index]) vs \(b[index])"
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
