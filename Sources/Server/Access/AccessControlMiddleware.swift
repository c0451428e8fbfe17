public import API
public import Access
import Crypto
import Foundation
import HTTPTypes
public import Hummingbird
import LedgerStore
public import Logging

/// Access control for every route, in one place (docs/access.md).
///
/// It looks the matched route's operation (its `operationId` in `openapi.yaml`) up in
/// ``AccessRoutes``; a `/v1` route missing there is refused.
/// On a staff route it authenticates the caller — `Authorization: Bearer` with a staff API
/// token (`rkt_…`) or the bootstrap admin token, else the `rk_session` cookie — asks
/// ``AccessPolicy`` whether the caller's roles allow the route's action, and puts the principal
/// in the context. The staff directory answers from the database, or for a few seconds from its
/// ``CredentialCache``, which every change to a credential empties at once. A content route's answer leaves only after `access.viewed` is committed;
/// a refused content route, and a record asked for outside the caller's scope (answered 404 as
/// if it did not exist), is recorded as `access.denied`; every use of the bootstrap token is
/// recorded.
public struct AccessControlMiddleware: RouterMiddleware {
    public typealias Context = RecordkeeperRequestContext

    /// The header a caller states a reason in (break-glass, and the reason of any access).
    public static let reasonHeader = HTTPField.Name("X-Recordkeeper-Access-Reason")!
    /// The session cookie.
    public static let sessionCookie = SessionCookie.name
    /// The header a browser session must send on unsafe methods (a cross-site form cannot).
    public static let csrfHeader = HTTPField.Name("X-Requested-With")!

    private let spec: OpenAPISpec
    private let bootstrapDigest: SHA256Digest?
    private let authenticator: (any StaffAuthenticating)?
    private let auditor: AccessAuditor
    private let logger: Logger

