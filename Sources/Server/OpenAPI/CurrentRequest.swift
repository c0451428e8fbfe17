import Access
import Classification
import Hummingbird

/// The request context of the `/v1` operation being answered.
///
/// The generated operation handlers (``APIHandler``) see only the OpenAPI input, not
/// Hummingbird's context; what the access control decided (``AccessControlMiddleware``: the
/// caller, the grant, the access note) reaches them through this task-local, set by
/// ``CurrentRequestMiddleware`` for the rest of the request.
enum CurrentRequest {
    @TaskLocal static var context: RecordkeeperRequestContext?

    /// The context of the request being answered.
    /// - Throws: 401 when there is none (a handler called outside a request).
    static func current() throws -> RecordkeeperRequestContext {
        guard let context else { throw Unauthorized() }
        return context
    }

    /// The signed-in caller. - Throws: 401 when there is none.
    static func staff() throws -> StaffPrincipal { try current().staff() }

    /// The conversations the caller may reach on this request. - Throws: 401 when there is no caller.
    static func scope() throws -> ConversationScope { try current().scope() }

    /// The highest data category the caller sees unmasked on this request (nil: no content).
    static var clearance: DataCategory? { context?.clearance }

    /// What a content route showed, recorded as `access.viewed` by the access control.
    static func accessNote() throws -> AccessNote { try current().accessNote }
}

/// Makes the request context (as the access control left it) the ``CurrentRequest`` of the
/// rest of the request. Added after ``AccessControlMiddleware``.
struct CurrentRequestMiddleware: RouterMiddleware {
    typealias Context = RecordkeeperRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await CurrentRequest.$context.withValue(context) {
            try await next(request, context)
        }
    }
}
