import Foundation
import Hummingbird
import LoopbackHTTP
import NIOCore

/// A real HTTP Time-Stamp Authority on 127.0.0.1 (an ephemeral port) whose answers come from
/// `openssl ts -reply`, plus endpoints that misbehave the ways a TSA or a proxy can.
public struct LocalTSA: Sendable {
    public let pki: LocalPKI
    public let port: Int

    /// Grants SHA-256 requests.
    public var url: String { endpoint("tsr") }
    /// Answers with a rejection (it accepts SHA-512 imprints only).
    public var rejectingURL: String { endpoint("reject") }
    /// Answers HTTP 500.
    public var failingURL: String { endpoint("fail") }
    /// Answers 200 `application/timestamp-reply` with bytes that are not a response.
    public var garbageURL: String { endpoint("garbage") }
    /// Answers 200 with an HTML page.
    public var htmlURL: String { endpoint("html") }
    /// Answers every query with a granted response made for another query (digest ``replayedDigest``).
    public var replayURL: String { endpoint("replay") }
    /// Answers after three seconds.
    public var slowURL: String { endpoint("slow") }

    /// The digest of the query that ``replayURL`` always answers.
    public static let replayedDigest = [UInt8](repeating: 0xab, count: 32)

    public func endpoint(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Creates the PKI, serves until `body` returns, then stops the server and removes the files.
    public static func with<T: Sendable>(_ body: (LocalTSA) async throws -> T) async throws -> T {
        let pki = try await LocalPKI.create()
        defer { pki.remove() }
        let replayQuery = pki.file("replayed.tsq")
        try await OpenSSLCommand.check(
            ["ts", "-query", "-digest", hex(replayedDigest), "-sha256", "-cert", "-out", replayQuery.path], in: pki.directory
        )
        let replayed = try await pki.reply(to: Array(try Data(contentsOf: replayQuery)), config: pki.grantingConfig)

        let router = Router()
        router.post("tsr") { request, _ -> Response in
            let query = try await request.body.collect(upTo: 64 * 1024)
            return reply(try await pki.reply(to: Array(query.readableBytesView), config: pki.grantingConfig))
        }
        router.post("reject") { request, _ -> Response in
            let query = try await request.body.collect(upTo: 64 * 1024)
            return reply(try await pki.reply(to: Array(query.readableBytesView), config: pki.rejectingConfig))
        }
        router.post("fail") { _, _ -> Response in
            Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "the TSA is down for maintenance")))
        }
        router.post("garbage") { _, _ -> Response in
            reply(Array("this is not DER at all".utf8))
        }
        router.post("html") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>login</html>"))
            )
        }
        router.post("replay") { _, _ -> Response in
            reply(replayed)
        }
        router.post("slow") { _, _ -> Response in
            try await Task.sleep(for: .seconds(3))
            return reply(replayed)
        }

        return try await withLoopbackServer(router, label: "local-tsa") { port in
            try await body(LocalTSA(pki: pki, port: port))
        }
    }

    private static func reply(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/timestamp-reply"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// Lower-case hexadecimal.
public func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
