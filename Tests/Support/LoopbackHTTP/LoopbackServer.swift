public import Hummingbird
import Logging
import ServiceLifecycle

/// The server did not report a listening port.
public struct LoopbackServerDidNotStart: Error, CustomStringConvertible {
    public var label: String
    public var description: String { "the \(label) test server did not start" }
}

/// Runs `router` on 127.0.0.1 (a port of the system's choosing) while `body` runs, handing it
/// the port; then shuts the server down gracefully, whether `body` returned or threw.
///
/// Graceful, not by cancellation: a connection that a client (a retrying fetcher, a pool's
/// keep-alive) opens while a cancelled Hummingbird server is going away trips a NIO
/// precondition ("Deinited NIOAsyncWriter without calling finish()") and crashes the test
/// process. Quiet: the server's own logs are dropped.
public func withLoopbackServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, label: String, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let logger = Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
    let app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger
    )
    let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await services.triggerGracefulShutdown()
            throw LoopbackServerDidNotStart(label: label)
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        try? await group.waitForAll()
        return try result.get()
    }
}
