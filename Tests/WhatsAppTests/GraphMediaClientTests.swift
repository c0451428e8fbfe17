import TestGraphServer
import Testing
import WhatsApp

/// The media client against the fake Graph API: the paths that end with bytes.
@Suite("Graph media client: fetching")
struct GraphMediaClientTests {
    @Test("metadata answers url, mime type, sha256, size (a string) and id")
    func metadata() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia(1234)
            let media = await graph.register(bytes: bytes, mimeType: "image/png")
            let metadata = try await graphClient(graph).metadata(mediaID: media.id)
            #expect(metadata == MediaMetadata(id: media.id, url: media.url, mimeType: "image/png", sha256: media.sha256Base64, fileSize: 1234))
        }
    }

    @Test("with the webhook's url: one download, no metadata request, hash checked")
    func webhookURL() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes)
            let fetched = try await graphClient(graph).fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 1 << 20)
            #expect(fetched.bytes == bytes)
            #expect(fetched.usedWebhookURL)
            #expect(fetched.metaSHA256 == media.sha256Base64)
            #expect(fetched.digest == MediaDigest(of: bytes))
            #expect(await graph.requestCounts(for: media.id) == FakeMediaRequestCounts(metadata: 0, download: 1))
        }
    }

    @Test("without a webhook url: metadata, then download; Meta's hash from the metadata is checked")
    func viaMetadata() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes, mimeType: "audio/ogg")
            let fetched = try await graphClient(graph).fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20)
            #expect(fetched.bytes == bytes)
            #expect(!fetched.usedWebhookURL)
            #expect(fetched.metaSHA256 == media.sha256Base64)
            #expect(fetched.mimeType == "audio/ogg")
            #expect(await graph.requestCounts(for: media.id) == FakeMediaRequestCounts(metadata: 1, download: 1))
        }
    }

    @Test("a stale webhook url (404) falls back to the metadata for a fresh one")
    func staleWebhookURL() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes)
            let stale = graph.downloadURL(for: "no-longer-served")
            let fetched = try await graphClient(graph).fetch(mediaID: media.id, webhookURL: stale, metaSHA256: media.sha256Base64, maxBytes: 1 << 20)
            #expect(fetched.bytes == bytes)
            #expect(!fetched.usedWebhookURL)
            #expect(await graph.requestCounts(for: media.id) == FakeMediaRequestCounts(metadata: 1, download: 1))
        }
    }

    @Test("Meta's old hex sha256 is accepted like base64")
    func hexDigest() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes)
            let fetched = try await graphClient(graph).fetch(
                mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Hex.uppercased(), maxBytes: 1 << 20)
            #expect(fetched.bytes == bytes)
        }
    }

    @Test("a redirected download is followed with the bearer token (same origin)")
    func redirect() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes, behaviour: .redirected)
            let fetched = try await graphClient(graph).fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 1 << 20)
            #expect(fetched.bytes == bytes)
            #expect(await graph.requestCounts(for: media.id).download == 2, "the redirect and its target")
        }
    }

    @Test("500 twice, then the third try succeeds")
    func failingThenOK() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes, behaviour: .failing(times: 2))
            let client = try graphClient(graph)
            for _ in 1...2 {
                let error = await graphError { try await client.fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20) }
                #expect(error?.kind == .serverError)
                #expect(error?.httpStatus == 500)
                #expect(error?.graphError?.code == 1)
                #expect(error?.isRetryable == true)
            }
            #expect(try await client.fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20).bytes == bytes)
        }
    }
}
