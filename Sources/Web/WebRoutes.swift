import Foundation
import HTTPTypes
public import Hummingbird
import WebAdminPages
public import WebFoundation
import WebRecordsPages
import WebTeamPages

/// The module `Server` mounts: every page route (this module's sign-in, home and account, and
/// the area modules' pages), registered through the gate (`notFoundMiddleware()`, the HTML 404,
/// is `WebFoundation`'s).
///
/// Adding a page: see `Sources/Web/README.md`.
extension WebApplication {
    /// Every page route: method, path template (Hummingbird's `:name` parameters) and handler.
    /// Each must have its entry in ``WebPages/table``.
    package var routes: [PageRoute] {
        [
            PageRoute(.get, "/signin", { try await self.signInForm($0) }),
            PageRoute(.post, "/signin", { try await self.signIn($0) }),
            PageRoute(.post, "/signout", { try await self.signOut($0) }),
            PageRoute(.get, "/", { try await self.home($0) }),
            PageRoute(.get, "/account", { try await self.account($0) }),
            PageRoute(.post, "/account/password", { try await self.changePassword($0) }),
            PageRoute(.post, "/account/totp", { try await self.reenrollTOTP($0) }),
        ] + teamRoutes + recordsRoutes + adminRoutes
    }

    /// Adds the pages and the static files to `router`, each page through the gate.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let gate = self.gate
        for route in routes {
            let key = route.key
            let handler = route.handler
            let names = route.parameterNames
            let multipartLimit = route.multipartLimit
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                var parameters: [String: String] = [:]
                for name in names { parameters[name] = context.parameters.get(name).flatMap { $0.removingPercentEncoding } }
                return await gate.serve(request, route: key, parameters: parameters, multipartLimit: multipartLimit, handler: handler)
            }
        }
        resources.assets.register(on: router)
    }
}
