public import Hummingbird
import Logging

/// The server did not report a listening port.
public struct LoopbackServerDidNotStart: Error, CustomStringConvertible {
    public var label: String
    public var description: String { "the \(label) test server did not start" }
}

/// Runs `router` on 127.0.0.1 (a port of the system's choosing) while `body` runs, handing it
/// the port; stops the server when `body` returns or throws. Quiet: cancelling a server at the
/// end of a test would otherwise log an error.
public func withLoopbackServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, label: String, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw LoopbackServerDidNotStart(label: label)
        }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
