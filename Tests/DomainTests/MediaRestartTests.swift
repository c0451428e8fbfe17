import Foundation
import Ledger
import LedgerStore
import Messaging
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The media fetcher keeps nothing in memory that the ledger does not hold: after a restart, a
/// media whose first attempt failed is retried when its recorded retry time comes, and stored.
@Suite("Media fetching across a restart")
struct MediaRestartTests {
    @Test("a failed attempt is remembered by the ledger: a new process retries it on time and stores it")
    func survivesRestart() async throws {
        try await TestGraphServer.with { graph in
            let original = compressibleMedia(8_000)
            let media = await graph.register(bytes: original, behaviour: .failing(times: 1))
            let start = LedgerTimestamp.now()
            try await withMigratedDatabase { database in
                // The first process: the message, one failed attempt, then it stops.
                try await database.withStore { _, store in
                    _ = try await store.append(try Self.imageMessage(media, at: start), to: mediaLedger)
                    try await makeRunner(store).catchUpAll()
                    let service = MediaFetchService(
                        ledger: mediaLedger, source: PendingMediaQueue(store: store), archiver: try mediaArchiver(graph), store: store,
                        logger: ScratchDatabase.logger)
                    let outcomes = try await service.runRound(now: { start })
                    #expect(outcomes.count == 1)
                    #expect(try await recordedEvents(MediaEvents.fetchFailed, store: store).count == 1)
                }
                // A new process: its queue comes from the ledger alone.
                try await database.withStore { _, store in
                    let runner = makeRunner(store)
                    try await runner.catchUpAll()
                    let queue = PendingMediaQueue(store: store)
                    let early = LedgerTimestamp(microseconds: start.microseconds + 10_000_000)
                    #expect(try await queue.due(ledger: mediaLedger, now: early, limit: 10).isEmpty, "not before its retry time")
                    let onTime = LedgerTimestamp(microseconds: start.microseconds + 31_000_000)
                    let due = try await queue.due(ledger: mediaLedger, now: onTime, limit: 10)
                    #expect(due.map(\.mediaID) == [media.id])
                    #expect(due.first?.attempts == 1)
                    #expect(due.first?.receivedAt == LedgerTimestamp(microseconds: start.microseconds / 1_000_000 * 1_000_000))

                    let service = MediaFetchService(
                        ledger: mediaLedger, source: queue, archiver: try mediaArchiver(graph), store: store, logger: ScratchDatabase.logger)
                    _ = try await service.runRound(now: { onTime })
                    let stored = try await recordedEvents(MediaEvents.stored, store: store)
                    #expect(stored.count == 1)
                    #expect(try StoredMedia(payload: try #require(stored.first).payload).bytes == original)
                    try await runner.catchUpAll()
                    #expect(try await queue.due(ledger: mediaLedger, now: onTime, limit: 10).isEmpty, "stored: no longer pending")
                }
            }
        }
    }

    /// The events ingest makes of a webhook delivery with an image message carrying `media`.
    static func imageMessage(_ media: RegisteredMedia, at time: LedgerTimestamp) throws -> [NewEvent] {
        let seconds = time.microseconds / 1_000_000
        let body = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1029","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"1065"},
            "contacts":[{"profile":{"name":"Robin"},"wa_id":"16505557777"}],
            "messages":[{"from":"16505557777","id":"wamid.restart-1","timestamp":"\#(seconds)","type":"image",
            "image":{"id":"\#(media.id)","mime_type":"\#(media.mimeType)","sha256":"\#(media.sha256Base64)","url":"\#(media.url)"}}]}}]}]}
            """#
        let bytes = Array(body.utf8)
        return try WhatsAppIngest(ledger: mediaLedger).events(
            for: try WebhookDelivery.parse(bytes), body: bytes, app: "default", contentType: "application/json", receivedAt: time)
    }
}