    /// - Parameters:
    ///   - bootstrapToken: `RECORDKEEPER_ADMIN_TOKEN`; nil or empty: none.
    ///   - authenticator: the staff directory; nil: only the bootstrap token is accepted.
    ///   - spec: the API description, which names each route's operation.
    public init(spec: OpenAPISpec, bootstrapToken: String?, authenticator: (any StaffAuthenticating)?, auditor: AccessAuditor, logger: Logger) {
        self.spec = spec
        self.bootstrapDigest = bootstrapToken.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Array($0.utf8)) }
        self.authenticator = authenticator
        self.auditor = auditor
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let template = context.endpointPath ?? request.uri.path
        let operation = spec.operationID(method: request.method.rawValue, path: template)
        guard let access = operation.flatMap(AccessRoutes.access(operationID:)) else {
            if template.hasPrefix("/v1") {
                // No route matched at all (the router sets the template only on a match): not found.
                guard context.endpointPath != nil else {
                    throw ProblemDetails(
                        status: .notFound, code: "not_found", title: "Not found",
                        detail: "there is no route \(request.method.rawValue) \(request.uri.path): see docs/api.md or /openapi.json")
                }
                logger.error("route missing from the access table: refused", metadata: ["route": "\(request.method.rawValue) \(template)"])
                throw ProblemDetails(
                    status: .forbidden, code: "forbidden", title: "Forbidden", detail: "this route is not open to anyone yet")
            }
            return try await next(request, context)
        }
        guard case .staff(let action) = access else { return try await next(request, context) }

        let principal = try await authenticate(request)
        let reason = try Self.reason(request)
        let route = "\(request.method.rawValue) \(template)"
        var context = context
        switch AccessPolicy.decide(principal, action, reasonGiven: reason != nil) {
        case .refused:
            if action.showsContent {
                _ = try? await auditor.denied(AccessRecord(action: action, route: route, records: [], reason: reason), by: principal)
            }
            throw ProblemDetails(
                status: .forbidden, code: "forbidden", title: "Forbidden",
                detail: "your roles (\(Self.roleList(principal))) do not allow \(action.rawValue): see docs/access.md")
        case .reasonRequired:
            if action.showsContent {
                _ = try? await auditor.denied(AccessRecord(action: action, route: route, records: []), by: principal)
            }
            throw ProblemDetails(
                status: .forbidden, code: "reason_required", title: "Reason required",
                detail: "\(action.rawValue) is allowed to your roles (\(Self.roleList(principal))) only with a stated reason: "
                    + "send it in the X-Recordkeeper-Access-Reason header; the access is recorded with it")
        case .allowed(let breakGlass):
            context.principal = principal
            context.grant = AccessGrant(action: action, breakGlass: breakGlass, reason: reason)
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // A probe outside the caller's scope was answered as "no such record": it is still on the record.
            let refused = context.accessNote.refusedRecords
            if !refused.isEmpty {
                _ = try? await auditor.denied(AccessRecord(action: action, route: route, records: refused, reason: reason), by: principal)
            }
            throw error
        }
        let bootstrap = principal.credential == .bootstrap
        guard action.showsContent || bootstrap || breakGlassOf(context) else { return response }
        let shown = context.accessNote.snapshot
        let record = AccessRecord(
            action: action, route: route, records: shown.records, maskedPositions: shown.masked, reason: reason,
            breakGlass: breakGlassOf(context), query: shown.query)
        do {
            try await auditor.viewed(record, by: principal)
        } catch {
            logger.error(
                "access not recorded: answer withheld", metadata: ["route": "\(route)", "user": "\(principal.name)", "error": "\(describeError(error))"])
            throw ProblemDetails(
                status: .serviceUnavailable, code: "access_not_recorded", title: "Access not recorded",
                detail: "the access could not be recorded in the ledger, so nothing is shown; try again shortly")
        }
        return response
    }

    private func breakGlassOf(_ context: Context) -> Bool { context.grant?.breakGlass ?? false }

    /// The caller, from the bearer token or the session cookie.
    /// - Throws: 401 when none is presented or it is not valid; 503 when the directory cannot answer.
    private func authenticate(_ request: Request) async throws -> StaffPrincipal {
        if let authorization = request.headers[.authorization] {
            guard let token = BearerTokenMiddleware<Context>.bearerToken(authorization) else { throw Unauthorized() }
            if let bootstrapDigest, BearerTokenMiddleware<Context>.constantTimeEqual(SHA256.hash(data: Array(token.utf8)), bootstrapDigest) {
                return .bootstrapAdmin
            }
            guard let authenticator, let principal = try await lookUp({ try await authenticator.principal(forToken: token) }) else {
                throw Unauthorized()
            }
            return principal
        }
        if let session = Self.cookie(Self.sessionCookie, in: request.headers), let authenticator {
            if request.method != .get, request.method != .head, request.headers[Self.csrfHeader] == nil {
                throw ProblemDetails(
                    status: .forbidden, code: "csrf_header_missing", title: "Header missing",
                    detail: "a signed-in browser must send X-Requested-With on \(request.method.rawValue) requests")
            }
            guard let principal = try await lookUp({ try await authenticator.principal(forSession: session) }) else { throw Unauthorized() }
            return principal
        }
        throw Unauthorized()
    }

    private func lookUp(_ body: () async throws -> StaffPrincipal?) async throws -> StaffPrincipal? {
        do {
            return try await body()
        } catch {
            logger.error("staff directory unavailable", metadata: ["error": "\(describeError(error))"])
            throw ProblemDetails(
                status: .serviceUnavailable, code: "directory_unavailable", title: "Directory unavailable",
                detail: "credentials cannot be checked right now; try again shortly")
        }
    }

    /// The longest reason a caller may state, in characters (Unicode scalars, as JSON Schema's
    /// `maxLength` counts them in /openapi.json).
    static let maxReasonLength = 500

    /// The stated reason, trimmed; nil when absent or blank. A longer one than
    /// ``maxReasonLength`` is refused (400 `invalid_header`), never cut: it is recorded as given.
    static func reason(_ request: Request) throws -> String? {
        guard let text = request.headers[reasonHeader]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= maxReasonLength else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_header", title: "Invalid header",
                detail: "X-Recordkeeper-Access-Reason is \(text.unicodeScalars.count) characters long: state the reason in at most \(maxReasonLength)")
        }
        return text
    }

    /// A cookie's value from the `Cookie` header fields; nil when absent or empty.
    static func cookie(_ name: String, in fields: HTTPFields) -> String? {
        SessionCookie.cookie(name, in: fields)
    }

    static func roleList(_ principal: StaffPrincipal) -> String {
        principal.roles.isEmpty ? "none" : principal.roles.sorted().map(\.rawValue).joined(separator: ", ")
    }
}
