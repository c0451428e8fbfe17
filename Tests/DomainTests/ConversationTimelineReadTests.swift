import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import TestSupport
import Testing

@testable import Messaging

/// The timeline read (`GET /v1/conversations/{id}/messages` and the web conversation page):
/// a page costs the same few statements whatever its size, and shows what reading each
/// message's entry on its own shows — available, destroyed, sealed or unavailable.
@Suite("Conversation timeline read", .timeLimit(.minutes(3)))
struct ConversationTimelineReadTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"
    static let few = FixtureCitizen(waID: "16505550001")
    static let many = FixtureCitizen(waID: "16505550002")

    /// Two mixed timelines (an old inbound message whose month's data key is destroyed, inbound
    /// messages, a reply requested through the API): `few` with 5 messages, `many` with 43, one of
    /// whose payloads is then deleted without authorisation and one of whose entries is removed.
    /// - Returns: the position of the `record.destroyed` entry, and the two tampered positions.
    static func seed(_ db: ScratchDatabase) async throws -> (destruction: Int64, missingPayload: Int64, missingEntry: Int64) {
        let positions: (destruction: Int64, missingPayload: Int64, missingEntry: Int64) = try await db.withStore { client, store in
            var keys: [Int64] = []
            for (citizen, count) in [(few, 2), (many, 40)] {
                var events = [F.message("wamid.\(citizen.key).old", from: citizen, at: -40 * 86_400, body: ["body": "an old question"])]
                for index in 1...count {
                    events.append(F.message("wamid.\(citizen.key).\(index)", from: citizen, at: Int64(index) * 10, body: ["body": "question \(index)"]))
                }
                events += F.sent("wamid.\(citizen.key).reply", to: citizen, at: 1_000, text: "your permit is ready")
                events.append(F.message("wamid.\(citizen.key).thanks", from: citizen, at: 1_100, body: ["body": "thanks"]))
                _ = try await store.append(events, to: Self.ledger)
                let key = try await scalar(
                    client, "SELECT id FROM data_keys WHERE stream = \(F.stream(citizen)) AND period = '2025-09'", as: Int64.self)
                keys.append(try #require(key))
            }
            let destruction = try await store.append(
                NewEvent(
                    stream: "retention", eventType: "record.destroyed", actor: "records-officer",
                    header: #"{"data_key_ids":[\#(keys.map(String.init).joined(separator: ","))]}"#, payload: []), to: Self.ledger)
            for key in keys {
                _ = try await client.query("SELECT rk_destroy_data_key(\(key), \(destruction.position))", logger: testLogger).collect()
            }
            try await makeRunner(store).catchUpAll()
            let missingPayload = try #require(
                try await scalar(client, "SELECT position FROM conversation_messages WHERE message_id = 'wamid.p:16505550002.7'", as: Int64.self))
            let missingEntry = try #require(
                try await scalar(client, "SELECT position FROM conversation_messages WHERE message_id = 'wamid.p:16505550002.9'", as: Int64.self))
            return (destruction.position, missingPayload, missingEntry)
        }
        try await db.asSuperuser { client in
            try await client.withTransaction(logger: testLogger) { connection in
                for statement in [
                    "ALTER TABLE ledger_payloads DISABLE TRIGGER ALL", "ALTER TABLE ledger_entries DISABLE TRIGGER ALL",
                    "DELETE FROM ledger_payloads WHERE position IN (\(positions.missingPayload), \(positions.missingEntry))",
                    "DELETE FROM ledger_entries WHERE position = \(positions.missingEntry)",
                    "ALTER TABLE ledger_payloads ENABLE TRIGGER ALL", "ALTER TABLE ledger_entries ENABLE TRIGGER ALL",
                ] {
                    try await connection.perform(PostgresQuery(unsafeSQL: statement), logger: testLogger)
                }
            }
        }
        return positions
    }

    /// Runs `body` with a store (with `masterKey`) whose every statement goes through `proxy`.
    static func withCountedStore<T: Sendable>(
        _ db: ScratchDatabase, masterKey: MasterKey?, _ body: (StatementCountingProxy, LedgerStore) async throws -> T
    ) async throws -> T {
        try await StatementCountingProxy.with(to: db.service) { proxy in
            try await ScratchDatabase.withClient(proxy.url(for: db.service)) { client in
                try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: testLogger) { store in
                    try await body(proxy, store)
                }
            }
        }
    }

    /// What reading each item's entry on its own shows (the read a timeline made per message
    /// before its page was read in one statement).
    static func oneByOne(_ items: [TimelineItem], store: LedgerStore) async throws -> [MessageContent] {
        var contents: [MessageContent] = []
        for item in items {
            contents.append(ConversationQueries.content(of: try await store.record(ledger: ledger, position: item.position), position: item.position))
        }
        return contents
    }

    @Test("a page of 5 or of 43 mixed messages costs the same two statements, and shows what one read per message shows")
    func fixedStatementsPerPage() async throws {
        try await withMigratedDatabase { db in
            let (destruction, missingPayload, missingEntry) = try await Self.seed(db)
            try await Self.withCountedStore(db, masterKey: ScratchDatabase.masterKey) { proxy, store in
                let queries = ConversationQueries(store: store)
                var counts: [Int] = []
                for citizen in [Self.few, Self.many] {
                    // Once to load the ledger's id and the data keys, then counted.
                    _ = try await queries.messages(ledger: Self.ledger, conversation: F.stream(citizen))
                    let (page, statements) = try await proxy.statementsSent {
                        try await queries.messages(ledger: Self.ledger, conversation: F.stream(citizen))
                    }
                    let items = try #require(page).items
                    counts.append(statements.count)
                    #expect(statements.count == 2, "\(statements)")
                    #expect(items.count == (citizen.key == Self.few.key ? 5 : 43))
                    #expect(items.map(\.content) == (try await Self.oneByOne(items, store: store)))

                    let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.messageID, $0) })
                    let old = try #require(byID["wamid.\(citizen.key).old"])
                    #expect(old.content == .destroyed(authorisedBy: destruction))
                    let first = try #require(byID["wamid.\(citizen.key).1"])
                    #expect(try Self.json(first.content, "text") == .object(["body": .string("question 1")]))
                    #expect(try Self.profile(first.content)?["name"] == .string("Sheena Nelson"))
                    let reply = try #require(byID["wamid.\(citizen.key).reply"])
                    #expect(reply.direction == "outbound")
                    guard case .available(let body, nil) = reply.content else {
                        Issue.record("the reply shows \(reply.content)")
                        continue
                    }
                    #expect(body["text"] == .object(["body": .string("your permit is ready")]))
                }
                #expect(counts[0] == counts[1])

                let items = try #require(try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.many))).items
                let content = Dictionary(uniqueKeysWithValues: items.map { ($0.position, $0.content) })
                #expect(content[missingPayload] == .unavailable("the payload is missing and no destruction event authorises its removal"))
                #expect(content[missingEntry] == .unavailable("no entry at position \(missingEntry)"))
            }
        }
    }

    @Test("without the master key every stored payload shows sealed, a destroyed one destroyed, as one read per message shows")
    func sealedWithoutMasterKey() async throws {
        try await withMigratedDatabase { db in
            let (destruction, _, _) = try await Self.seed(db)
            try await Self.withCountedStore(db, masterKey: nil) { proxy, store in
                let queries = ConversationQueries(store: store)
                _ = try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.many))
                let (page, statements) = try await proxy.statementsSent {
                    try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.many))
                }
                let items = try #require(page).items
                #expect(statements.count == 2, "\(statements)")
                #expect(items.map(\.content) == (try await Self.oneByOne(items, store: store)))
                #expect(items.filter { $0.content == .sealed }.count == 40)
                #expect(items.first?.content == .destroyed(authorisedBy: destruction))
            }
        }
    }

    @Test("paging keeps its order and cursor; a bad cursor is refused only for a conversation that exists")
    func pagingAndCursors() async throws {
        try await withMigratedDatabase { db in
            _ = try await Self.seed(db)
            try await db.withStore { _, store in
                let queries = ConversationQueries(store: store)
                let whole = try #require(try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.many), limit: 200))
                #expect(whole.nextCursor == nil)
                var paged: [TimelineItem] = []
                var cursor: String?
                repeat {
                    let page = try #require(try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.many), limit: 10, cursor: cursor))
                    #expect(page.items.count <= 10)
                    paged += page.items
                    cursor = page.nextCursor
                } while cursor != nil && paged.count < 100
                #expect(paged == whole.items)

                let past = try #require(
                    try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.few), cursor: OpaqueToken.cursor(kind: "messages", ["999999"])))
                #expect(past.items.isEmpty && past.nextCursor == nil)
                #expect(try await queries.messages(ledger: Self.ledger, conversation: "wa/1/p:404", cursor: "not-a-cursor") == nil)
                await #expect(throws: ConversationQueryError.invalidCursor) {
                    try await queries.messages(ledger: Self.ledger, conversation: F.stream(Self.few), cursor: "not-a-cursor")
                }
            }
        }
    }

    @Test("a conversation's detail is one statement on every read, with its streams, keys and message count")
    func detailInOneStatement() async throws {
        try await withMigratedDatabase { db in
            _ = try await Self.seed(db)
            let stored = try await db.withStore { client, _ in
                try await scalar(
                    client, "SELECT count(*)::int8 FROM conversation_messages WHERE conversation_id = \(F.stream(Self.many))", as: Int64.self)
            }
            try await Self.withCountedStore(db, masterKey: ScratchDatabase.masterKey) { proxy, store in
                let queries = ConversationQueries(store: store)
                _ = try await queries.conversation(ledger: Self.ledger, id: F.stream(Self.few))
                // Each read, the first included, is one statement.
                for _ in 1...3 {
                    let (detail, statements) = try await proxy.statementsSent {
                        try await queries.conversation(ledger: Self.ledger, id: F.stream(Self.many))
                    }
                    #expect(statements.count == 1, "\(statements)")
                    let found = try #require(detail)
                    #expect(found.streams == [F.stream(Self.many)])
                    #expect(found.citizenKeys == ["p:16505550002"])
                    #expect(found.summary.messageCount == stored)
                }
                let (none, statements) = try await proxy.statementsSent {
                    try await queries.conversation(ledger: Self.ledger, id: "wa/1/p:404")
                }
                #expect(none == nil)
                #expect(statements.count == 1, "\(statements)")
            }
        }
    }

    /// The `type` object of an available message.
    static func json(_ content: MessageContent, _ type: String) throws -> JSONValue {
        guard case .available(let message, _) = content, let value = message[type] else { throw TestSetupError("not an available \(type) message: \(content)") }
        return value
    }

    /// The profile an available message shows.
    static func profile(_ content: MessageContent) throws -> JSONValue? {
        guard case .available(_, let profile) = content else { throw TestSetupError("not an available message: \(content)") }
        return profile
    }
}
