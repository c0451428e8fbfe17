import Foundation
import Hummingbird
import LoopbackHTTP
import NIOConcurrencyHelpers
import NIOCore

/// A real HTTP server on loopback that records every POST it receives (a stand-in for a
/// witness or publication page that takes checkpoints), answering `status`.
package final class PostRecorder: Sendable {
    package struct Received: Sendable {
        package var path: String
        package var contentType: String?
        package var ledger: String?
        package var body: String
    }

    private let received = NIOLockedValueBox<[Received]>([])
    private let failuresLeft: NIOLockedValueBox<Int>

    /// - Parameter failFirst: answer 503 to this many POSTs before accepting.
    package init(failFirst: Int = 0) {
        failuresLeft = NIOLockedValueBox(failFirst)
    }

    package var posts: [Received] { received.withLockedValue { $0 } }

    /// Runs the server on a free port while `body` runs; `body` gets the base URL.
    package func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            if self.failuresLeft.withLockedValue({ left in
                defer { left = max(0, left - 1) }
                return left > 0
            }) {
                return Response(status: .serviceUnavailable)
            }
            self.received.withLockedValue {
                $0.append(
                    Received(
                        path: request.uri.path, contentType: request.headers[.contentType],
                        ledger: request.headers.first { $0.name.canonicalName == "recordkeeper-ledger" }?.value, body: String(buffer: buffer)))
            }
            return Response(status: .created)
        }
        return try await withLoopbackServer(router, label: "post-recorder") { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }
}
