import Foundation
import NIOCore
import Testing

@testable import WhatsApp

/// Meta's sha256 text in either form, and Graph error bodies.
@Suite("Graph media digests and error bodies")
struct GraphDigestAndErrorTests {
    /// SHA-256("abc") (FIPS 180-2).
    static let abcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test("base64 (padded, unpadded, URL-safe) and hex (either case) give the same digest")
    func forms() throws {
        let expected = MediaDigest(of: Array("abc".utf8))
        #expect(expected.hex == Self.abcHex)
        let base64 = expected.base64
        #expect(base64 == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        for text in [
            base64, String(base64.dropLast()), base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"),
            Self.abcHex, Self.abcHex.uppercased(), " \(Self.abcHex)\n",
        ] {
            #expect(try MediaDigest(metaText: text) == expected, "\(text)")
        }
        #expect(expected.matches(Array("abc".utf8)))
        #expect(!expected.matches(Array("abd".utf8)))
    }

    @Test("text that is neither is refused", arguments: ["", "not a digest", String(Self.abcHex.dropLast()), "YWJj"])
    func malformed(text: String) {
        #expect(throws: MediaDigestError.self) { try MediaDigest(metaText: text) }
    }

    @Test("Meta's documented rate-limit error body parses and classifies as rate limited")
    func rateLimitBody() throws {
        let body = Array(
            #"""
            {"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
              "error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},
              "error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}
            """#.utf8)
        let parsed = try #require(GraphErrorBody(json: body))
        #expect(
            parsed
                == GraphErrorBody(
                    message: "(#130429) Rate limit hit", type: "OAuthException", code: 130429, subcode: 2494055, fbtraceID: "Az8or2yhqkZfEZ-_4Qn_Bam"))
        #expect(GraphErrorClassifier.kind(status: 400, graph: parsed, isDownload: false) == .rateLimited)
    }

    @Test(
        "statuses and codes map to kinds",
        arguments: [
            (400, 190 as Int?, nil as Int?, GraphError.Kind.unauthorized),
            (401, nil, nil, .unauthorized),
            (403, 10, nil, .forbidden),
            (429, nil, nil, .rateLimited),
            (400, 4, nil, .rateLimited),
            (400, 100, 33, .notFound),
            (400, 100, nil, .rejected),
            (503, nil, nil, .serverError),
            (410, nil, nil, .expired),
        ])
    func classification(status: Int, code: Int?, subcode: Int?, expected: GraphError.Kind) {
        let graph = code.map { GraphErrorBody(code: $0, subcode: subcode) }
        #expect(GraphErrorClassifier.kind(status: status, graph: graph, isDownload: false) == expected)
    }

    @Test("Retry-After is kept for a rate-limited answer")
    func retryAfter() {
        let error = GraphErrorClassifier.error(status: 429, body: .init(), retryAfter: "120", operation: "media metadata for 1", isDownload: false)
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(120))
        #expect(error.isRetryable)
    }

    @Test("a body that is not a Graph error gives no error object")
    func notAGraphError() {
        #expect(GraphErrorBody(json: Array("<html>502 Bad Gateway</html>".utf8)) == nil)
        #expect(GraphErrorBody(json: Array(#"{"data":[]}"#.utf8)) == nil)
    }
}
