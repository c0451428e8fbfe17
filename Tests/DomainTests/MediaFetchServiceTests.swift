import Foundation
import Ledger
import LedgerStore
import Messaging
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The fetch service: rounds of due media, bounded concurrency, outcomes appended; woken early.
@Suite("Media fetch service")
struct MediaFetchServiceTests {
    @Test("one round archives every due media and appends each outcome")
    func round() async throws {
        try await TestGraphServer.with { graph in
            let ok = await graph.register(bytes: compressibleMedia(10_000))
            let missing = await graph.register(bytes: randomMedia(), behaviour: .notFound)
            let failing = await graph.register(bytes: randomMedia(), behaviour: .failing(times: 5))
            let another = await graph.register(bytes: randomMedia(2000))
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    var pending: [PendingMedia] = []
                    for media in [ok, missing, failing, another] { pending.append(try await appendMediaMessage(media, store: store)) }
                    let source = ListPendingMediaSource(pending)
                    let service = MediaFetchService(
                        ledger: mediaLedger, source: source, archiver: try mediaArchiver(graph), store: store, concurrency: 2,
                        logger: ScratchDatabase.logger
                    )
                    let outcomes = try await service.runRound()
                    #expect(outcomes.count == 4)
                    #expect(try await recordedEvents(MediaEvents.stored, store: store).count == 2)
                    #expect(try await recordedEvents(MediaEvents.unavailable, store: store).count == 1)
                    let failed = try await recordedEvents(MediaEvents.fetchFailed, store: store)
                    #expect(failed.map(\.entry.dedupeKey) == ["wa:media-try:\(failing.id):1"])
                }
            }
        }
    }

    @Test("the running service sleeps until woken, archives the new media, and stops when cancelled")
    func wake() async throws {
        try await TestGraphServer.with { graph in
            let original = randomMedia(3000)
            let media = await graph.register(bytes: original)
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let source = ListPendingMediaSource()
                    let service = MediaFetchService(
                        ledger: mediaLedger, source: source, archiver: try mediaArchiver(graph), store: store, pollInterval: .seconds(3600),
                        logger: ScratchDatabase.logger
                    )
                    let running = Task { try await service.run() }
                    // The first round finds nothing; the next would be an hour later unless woken.
                    try await eventually("the service's first round did not run", interval: .milliseconds(20)) { await source.calls > 0 }
                    await source.add(try await appendMediaMessage(media, store: store))
                    service.wake()

                    var stored: [(entry: EntryFields, payload: [UInt8])] = []
                    try await eventually("woken, the service did not archive the media", timeout: .seconds(30), interval: .milliseconds(20)) {
                        stored = try await recordedEvents(MediaEvents.stored, store: store)
                        return !stored.isEmpty
                    }
                    running.cancel()
                    try await running.value
                    let event = try #require(stored.first, "woken, the service archived the media")
                    #expect(try StoredMedia(payload: event.payload).bytes == original)
                }
            }
        }
    }
}
