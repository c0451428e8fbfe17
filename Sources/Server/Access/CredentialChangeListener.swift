public import Access
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Keeps the process's ``CredentialWatch`` listening for changed credentials
/// (`rk_credentials_changed`, migration 0028), as a service of the application's service group,
/// until graceful shutdown. While it is not listening, the credential caches serve nothing.
public struct CredentialChangeListener: Service {
    let watch: CredentialWatch
    let client: PostgresClient
    let logger: Logger

    /// - Parameters:
    ///   - watch: the watch the process's credential caches share.
    ///   - client: the database client it leases its listening connection from.
    public init(watch: CredentialWatch, client: PostgresClient, logger: Logger) {
        self.watch = watch
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await watch.listen(client: client, logger: logger) }
    }
}
