import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import TestSupport
import Testing

@Suite("Media projection and the fetcher's queue", .timeLimit(.minutes(3)))
struct ProjectionMediaTests {
    typealias F = WhatsAppFixtures
    static let ledger = "main"

    @Test("a media message is due at once; a failed attempt defers it to its retry time; stored and unavailable leave the queue")
    func queue() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let citizen = FixtureCitizen(waID: "16505551234")
                let stream = F.stream(citizen)
                let receipts = try await store.append(
                    [
                        F.image("wamid.1", from: citizen, at: 100, mediaID: "media-1"),
                        F.image("wamid.2", from: citizen, at: 200, mediaID: "media-2"),
                        F.message("wamid.3", from: citizen, at: 300),
                        F.message(
                            "wamid.4", from: citizen, at: 400, type: "edit",
                            body: [
                                "original_message_id": "wamid.2",
                                "message": ["type": "document", "document": ["id": "media-4", "mime_type": "application/pdf", "sha256": "c2hh"]],
                            ],
                            mediaID: "media-4"),
                    ], to: Self.ledger)
                let runner = makeRunner(store)
                let queue = PendingMediaQueue(store: store)
                try await runner.catchUpAll()

                let due = try await queue.due(ledger: Self.ledger, now: F.time(1000), limit: 10)
                #expect(due.map(\.mediaID) == ["media-1", "media-2", "media-4"])
                let first = try #require(due.first)
                #expect(first.stream == stream)
                #expect(first.messagePosition == receipts[0].position)
                #expect(first.messageID == "wamid.1")
                #expect(first.mimeType == "image/jpeg")
                #expect(first.metaSHA256 == "V5OPpLD/gEG6Xjg0MbmQDLFgcKsL+j5LfY4ny/pZ4MY=")
                #expect(first.webhookURL?.hasPrefix("https://lookaside.fbsbx.com/") == true)
                #expect(first.attempts == 0 && first.lastAttemptAt == nil)
                #expect(due.last?.mimeType == "application/pdf")  // the edit's new media
                #expect(try await queue.due(ledger: Self.ledger, now: F.time(1000), limit: 1).count == 1)

                _ = try await store.append(
                    [
                        F.mediaFetchFailed("media-1", message: "wamid.1", stream: stream, attempt: 1, retryAt: 2000),
                        F.mediaFetchFailed("media-1", message: "wamid.1", stream: stream, attempt: 2, retryAt: 5000),
                        F.mediaOutcome("media-2", message: "wamid.2", position: receipts[1].position, stream: stream, stored: true),
                        F.mediaOutcome("media-4", message: "wamid.4", position: receipts[3].position, stream: stream, stored: false),
                    ], to: Self.ledger)
                try await runner.catchUpAll()

                #expect(try await queue.due(ledger: Self.ledger, now: F.time(4999), limit: 10).isEmpty)
                let retried = try await queue.due(ledger: Self.ledger, now: F.time(5000), limit: 10)
                #expect(retried.map(\.mediaID) == ["media-1"])
                #expect(retried.first?.attempts == 2)
                #expect(retried.first?.lastAttemptAt != nil)
                #expect(retried.first?.receivedAt == F.time(100), "the message's time: media ids expire 7 days after it")
                let lastErrors = try await client.query("SELECT last_error FROM media WHERE media_id = 'media-1'", logger: ScratchDatabase.logger)
                    .collect().map { try $0.decode(String?.self) }
                #expect(lastErrors == ["http_503"])
                let states = try await client.query("SELECT media_id, state FROM media ORDER BY media_id", logger: ScratchDatabase.logger)
                    .collect().map { try $0.decode((String, String).self) }
                #expect(states.map(\.1) == ["pending", "stored", "unavailable"])
            }
        }
    }

    @Test("selected reads skip other event types and open only the payloads asked for (stored media bytes stay unread)")
    func selectedReads() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { _, store in
                let citizen = FixtureCitizen(waID: "16505551234")
                let receipts = try await store.append(
                    [
                        F.image("wamid.1", from: citizen, at: 100, mediaID: "media-1"),
                        F.status("read", of: "wamid.0", to: citizen, at: 150),
                    ], to: Self.ledger)
                _ = try await store.append(
                    F.mediaOutcome("media-1", message: "wamid.1", position: receipts[0].position, stream: F.stream(citizen), stored: true),
                    to: Self.ledger)
                let ledger = try await store.ledger(named: Self.ledger, create: false)
                let projection = MediaProjection()
                let records = try await store.selectedRecords(
                    ledger: ledger, after: 0, through: 3, eventTypes: projection.eventTypes, payloadTypes: projection.payloadTypes, limit: 10)
                #expect(records.map(\.entry.fields.eventType) == ["whatsapp.message.received", "whatsapp.media.stored"])
                guard case .bytes(let message) = records[0].payload else {
                    Issue.record("the message payload was not opened")
                    return
                }
                #expect(String(decoding: message, as: UTF8.self).contains("media-1"))
                #expect(records[1].payload == nil)
            }
        }
    }
}
