import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import TestSupport
import Testing

@Suite("Conversations projection", .timeLimit(.minutes(3)))
struct ConversationsProjectionTests {
    typealias F = WhatsAppFixtures
    static let sheena = FixtureCitizen(waID: "16505551234")
    static let ledger = "main"

    @Test("inbound messages of several types make one conversation with counts, times, identity and a timeline")
    func inboundMessages() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(
                    [
                        F.message("wamid.A", from: Self.sheena, at: 100),
                        F.image("wamid.B", from: Self.sheena, at: 200, mediaID: "media-1"),
                        F.message("wamid.C", from: Self.sheena, at: 300, type: "location", body: ["latitude": 47.6, "longitude": -122.3]),
                    ], to: Self.ledger)
                try await makeRunner(store).catchUpAll()

                let page = try await ConversationQueries(store: store).conversations(ledger: Self.ledger)
                let conversation = try #require(page.items.first)
                #expect(page.items.count == 1)
                #expect(conversation.id == "wa/\(F.phoneNumberID)/p:16505551234")
                #expect(conversation.messageCount == 3)
                #expect(conversation.waID == "16505551234")
                #expect(conversation.userID == nil)
                #expect(conversation.profileName == "Sheena Nelson")
                #expect(conversation.displayPhoneNumber == F.displayPhoneNumber)
                #expect(conversation.firstMessageAt == F.time(100).date)
                #expect(conversation.lastMessageAt == F.time(300).date)
                #expect(conversation.lastInboundAt == F.time(300).date)

