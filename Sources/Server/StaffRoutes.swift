import Access
import Classification
import Foundation
import Hummingbird

/// `POST /v1/staff/users`.
struct CreateUserRequest: ClosedJSONBody {
    static let members: Set<String> = ["name", "roles", "teams", "password", "enroll_totp"]

    var name: String
    var roles: [String]
    var teams: [String]?
    var password: String?
    var enrollTOTP: Bool?

    enum CodingKeys: String, CodingKey {
        case name, roles, teams, password
        case enrollTOTP = "enroll_totp"
    }
}

/// `PUT /v1/staff/users/{name}/clearance`.
struct ClearanceRequest: ClosedJSONBody {
    var category: Int?
    var reason: String

    static let members: Set<String> = ["category", "reason"]
}

/// `POST /v1/staff/tokens`.
struct IssueTokenRequest: ClosedJSONBody {
    static let members: Set<String> = ["user", "scopes", "expires_in_seconds"]

    var user: String
    var scopes: [String]?
    var expiresInSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case user, scopes
        case expiresInSeconds = "expires_in_seconds"
    }
}

extension Router where Context == RecordkeeperRequestContext {
    /// Staff administration (docs/api.md, "Staff and sessions"; admins, docs/access.md): users,
    /// roles, teams, content clearances and API tokens. Every change is a `staff.*` event with
    /// the caller as actor; nobody changes their own roles, teams or clearance.
    func addStaffRoutes(directory: StaffDirectory?) {
        let group = group("v1/staff")
        let staff: @Sendable () throws -> StaffDirectory = {
            guard let directory else {
                throw ProblemDetails(
                    status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: "staff accounts are not configured in this process")
            }
            return directory
        }
        group.get("users") { _, _ -> StaffUserListResponse in
            StaffUserListResponse(items: try await staff().users())
        }
        group.post("users") { request, context -> EditedResponse<CreatedUserResponse> in
            let body = try await request.decodeJSON(CreateUserRequest.self)
            let roles = try Self.roles(body.roles)
            let created = try await mapStaffErrors {
                try await staff().addUser(
                    name: body.name, roles: roles, teams: Set(body.teams ?? []), password: body.password, enrollTOTP: body.enrollTOTP ?? false,
                    actor: try context.staff().actor)
            }
            return EditedResponse(
                status: .created, headers: [.cacheControl: "no-store"], response: CreatedUserResponse(user: created.user, totpURL: created.totp?.url))
        }
        group.put("users/:name/roles/:role") { _, context -> StaffUser in
            let (name, role) = (try context.pathName("name"), try Self.roles([context.parameters.get("role") ?? ""]).first!)
            try Self.refuseSelfChange(name, context, what: "roles")
            return try await mapStaffErrors {
                try await staff().setRole(role, granted: true, user: name, actor: try context.staff().actor)
                return try await Self.user(name, staff())
            }
        }
        group.delete("users/:name/roles/:role") { _, context -> StaffUser in
            let (name, role) = (try context.pathName("name"), try Self.roles([context.parameters.get("role") ?? ""]).first!)
            try Self.refuseSelfChange(name, context, what: "roles")
            return try await mapStaffErrors {
                try await staff().setRole(role, granted: false, user: name, actor: try context.staff().actor)
                return try await Self.user(name, staff())
            }
        }
        group.put("users/:name/teams/:team") { _, context -> StaffUser in
            let (name, team) = (try context.pathName("name"), try context.pathName("team"))
            try Self.refuseSelfChange(name, context, what: "teams")
            return try await mapStaffErrors {
                try await staff().setTeam(team, member: true, user: name, actor: try context.staff().actor)
                return try await Self.user(name, staff())
            }
        }
        group.delete("users/:name/teams/:team") { _, context -> StaffUser in
            let (name, team) = (try context.pathName("name"), try context.pathName("team"))
            try Self.refuseSelfChange(name, context, what: "teams")
            return try await mapStaffErrors {
                try await staff().setTeam(team, member: false, user: name, actor: try context.staff().actor)
                return try await Self.user(name, staff())
            }
        }
        group.put("users/:name/clearance") { request, context -> StaffUser in
            let name = try context.pathName("name")
            try Self.refuseSelfChange(name, context, what: "content clearance")
            let body = try await request.decodeJSON(ClearanceRequest.self)
            let category = try body.category.map { level -> DataCategory in
                guard let category = DataCategory(rawValue: level) else { throw ProblemDetails(StaffError.invalidClearance(level)) }
                return category
            }
            guard !body.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "give the reason for the clearance as \"reason\"")
            }
            return try await mapStaffErrors {
                try await staff().setClearance(category, reason: body.reason, user: name, actor: try context.staff().actor)
                return try await Self.user(name, staff())
            }
        }
        group.get("tokens") { request, _ -> StaffTokenListResponse in
            StaffTokenListResponse(items: try await staff().tokens(user: request.uri.queryParameters["user"].map(String.init)))
        }
        group.post("tokens") { request, context -> EditedResponse<IssuedTokenResponse> in
            let body = try await request.decodeJSON(IssueTokenRequest.self)
            let scopes = try body.scopes.map { try Self.roles($0) }
            if let seconds = body.expiresInSeconds, !(60...(366 * 86400)).contains(seconds) {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid field",
                    detail: "expires_in_seconds must be from 60 to 31622400 (366 days)")
            }
            let issued = try await mapStaffErrors {
                try await staff().issueToken(
                    user: body.user, scopes: scopes, expiresIn: body.expiresInSeconds.map { .seconds($0) }, actor: try context.staff().actor)
            }
            return EditedResponse(status: .created, headers: [.cacheControl: "no-store"], response: IssuedTokenResponse(token: issued.token, info: issued.info))
        }
        group.delete("tokens/:token_id") { _, context -> StaffTokenInfo in
            let id = context.parameters.get("token_id") ?? ""
            return try await mapStaffErrors { try await staff().revokeToken(id: id, actor: try context.staff().actor) }
        }
    }

    /// Nobody changes their own roles, teams or clearance through the API: an admin who wants
    /// more (a clearance to read category 3–4 content, say) needs another admin to grant it,
    /// and that admin is the actor on the record. 403 `self_change_forbidden`.
    static func refuseSelfChange(_ name: String, _ context: Context, what: String) throws {
        guard try context.staff().name != name else {
            throw ProblemDetails(
                status: .forbidden, code: "self_change_forbidden", title: "Own account",
                detail: "you cannot change your own \(what): another admin must make this change (docs/access.md)")
        }
    }

    static func roles(_ names: [String]) throws -> Set<StaffRole> {
        var roles: Set<StaffRole> = []
        for name in names {
            guard let role = StaffRole(name: name) else {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid field",
                    detail: "\"\(name)\" is not a role: use \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            roles.insert(role)
        }
        return roles
    }

    static func user(_ name: String, _ directory: StaffDirectory) async throws -> StaffUser {
        guard let user = try await directory.user(name) else { throw ProblemDetails(StaffError.noSuchUser(name)) }
        return user
    }
}

/// Turns ``StaffError`` into problem details.
func mapStaffErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StaffError {
        throw ProblemDetails(error)
    }
}

extension RequestContext {
    /// A user or team name from the path.
    func pathName(_ parameter: String) throws -> String {
        guard let name = parameters.get(parameter), StaffUser.isValidName(name) else {
            throw ProblemDetails(
                status: .notFound, code: "not_found", title: "Not found", detail: "the \(parameter) in the path is not a valid name")
        }
        return name
    }
}
