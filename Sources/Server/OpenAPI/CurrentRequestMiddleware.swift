import API
import Hummingbird

/// Makes the caller of the request (as the access control left the context) the
/// ``CurrentRequest`` of the rest of the request, where the `/v1` handlers read it. Added after
/// ``AccessControlMiddleware``.
struct CurrentRequestMiddleware: RouterMiddleware {
    typealias Context = RecordkeeperRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller = RequestCaller(principal: context.principal, grant: context.grant, accessNote: context.accessNote)
        return try await CurrentRequest.$caller.withValue(caller) {
            try await next(request, context)
        }
    }
}