                let timeline = try #require(try await ConversationQueries(store: store).messages(ledger: Self.ledger, conversation: conversation.id))
                #expect(timeline.items.map(\.messageID) == ["wamid.A", "wamid.B", "wamid.C"])
                #expect(timeline.items.map(\.messageType) == ["text", "image", "location"])
                #expect(timeline.items.allSatisfy { $0.direction == "inbound" && $0.status == nil })
                _ = client
            }
        }
    }

    @Test("statuses never downgrade whatever their order; failed loses only to later-ranked ones; early statuses wait for their message")
    func statuses() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let c = Self.sheena
                _ = try await store.append(
                    [
                        F.message("wamid.in", from: c, at: 10)
                    ] + F.sent("wamid.A", to: c, at: 20, text: "your permit is ready") + [
                        F.status("read", of: "wamid.A", to: c, at: 40),
                        F.status("delivered", of: "wamid.A", to: c, at: 30),  // late: read implies delivered
                        F.status("sent", of: "wamid.A", to: c, at: 21),
                    ] + F.sent("wamid.B", to: c, at: 50, text: "b") + [
                        F.status("failed", of: "wamid.B", to: c, at: 52),
                        F.status("sent", of: "wamid.B", to: c, at: 51),  // late sent: still failed
                    ] + F.sent("wamid.C", to: c, at: 60, text: "c") + [
                        F.status("delivered", of: "wamid.C", to: c, at: 61),
                        F.status("failed", of: "wamid.C", to: c, at: 62),  // delivered proves it arrived
                        F.status("delivered", of: "wamid.D", to: c, at: 71),  // before its message is recorded
                    ], to: Self.ledger)
                let runner = makeRunner(store, batchSize: 3)
                try await runner.catchUpAll()
                _ = try await store.append(F.sent("wamid.D", to: c, at: 70, text: "d"), to: Self.ledger)
                try await runner.catchUpAll()

                let queries = ConversationQueries(store: store)
                let id = try #require(try await queries.conversations(ledger: Self.ledger).items.first?.id)
                let items = try #require(try await queries.messages(ledger: Self.ledger, conversation: id)).items
                let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.messageID, $0) })
                #expect(byID["wamid.in"]?.status == nil)
                #expect(byID["wamid.A"]?.status == "read")
                #expect(byID["wamid.A"]?.statusAt == F.time(40).date)
                #expect(byID["wamid.B"]?.status == "failed")
                #expect(byID["wamid.C"]?.status == "delivered")
                #expect(byID["wamid.D"]?.status == "delivered")
                #expect(byID["wamid.D"]?.direction == "outbound")
                #expect(items.map(\.messageID) == ["wamid.in", "wamid.A", "wamid.B", "wamid.C", "wamid.D"])
                // Only inbound messages open the 24-hour window.
                let conversation = try #require(try await queries.conversation(ledger: Self.ledger, id: id))
                #expect(conversation.summary.lastInboundAt == F.time(10).date)
                #expect(conversation.summary.lastMessageAt == F.time(70).date)
                #expect(conversation.summary.messageCount == 5)
                _ = client
            }
        }
    }

    @Test("the status rank: sent < failed < delivered < read < played; unknown statuses rank lowest")
    func statusRanks() {
        let order = ["unknown-future-status", "sent", "failed", "delivered", "read", "played"].map(DeliveryStatus.rank(of:))
        #expect(order == order.sorted())
        #expect(Set(order).count == order.count)
    }

    @Test("a status naming both BSUID and wa_id links the phone and BSUID streams into one conversation, keeping the first stream as id")
    func identityLink() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let byPhone = FixtureCitizen(waID: "16505551234")
                let byBSUID = FixtureCitizen(userID: "US.13491208655302741918")
                let both = FixtureCitizen(userID: "US.13491208655302741918", waID: "16505551234")
                let other = FixtureCitizen(waID: "16505550000")
                _ = try await store.append(
                    [
                        F.message("wamid.1", from: byPhone, at: 100),
                        F.message("wamid.x", from: other, at: 150, profileName: "Someone Else"),
                        F.message("wamid.2", from: byBSUID, at: 200, profileName: "Sheena N."),
                    ], to: Self.ledger)
                let runner = makeRunner(store)
                try await runner.catchUpAll()
                let queries = ConversationQueries(store: store)
                #expect(try await queries.conversations(ledger: Self.ledger).items.count == 3)

                _ = try await store.append(
                    [] + F.sent("wamid.out", to: byBSUID, at: 250, text: "hi") + [
                        F.status("delivered", of: "wamid.out", to: both, at: 260)
                    ], to: Self.ledger)
                try await runner.catchUpAll()

                let items = try await queries.conversations(ledger: Self.ledger).items
                #expect(items.count == 2)
                let phoneStream = F.stream(byPhone)
                let merged = try #require(try await queries.conversation(ledger: Self.ledger, id: phoneStream))
                #expect(merged.summary.id == phoneStream)
                #expect(merged.streams == [phoneStream, F.stream(byBSUID)])
                #expect(Set(merged.citizenKeys) == ["p:16505551234", "u:US.13491208655302741918"])
                #expect(merged.summary.messageCount == 3)
                #expect(merged.summary.userID == "US.13491208655302741918")
                #expect(merged.summary.waID == "16505551234")
                #expect(merged.summary.profileName == "Sheena Nelson")  // the newest name seen: the status's contact
                // The BSUID stream now resolves to the merged conversation, with the whole timeline.
                let timeline = try #require(try await queries.messages(ledger: Self.ledger, conversation: F.stream(byBSUID)))
                #expect(timeline.items.map(\.messageID) == ["wamid.1", "wamid.2", "wamid.out"])
                #expect(timeline.items.last?.status == "delivered")
                // A later message by phone number alone joins the same conversation.
                _ = try await store.append(F.message("wamid.3", from: byPhone, at: 300), to: Self.ledger)
                try await runner.catchUpAll()
                #expect(try await queries.conversation(ledger: Self.ledger, id: phoneStream)?.summary.messageCount == 4)
                _ = client
            }
        }
    }

    @Test("projection tables hold no message content: bodies, captions and payload text stay in the encrypted ledger")
    func noContentInProjections() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await store.append(
                    [
                        F.message("wamid.s", from: Self.sheena, at: 10, body: ["body": "my case number is SECRET-4711"])
                    ] + F.sent("wamid.r", to: Self.sheena, at: 20, text: "reply SECRET-4712") + [
                        F.image("wamid.i", from: Self.sheena, at: 30, mediaID: "m-1")
                    ], to: Self.ledger)
                try await makeRunner(store).catchUpAll()
                let dump = try await dumpProjections(client).joined(separator: "\n")
                #expect(dump.contains("wamid.s"))
                #expect(!dump.contains("SECRET-47"))
                #expect(!dump.contains("body"))
            }
        }
    }
}
