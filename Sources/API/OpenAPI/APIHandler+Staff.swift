import Access
import Classification
import Foundation
import HTTPTypes
import LedgerStore
import Messaging
import OpenAPIRuntime

// Browser sign-in (docs/api.md, "Staff and sessions"), staff administration (admins,
// docs/access.md: users, roles, teams, content clearances and API tokens; every change is a
// `staff.*` event with the caller as actor, and nobody changes their own roles, teams or
// clearance) and the read audit (`GET /v1/access`).
extension APIHandler {
    func getSession(_ input: Operations.GetSession.Input) async throws -> Operations.GetSession.Output {
        .ok(.init(body: .json(SessionResponse(try CurrentRequest.staff()))))
    }

    /// Name, password and, when enrolled, the authenticator code; answers with the `rk_session`
    /// cookie. ``SessionRequestMiddleware`` has refused a body not sent as JSON.
    func signIn(_ input: Operations.SignIn.Input) async throws -> Operations.SignIn.Output {
        guard let directory = staff else { throw Self.signInNotConfigured }
        let body: Operations.SignIn.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let session = try await directory.signIn(
            name: body.name, password: body.password, totp: body.totp, requireMFA: requireMFA, lifetime: sessionLifetime)
        return .created(
            .init(
                headers: .init(
                    setCookie: Self.sessionCookie(session.id, maxAge: Int(sessionLifetime.components.seconds)), cacheControl: "no-store"),
                body: .json(SessionResponse(session.principal, expiresAtUs: session.expiresAtUs))))
    }

    /// Ends the session of the `rk_session` cookie (``SessionRequestMiddleware/sessionCookie``)
    /// and clears the cookie.
    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        let principal = try CurrentRequest.staff()
        if case .session = principal.credential, let directory = staff, let id = SessionRequestMiddleware.sessionCookie {
            try await directory.endSession(id, user: principal.name)
        }
        return .noContent(.init(headers: .init(setCookie: Self.sessionCookie("", maxAge: 0))))
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        .ok(.init(body: .json(.init(items: try await staffDirectory().users()))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let body: Operations.CreateUser.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let roles = try Self.staffRoles(body.roles)
        let created = try await staffDirectory().addUser(
            name: body.name, roles: roles, teams: Set(body.teams ?? []), password: body.password, enrollTOTP: body.enrollTotp ?? false,
            actor: try CurrentRequest.staff().actor)
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(user: created.user, totpUrl: created.totp?.url))))
    }

    func grantRole(_ input: Operations.GrantRole.Input) async throws -> Operations.GrantRole.Output {
        .ok(.init(body: .json(try await changeRole(name: input.path.name, role: input.path.role, granted: true))))
    }

    func revokeRole(_ input: Operations.RevokeRole.Input) async throws -> Operations.RevokeRole.Output {
        .ok(.init(body: .json(try await changeRole(name: input.path.name, role: input.path.role, granted: false))))
    }

    func joinTeam(_ input: Operations.JoinTeam.Input) async throws -> Operations.JoinTeam.Output {
        .ok(.init(body: .json(try await changeTeam(name: input.path.name, team: input.path.team, member: true))))
    }

    func leaveTeam(_ input: Operations.LeaveTeam.Input) async throws -> Operations.LeaveTeam.Output {
        .ok(.init(body: .json(try await changeTeam(name: input.path.name, team: input.path.team, member: false))))
    }

    func setClearance(_ input: Operations.SetClearance.Input) async throws -> Operations.SetClearance.Output {
        let name = try Self.pathName(input.path.name, "name")
        try Self.refuseSelfChange(name, what: "content clearance")
        let body: Operations.SetClearance.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let category = try body.category.map { level -> DataCategory in
            guard let category = DataCategory(rawValue: level) else { throw StaffError.invalidClearance(level) }
            return category
        }
        guard !body.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "give the reason for the clearance as \"reason\"")
        }
        let directory = try staffDirectory()
        try await directory.setClearance(category, reason: body.reason, user: name, actor: try CurrentRequest.staff().actor)
        return .ok(.init(body: .json(try await Self.user(name, directory))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        .ok(.init(body: .json(.init(items: try await staffDirectory().tokens(user: input.query.user)))))
    }

    func issueToken(_ input: Operations.IssueToken.Input) async throws -> Operations.IssueToken.Output {
        let body: Operations.IssueToken.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let scopes = try body.scopes.map { try Self.staffRoles($0) }
        if let seconds = body.expiresInSeconds, !(60...(366 * 86400)).contains(seconds) {
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid field",
                detail: "expires_in_seconds must be from 60 to 31622400 (366 days)")
        }
        let issued = try await staffDirectory().issueToken(
            user: body.user, scopes: scopes, expiresIn: body.expiresInSeconds.map { .seconds($0) }, actor: try CurrentRequest.staff().actor)
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(token: issued.token, tokenInfo: issued.info))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        .ok(.init(body: .json(try await staffDirectory().revokeToken(id: input.path.tokenId, actor: try CurrentRequest.staff().actor))))
    }

    /// `GET /v1/access` (auditors, records officers; docs/access.md "Read audit"): who was shown
    /// or refused what, newest first, by `user` and/or `record` (`conversation:<id>` with the id
    /// from `GET /v1/conversations`, `media:<media id>`, `message:<position>`), `since`/`until`.
    func listAccesses(_ input: Operations.ListAccesses.Input) async throws -> Operations.ListAccesses.Output {
        let query = input.query
        let limit = try Self.pageLimit(query.limit)
        var before: Int64?
        if let cursor = query.cursor {
            guard let fields = try? OpaqueToken.fields(of: cursor, kind: "access", count: 1), let position = Int64(fields[0]) else {
                throw ProblemDetails(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: "use the next_cursor of a previous page")
            }
            before = position
        }
        var record = query.record
        if let text = record, text.hasPrefix("conversation:") {
            // The path form of a conversation id names the same record as its stream form.
            let id = String(text.dropFirst("conversation:".count))
            record = "conversation:" + (ids.conversationID(fromAPIID: id) ?? id)
        }
        let entries: [AccessLogEntry]
        do {
            entries = try await AccessLogQueries(store: store).entries(
                ledger: serviceLedger, user: query.user, record: record, since: query.since, until: query.until, before: before, limit: limit + 1)
        } catch LedgerStoreError.ledgerNotFound {
            entries = []
        }
        let page = Array(entries.prefix(limit))
        let next = entries.count > limit ? page.last.map { OpaqueToken.cursor(kind: "access", [String($0.position)]) } : nil
        return .ok(.init(body: .json(.init(items: page, nextCursor: next))))
    }
}

