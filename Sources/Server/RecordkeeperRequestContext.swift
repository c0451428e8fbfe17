public import Hummingbird
public import NIOCore

/// The request context of every Recordkeeper route: Hummingbird's core context plus the
/// connection's remote address (recorded with rejected webhook deliveries).
public struct RecordkeeperRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Meta's webhooks can be 3 MB; the webhook route reads with its own, explicit limit.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
