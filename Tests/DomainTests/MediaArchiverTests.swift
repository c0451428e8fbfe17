import Foundation
import Ledger
import LedgerStore
import Messaging
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The archiver against the fake Graph API, its outcomes appended to a real PostgreSQL ledger
/// and read back.
@Suite("Media archiver")
struct MediaArchiverTests {
    @Test(
        "stored: the event reads back, its payload opens to the original bytes; compressible media as zstd, random as none",
        arguments: [true, false])
    func stored(compressible: Bool) async throws {
        try await TestGraphServer.with { graph in
            let original = compressible ? compressibleMedia() : randomMedia()
            let media = await graph.register(bytes: original, mimeType: "application/pdf")
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let pending = try await appendMediaMessage(media, store: store)
                    let outcome = try await mediaArchiver(graph).archive(pending)
                    let receipt = try await store.append(outcome.event, to: mediaLedger)
                    #expect(!receipt.alreadyRecorded)

                    let events = try await recordedEvents(MediaEvents.stored, store: store)
                    let event = try #require(events.first)
                    #expect(events.count == 1)
                    #expect(event.entry.position == receipt.position)
                    #expect(event.entry.stream == pending.stream)
                    #expect(event.entry.actor == "system:media-fetcher")
                    #expect(event.entry.dedupeKey == "wa:media:\(media.id)")
                    let header = try jsonObject(event.entry.header)
                    #expect(header["v"] as? Int == 1)
                    #expect(header["message_id"] as? String == pending.messageID)
                    #expect(header["media_id"] as? String == media.id)
                    #expect((header["message_position"] as? NSNumber)?.int64Value == pending.messagePosition)
                    #expect(header["size"] as? Int == original.count, "the header names the original's size")

                    let opened = try StoredMedia(payload: event.payload)
                    #expect(opened.bytes == original)
                    #expect(opened.metadata.sha256 == MediaDigest(of: original).hex)
                    #expect(opened.metadata.metaSHA256 == media.sha256Base64)
                    #expect(opened.metadata.mimeType == "application/pdf")
                    #expect(opened.metadata.messageID == pending.messageID)
                    #expect(opened.metadata.compression == (compressible ? .zstd : .none))
                    #expect(outcome.result == .stored(size: original.count, storedSize: opened.metadata.storedSize, compression: opened.metadata.compression))
                }
            }
        }
    }

    @Test("a wrong hash is a fetch_failed attempt with its retry time; on the third attempt the media is unavailable")
    func wrongHash() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: randomMedia(), behaviour: .wrongHash)
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let now = LedgerTimestamp.now()
                    let first = try await appendMediaMessage(media, store: store)
                    let failed = try await mediaArchiver(graph).archive(first, now: now)
                    _ = try await store.append(failed.event, to: mediaLedger)
                    let retryAt = LedgerTimestamp(microseconds: now.microseconds + 30_000_000)
                    #expect(failed.result == .fetchFailed(attempt: 1, reason: "hash_mismatch", retryAt: retryAt))

                    let events = try await recordedEvents(MediaEvents.fetchFailed, store: store)
                    let event = try #require(events.first)
                    #expect(event.entry.dedupeKey == "wa:media-try:\(media.id):1")
                    let header = try jsonObject(event.entry.header)
                    #expect(header["attempt"] as? Int == 1)
                    #expect(header["reason"] as? String == "hash_mismatch")
                    #expect((header["retry_at_us"] as? NSNumber)?.int64Value == retryAt.microseconds)
                    let payload = try jsonObject(String(decoding: event.payload, as: UTF8.self))
                    #expect(payload["v"] as? Int == 1)
                    #expect(payload["attempt"] as? Int == 1)
                    #expect((payload["error"] as? String)?.contains("SHA-256") == true)

                    var third = first
                    third.attempts = 2
                    let givenUp = try await mediaArchiver(graph).archive(third, now: now)
                    #expect(givenUp.result == .unavailable(.hashMismatch, attempts: 3))
                    #expect(givenUp.event.eventType == MediaEvents.unavailable)
                    #expect(try await recordedEvents(MediaEvents.stored, store: store).isEmpty)
                }
            }
        }
    }

    @Test("a media id Meta does not know (404) is unavailable at once: not_found")
    func notFound() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: randomMedia(), behaviour: .notFound)
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let pending = try await appendMediaMessage(media, store: store, webhookURL: false)
                    let outcome = try await mediaArchiver(graph).archive(pending)
                    _ = try await store.append(outcome.event, to: mediaLedger)
                    #expect(outcome.result == .unavailable(.notFound, attempts: 1))

                    let event = try #require(try await recordedEvents(MediaEvents.unavailable, store: store).first)
                    #expect(event.entry.dedupeKey == "wa:media:\(media.id)")
                    let header = try jsonObject(event.entry.header)
                    #expect(header["reason"] as? String == "not_found")
                    #expect((header["message_position"] as? NSNumber)?.int64Value == pending.messagePosition)
                    let payload = try jsonObject(String(decoding: event.payload, as: UTF8.self))
                    #expect(payload["attempts"] as? Int == 1)
                    #expect(payload["reason"] as? String == "not_found")
                }
            }
        }
    }

    @Test("download gone although metadata answers: unavailable, expired")
    func goneAtMeta() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: randomMedia(), behaviour: .expired(downloadStatus: 410))
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let pending = try await appendMediaMessage(media, store: store)
                    let outcome = try await mediaArchiver(graph).archive(pending)
                    #expect(outcome.result == .unavailable(.expired, attempts: 1))
                    _ = try await store.append(outcome.event, to: mediaLedger)
                    #expect(try await recordedEvents(MediaEvents.unavailable, store: store).count == 1)
                }
            }
        }
    }

    @Test("a message older than 7 days: unavailable (expired) without asking Meta")
    func olderThanSevenDays() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: randomMedia())
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let eightDaysAgo = LedgerTimestamp(microseconds: LedgerTimestamp.now().microseconds - 8 * 86_400 * 1_000_000)
                    let pending = try await appendMediaMessage(media, store: store, receivedAt: eightDaysAgo, attempts: 4)
                    let outcome = try await mediaArchiver(graph).archive(pending)
                    #expect(outcome.result == .unavailable(.expired, attempts: 4))
                    #expect(await graph.totalRequests() == 0)
                }
            }
        }
    }

    @Test("a server slower than the timeout: fetch_failed (timeout) with the retry time")
    func slow() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: randomMedia(), behaviour: .slow(.seconds(2)))
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let now = LedgerTimestamp.now()
                    var pending = try await appendMediaMessage(media, store: store)
                    pending.attempts = 1
                    let outcome = try await mediaArchiver(graph, timeout: .milliseconds(300)).archive(pending, now: now)
                    #expect(
                        outcome.result == .fetchFailed(attempt: 2, reason: "timeout", retryAt: LedgerTimestamp(microseconds: now.microseconds + 120_000_000)))
                    _ = try await store.append(outcome.event, to: mediaLedger)
                    let event = try #require(try await recordedEvents(MediaEvents.fetchFailed, store: store).first)
                    #expect(event.entry.dedupeKey == "wa:media-try:\(media.id):2")
                }
            }
        }
    }

    @Test("archiving the same media twice records one outcome")
    func dedupe() async throws {
        try await TestGraphServer.with { graph in
            let original = compressibleMedia(30_000)
            let media = await graph.register(bytes: original)
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let pending = try await appendMediaMessage(media, store: store)
                    let archiver = try mediaArchiver(graph)
                    let first = try await store.append(try await archiver.archive(pending).event, to: mediaLedger)
                    let second = try await store.append(try await archiver.archive(pending).event, to: mediaLedger)
                    #expect(!first.alreadyRecorded)
                    #expect(second.alreadyRecorded)
                    #expect(second.position == first.position)
                    #expect(try await recordedEvents(MediaEvents.stored, store: store).count == 1)
                    #expect(try await store.head(of: try await store.ledger(named: mediaLedger)).position == first.position)
                }
            }
        }
    }
}
