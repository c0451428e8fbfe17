public import Hummingbird

/// The request context of the recording proxy's routes: the parent's, plus the integration that
/// the bearer token authenticated (set by ``IntegrationAuthMiddleware``).
public struct GraphProxyContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated integration's name; empty until the middleware ran.
    public var integration: String = ""

    public init(context: RecordkeeperRequestContext) throws {
        self.coreContext = context.coreContext
    }
}
