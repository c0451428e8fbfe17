public import API
public import Access
public import Classification
public import Hummingbird
public import NIOCore

/// The request context of every Recordkeeper route: Hummingbird's core context, the
/// connection's remote address (recorded with rejected webhook deliveries), and what the
/// access control decided (``AccessControlMiddleware``).
public struct RecordkeeperRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection.
    public let remoteAddress: SocketAddress?
    /// The authenticated staff member of a staff route; nil on open, webhook and proxy routes.
    public var principal: StaffPrincipal?
    /// The access granted for this request (action, break-glass, reason); nil off staff routes.
    public var grant: AccessGrant?
    /// What a content route showed, filled in by its handler and recorded as `access.viewed`.
    public let accessNote = AccessNote()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Meta's webhooks can be 3 MB; the webhook route reads with its own, explicit limit.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }

    /// The signed-in caller of a staff route.
    /// - Throws: 401 when there is none (a route the access table does not list as staff).
    public func staff() throws -> StaffPrincipal {
        guard let principal else { throw Unauthorized() }
        return principal
    }

    /// The conversations the caller may reach on this request: what the roles that allow the
    /// granted action cover (``AccessPolicy/scope(of:for:breakGlass:)``).
    /// - Throws: 401 when there is no caller.
    public func scope() throws -> ConversationScope {
        let principal = try staff()
        guard let grant else { return .teams([]) }
        return principal.scope(for: grant.action, breakGlass: grant.breakGlass)
    }

    /// The highest data category the caller sees unmasked on this request (nil: no content).
    public var clearance: DataCategory? {
        principal?.clearance(breakGlass: grant?.breakGlass ?? false)
    }
}