extension APIHandler {

    /// 503 `not_configured`: sign-in without a staff directory.
    static let signInNotConfigured = ProblemDetails(
        status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: "staff sign-in is not configured in this process")

    /// The staff directory. - Throws: 503 `not_configured` when this process has none.
    func staffDirectory() throws -> StaffDirectory {
        guard let staff else {
            throw ProblemDetails(
                status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: "staff accounts are not configured in this process")
        }
        return staff
    }

    /// Grants or revokes a role of another user: the user after the change.
    private func changeRole(name: String, role: StaffRoleName, granted: Bool) async throws -> StaffUser {
        let name = try Self.pathName(name, "name")
        let role = try Self.staffRoles([role]).first!
        try Self.refuseSelfChange(name, what: "roles")
        let directory = try staffDirectory()
        try await directory.setRole(role, granted: granted, user: name, actor: try CurrentRequest.staff().actor)
        return try await Self.user(name, directory)
    }

    /// Adds another user to a team or removes them: the user after the change.
    private func changeTeam(name: String, team: String, member: Bool) async throws -> StaffUser {
        let (name, team) = (try Self.pathName(name, "name"), try Self.pathName(team, "team"))
        try Self.refuseSelfChange(name, what: "teams")
        let directory = try staffDirectory()
        try await directory.setTeam(team, member: member, user: name, actor: try CurrentRequest.staff().actor)
        return try await Self.user(name, directory)
    }

    /// The session cookie: HttpOnly (no script reads it), Secure, SameSite=Strict (no other
    /// site's page sends it), for the whole API.
    static func sessionCookie(_ value: String, maxAge: Int) -> String {
        "\(SessionCookie.name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// Nobody changes their own roles, teams or clearance (``StaffDirectory/refuseOwnAccount(_:by:what:)``):
    /// 403 `self_change_forbidden`.
    static func refuseSelfChange(_ name: String, what: String) throws {
        try StaffDirectory.refuseOwnAccount(name, by: try CurrentRequest.staff(), what: what)
    }

    /// The roles named. - Throws: 422 `invalid_field` for a name that is not a role.
    static func staffRoles(_ names: [StaffRoleName]) throws -> Set<StaffRole> {
        var roles: Set<StaffRole> = []
        for name in names {
            guard let role = StaffRole(name: name.rawValue) else {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid field",
                    detail: "\"\(name.rawValue)\" is not a role: use \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            roles.insert(role)
        }
        return roles
    }

    /// A user or team name from the path. - Throws: 404 `not_found` when it is not a valid name.
    static func pathName(_ name: String, _ parameter: String) throws -> String {
        guard StaffUser.isValidName(name) else {
            throw ProblemDetails(status: .notFound, code: "not_found", title: "Not found", detail: "the \(parameter) in the path is not a valid name")
        }
        return name
    }

    /// The user now. - Throws: ``StaffError/noSuchUser(_:)``.
    static func user(_ name: String, _ directory: StaffDirectory) async throws -> StaffUser {
        guard let user = try await directory.user(name) else { throw StaffError.noSuchUser(name) }
        return user
    }
}
