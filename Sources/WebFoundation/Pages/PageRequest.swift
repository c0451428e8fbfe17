public import Access
public import Hummingbird

/// Who is looking at a page and where: what the layout needs (the signed-in user for the
/// header and navigation, the token of the sign-out form, the current path).
public struct PageFrame: Sendable {
    /// The signed-in user; nil on the sign-in page and before authentication.
    public var principal: StaffPrincipal?
    /// The `_csrf` value of this page's forms.
    public var csrfToken: String
    /// The request's path (the navigation marks the current page).
    public var path: String
}

/// A request admitted by the gate (``PageGate``): what a page handler works with.
public struct PageRequest: Sendable {
    public let request: Request
    public let frame: PageFrame
    /// The session's secret (the `rk_session` cookie); nil on open pages.
    package let session: String?
    /// The posted form (empty for `GET`); its `_csrf` has been checked.
    public let form: FormBody
    /// The route's path parameters (`{id}` of `/conversations/{id}`), percent-decoded.
    package var parameters: [String: String] = [:]

    /// The signed-in user.
    /// - Throws: 500 on a page the table lists as open (a handler that needs a user must be a staff page).
    public func staff() throws(PageError) -> StaffPrincipal {
        guard let principal = frame.principal else { throw PageError.internalError }
        return principal
    }

    /// A path parameter of the route (`id` of `/conversations/{id}`); nil when absent or empty.
    public func parameter(_ name: String) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return value
    }

    /// A path parameter of the route; the 404 page when it is absent or empty.
    package func requiredParameter(_ name: String) throws(PageError) -> String {
        guard let value = parameter(name) else { throw PageError.notFound }
        return value
    }

    /// A query parameter, percent-decoded; nil when absent or empty.
    public func query(_ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}
