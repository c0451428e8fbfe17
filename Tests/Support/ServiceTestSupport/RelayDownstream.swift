import Foundation
package import HTTPTypes
import Hummingbird
import LoopbackHTTP
import NIOConcurrencyHelpers
import NIOCore

/// An existing webhook app on loopback, as the relay sees it: it records every POST (exact
/// bytes, signature, content type) and answers `failStatus` to the first `failFirst` of them,
/// 200 after that.
package final class RelayDownstream: Sendable {
    package struct Received: Sendable {
        package var body: [UInt8]
        package var signature: String?
        package var contentType: String?
        package var answered: Int
    }

    private let received = NIOLockedValueBox<[Received]>([])
    private let failuresLeft: NIOLockedValueBox<Int>
    package let failStatus: HTTPResponse.Status

    package init(failFirst: Int = 0, failStatus: HTTPResponse.Status = .internalServerError) {
        failuresLeft = NIOLockedValueBox(failFirst)
        self.failStatus = failStatus
    }

    /// Every POST received, in order.
    package var posts: [Received] { received.withLockedValue { $0 } }
    /// The POSTs answered 200.
    package var accepted: [Received] { posts.filter { $0.answered == 200 } }

    /// Runs the app on a free port while `body` runs; `body` gets its webhook URL.
    package func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/webhook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 8 << 20)
            let fail = self.failuresLeft.withLockedValue { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            let status: HTTPResponse.Status = fail ? self.failStatus : .ok
            self.received.withLockedValue {
                $0.append(
                    Received(
                        body: Array(buffer.readableBytesView), signature: request.headers[HTTPField.Name("X-Hub-Signature-256")!],
                        contentType: request.headers[.contentType], answered: Int(status.code)))
            }
            return Response(status: status, body: .init(byteBuffer: ByteBuffer(string: fail ? "downstream is down" : "EVENT_RECEIVED")))
        }
        return try await withLoopbackServer(router, label: "relay-downstream") { port in
            try await body("http://127.0.0.1:\(port)/webhook")
        }
    }
}
