import Foundation
import Ledger
import LedgerStore
import Messaging
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// What an outside review found (finding 15): the Graph access token went to whatever media URL
/// a signed webhook named. Now only the Graph API's own origin and the configured media hosts
/// (`lookaside.fbsbx.com` by default) are sent it; any other URL is never requested and the media
/// is recorded unavailable, `media_url_not_allowed`.
@Suite("Media URL allow-list")
struct MediaURLAllowListTests {
    @Test("a webhook naming a media URL on another server: no request reaches it, the media is recorded unavailable (media_url_not_allowed)")
    func foreignWebhookURL() async throws {
        try await TestGraphServer.with { graph in
            // Another server on the same loopback host, another port: it would serve the bytes to
            // anyone presenting the token, and counts every request it receives.
            try await TestGraphServer.with { other in
                let media = await other.register(bytes: randomMedia(4000))
                try await withMigratedDatabase { database in
                    try await database.withStore { _, store in
                        let pending = try await appendMediaMessage(media, store: store)
                        #expect(pending.webhookURL == other.downloadURL(for: media.id))
                        let service = MediaFetchService(
                            ledger: mediaLedger, source: ListPendingMediaSource([pending]), archiver: try mediaArchiver(graph), store: store,
                            logger: ScratchDatabase.logger)
                        let outcomes = try await service.runRound()
                        #expect(outcomes.count == 1)

                        #expect(await other.totalRequests() == 0, "the foreign URL was requested (with the token)")
                        #expect(await graph.totalRequests() == 0, "nothing else was asked either")
                        #expect(try await recordedEvents(MediaEvents.stored, store: store).isEmpty)
                        #expect(try await recordedEvents(MediaEvents.fetchFailed, store: store).isEmpty, "not retried: no retry can change it")
                        let unavailable = try await recordedEvents(MediaEvents.unavailable, store: store)
                        let event = try #require(unavailable.first)
                        #expect(unavailable.count == 1)
                        #expect(try jsonObject(event.entry.header)["reason"] as? String == "media_url_not_allowed")
                        #expect(try jsonObject(String(decoding: event.payload, as: UTF8.self))["reason"] as? String == "media_url_not_allowed")
                    }
                }
            }
        }
    }

    @Test("the Graph server's own URLs are still fetched (webhook URL and metadata URL)")
    func graphOriginAllowed() async throws {
        try await TestGraphServer.with { graph in
            let bytes = randomMedia(3000)
            let media = await graph.register(bytes: bytes)
            let client = try Self.client(graph)
            #expect(try await client.fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 1 << 20).bytes == bytes)
            #expect(try await client.fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20).bytes == bytes)
        }
    }

    static func client(_ graph: TestGraphServer) throws -> GraphMediaClient {
        GraphMediaClient(
            configuration: try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken), logger: ScratchDatabase.logger)
    }

    @Test("which URLs may be sent the token")
    func allowList() throws {
        let meta = try GraphAPIConfiguration(accessToken: "token")
        #expect(meta.mediaHosts == ["lookaside.fbsbx.com"])
        for allowed in [
            "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3",
            "https://LOOKASIDE.fbsbx.com/x", "https://cdn.lookaside.fbsbx.com/x", "https://graph.facebook.com/v23.0/123",
        ] {
            #expect(meta.allowsMediaDownload(from: allowed), "\(allowed)")
        }
        for refused in [
            "http://lookaside.fbsbx.com/x", "https://lookaside.fbsbx.com.evil.example/x", "https://evil-lookaside.fbsbx.com/x",
            "https://fbsbx.com/x", "https://example.org/x", "http://127.0.0.1:9999/steal", "https://graph.facebook.com:8443/v23.0/1",
            "not a url", "ftp://lookaside.fbsbx.com/x",
        ] {
            #expect(!meta.allowsMediaDownload(from: refused), "\(refused)")
        }
        // A plain-http Graph server on loopback (tests, a sidecar): its own origin only.
        let local = try GraphAPIConfiguration(baseURL: "http://127.0.0.1:8081/v23.0", accessToken: "token", mediaHosts: ["media.example.org"])
        #expect(local.allowsMediaDownload(from: "http://127.0.0.1:8081/download/1"))
        #expect(!local.allowsMediaDownload(from: "http://127.0.0.1:8082/download/1"))
        #expect(!local.allowsMediaDownload(from: "http://localhost:8081/download/1"))
        #expect(local.allowsMediaDownload(from: "https://media.example.org/1"))
        #expect(!local.allowsMediaDownload(from: "https://lookaside.fbsbx.com/1"), "a configured list replaces the default")
        #expect(throws: GraphConfigurationError.invalidMediaHost("https://x.example/")) {
            try GraphAPIConfiguration(accessToken: "token", mediaHosts: ["https://x.example/"])
        }
    }

    @Test("a download URL outside the list is refused without a request: media_url_not_allowed, not retryable")
    func downloadRefused() async throws {
        try await TestGraphServer.with { graph in
            try await TestGraphServer.with { other in
                let media = await other.register(bytes: randomMedia(1000))
                let client = try Self.client(graph)
                do {
                    _ = try await client.download(url: media.url, maxBytes: 1 << 20)
                    Issue.record("the foreign URL was downloaded")
                } catch let error as GraphError {
                    #expect(error.kind == .urlNotAllowed)
                    #expect(error.kind.rawValue == "media_url_not_allowed")
                    #expect(!error.isRetryable)
                    #expect(!error.description.contains(TestGraphServer.accessToken))
                }
                #expect(await other.totalRequests() == 0)
            }
        }
    }
}
