public import Access
public import Classification

/// The caller of the `/v1` operation being answered, as the access control left it.
///
/// The generated operation handlers (``APIOperations``) see only the OpenAPI input, not the
/// HTTP server's context; what the access control decided (the caller, the grant, the access
/// note) reaches them through ``CurrentRequest``, set by `Server` for the rest of the request.
public struct RequestCaller: Sendable {
    /// The authenticated staff member; nil on a route that is not a staff route.
    public var principal: StaffPrincipal?
    /// The access granted for this request (action, break-glass, reason); nil off staff routes.
    public var grant: AccessGrant?
    /// What a content route showed, filled in by its handler and recorded as `access.viewed`.
    public let accessNote: AccessNote

    public init(principal: StaffPrincipal?, grant: AccessGrant?, accessNote: AccessNote) {
        self.principal = principal
        self.grant = grant
        self.accessNote = accessNote
    }

    /// The signed-in caller. - Throws: 401 when there is none.
    public func staff() throws -> StaffPrincipal {
        guard let principal else { throw ProblemDetails.unauthorized }
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

/// What the access control granted one request.
public struct AccessGrant: Sendable, Hashable {
    public var action: StaffAction
    /// Only the stated reason allowed it (admin break-glass).
    public var breakGlass: Bool
    /// `X-Recordkeeper-Access-Reason`, if given.
    public var reason: String?

    public init(action: StaffAction, breakGlass: Bool, reason: String?) {
        self.action = action
        self.breakGlass = breakGlass
        self.reason = reason
    }
}

/// The caller of the `/v1` operation being answered (``RequestCaller``), a task-local that
/// `Server` sets after its access control.
public enum CurrentRequest {
    /// The caller of the request being answered; nil outside a request.
    @TaskLocal public static var caller: RequestCaller?

    /// The caller of the request being answered.
    /// - Throws: 401 when there is none (a handler called outside a request).
    static func current() throws -> RequestCaller {
        guard let caller else { throw ProblemDetails.unauthorized }
        return caller
    }

    /// The signed-in caller. - Throws: 401 when there is none.
    static func staff() throws -> StaffPrincipal { try current().staff() }

    /// The conversations the caller may reach on this request. - Throws: 401 when there is no caller.
    static func scope() throws -> ConversationScope { try current().scope() }

    /// The highest data category the caller sees unmasked on this request (nil: no content).
    static var clearance: DataCategory? { caller?.clearance }

    /// What a content route showed, recorded as `access.viewed` by the access control.
    static func accessNote() throws -> AccessNote { try current().accessNote }
}
