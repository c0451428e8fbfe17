import TestGraphServer
import Testing
import WhatsApp

/// Each way a media fetch fails becomes a Graph error of its own kind.
@Suite("Graph media client: failures")
struct GraphMediaFailureTests {
    @Test("bytes that differ from Meta's sha256: hash mismatch, retryable, both digests named")
    func wrongHash() async throws {
        try await TestGraphServer.with { graph in
            let bytes = sampleMedia()
            let media = await graph.register(bytes: bytes, behaviour: .wrongHash)
            let error = await graphError {
                try await graphClient(graph).fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 1 << 20)
            }
            #expect(error?.kind == .hashMismatch)
            #expect(error?.isRetryable == true)
            #expect(error?.description.contains(MediaDigest(of: bytes).hex) == true)
            #expect(error?.description.contains(media.sha256Hex) == true)
        }
    }

    @Test("an unknown media id: not found, with Meta's error body, not retryable")
    func notFound() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: sampleMedia(), behaviour: .notFound)
            let error = await graphError { try await graphClient(graph).metadata(mediaID: media.id) }
            #expect(error?.kind == .notFound)
            #expect(error?.httpStatus == 404)
            #expect(error?.graphError?.code == 100)
            #expect(error?.graphError?.subcode == 33)
            #expect(error?.graphError?.fbtraceID == "AfakeTraceID0000")
            #expect(error?.isRetryable == false)
        }
    }

    @Test("metadata answers but the download is gone (410 or 404): expired, not retryable", arguments: [410, 404])
    func expired(status: Int) async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: sampleMedia(), behaviour: .expired(downloadStatus: status))
            let error = await graphError {
                try await graphClient(graph).fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 1 << 20)
            }
            #expect(error?.kind == .expired)
            #expect(error?.httpStatus == status)
            #expect(error?.isRetryable == false)
            #expect(await graph.requestCounts(for: media.id) == FakeMediaRequestCounts(metadata: 1, download: 2), "webhook url, then a fresh one")
        }
    }

    @Test("a server slower than the timeout: timeout, retryable")
    func slow() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: sampleMedia(), behaviour: .slow(.seconds(2)))
            let client = try graphClient(graph, requestTimeout: .milliseconds(300), downloadTimeout: .milliseconds(300))
            let error = await graphError { try await client.fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20) }
            #expect(error?.kind == .timeout)
            #expect(error?.isRetryable == true)
        }
    }

    @Test("media larger than allowed: too large, not retryable")
    func tooLarge() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: sampleMedia(10_000))
            let error = await graphError {
                try await graphClient(graph).fetch(mediaID: media.id, webhookURL: media.url, metaSHA256: media.sha256Base64, maxBytes: 9_999)
            }
            #expect(error?.kind == .tooLarge)
            #expect(error?.isRetryable == false)
        }
    }

    @Test("a wrong token: unauthorized (401, Graph code 190), and the token is in no message")
    func wrongToken() async throws {
        try await TestGraphServer.with { graph in
            let media = await graph.register(bytes: sampleMedia())
            let secret = "EAAG-not-the-right-token-0123456789"
            let client = try graphClient(graph, token: secret)
            let error = await graphError { try await client.fetch(mediaID: media.id, webhookURL: nil, metaSHA256: nil, maxBytes: 1 << 20) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.httpStatus == 401)
            #expect(error?.graphError?.code == 190)
            #expect(error?.isRetryable == true, "an operator can renew the token; the media must not be given up")
            #expect(await graph.requestCounts(for: media.id) == FakeMediaRequestCounts(metadata: 0, download: 0, unauthorized: 1))
            let texts = [error.map(String.init(describing:)), error.map { String(reflecting: $0) }, client.configuration.description]
            for text in texts { #expect(text?.contains(secret) == false) }
        }
    }

    @Test("a media id that would change the request path is refused without a request")
    func invalidMediaID() async throws {
        try await TestGraphServer.with { graph in
            let error = await graphError { try await graphClient(graph).metadata(mediaID: "../../me/accounts") }
            #expect(error?.kind == .invalidMediaID)
            #expect(await graph.totalRequests() == 0)
        }
    }
}
