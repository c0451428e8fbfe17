import Access
import Foundation
import Hummingbird
import WebFoundation

/// The admin's staff pages (issue 16 item 7): `GET /admin/staff`, `POST /admin/staff`,
/// `GET /admin/staff/{name}`, `POST /admin/staff/{name}/roles`, `POST /admin/staff/{name}/teams`.
/// Every change goes through the staff directory as the `/v1/staff/users…` operations do (a
/// `staff.*` event with the signed-in admin as actor; nobody changes their own roles or teams).
extension WebApplication {
    /// Every account with its roles, teams and second factor, and the form to add one.
    func staffList(_ page: PageRequest) async throws -> Response {
        try await staffListPage(page, notice: page.query("added").map { "Added \($0)." })
    }

    /// Adds an account (name, roles, teams, a first password; optionally an authenticator,
    /// whose key is shown once).
    func addStaff(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let form = AdminStaffForm(page.form)
        var errors = form.errors
        if errors.isEmpty, let name = form.name {
            do {
                let added = try await directory().addUser(
                    name: name, roles: form.roles, teams: form.teams, password: form.password, enrollTOTP: form.enrollTOTP, actor: principal.actor)
                guard let totp = added.totp else { return PageRenderer.redirect(to: "/admin/staff?added=\(PageGate.percentEncoded(name))") }
                return renderer.page(
                    "admin-secret", title: "Authenticator for \(name)", frame: page.frame,
                    context: [
                        "heading": "Authenticator for \(name)", "back": "/admin/staff/\(PageGate.percentEncoded(name))",
                        "explanation":
                            "Give this key to \(name) in person or through a channel you trust; it is shown only now. They add it to an authenticator app and sign in with its 6-digit code.",
                        "secret": totp.url,
                    ])
            } catch let error as StaffError {
                errors[Self.staffField(error)] = error.description
            }
        }
        return try await staffListPage(page, form: form, errors: errors, status: .unprocessableContent)
    }

    /// One account: its roles and teams with the forms that change them.
    func staffMember(_ page: PageRequest) async throws -> Response {
        let name = try Self.staffName(page)
        let notice = page.query("changed").map { "Changed: \($0)." }
        return try await staffMemberPage(page, name: name, notice: notice)
    }

    /// Grants or revokes a role (`role`, `change` = `grant` or `revoke`).
    func changeStaffRole(_ page: PageRequest) async throws -> Response {
        let (principal, name) = (try page.staff(), try Self.staffName(page))
        guard let role = page.form.trimmed("role").flatMap(StaffRole.init(name:)) else {
            return try await staffMemberPage(page, name: name, roleError: "Choose a role.", status: .unprocessableContent)
        }
        let grant = page.form["change"] != "revoke"
        do {
            try StaffDirectory.refuseOwnAccount(name, by: principal, what: "roles")
            try await directory().setRole(role, granted: grant, user: name, actor: principal.actor)
        } catch let error as StaffError {
            return try await staffMemberPage(page, name: name, roleError: error.description, status: Self.status(of: error))
        }
        let change = "\(grant ? "granted" : "revoked") \(role.rawValue)"
        return PageRenderer.redirect(to: "/admin/staff/\(PageGate.percentEncoded(name))?changed=\(PageGate.percentEncoded(change))")
    }

    /// Adds the account to a team or removes it (`team`, `change` = `join` or `leave`).
    func changeStaffTeam(_ page: PageRequest) async throws -> Response {
        let (principal, name) = (try page.staff(), try Self.staffName(page))
        guard let team = page.form.trimmed("team") else {
            return try await staffMemberPage(page, name: name, teamError: "Enter a team name.", status: .unprocessableContent)
        }
        let join = page.form["change"] != "leave"
        do {
            try StaffDirectory.refuseOwnAccount(name, by: principal, what: "teams")
            try await directory().setTeam(team, member: join, user: name, actor: principal.actor)
        } catch let error as StaffError {
            return try await staffMemberPage(page, name: name, teamError: error.description, status: Self.status(of: error))
        }
        let change = "\(join ? "joined" : "left") team \(team)"
        return PageRenderer.redirect(to: "/admin/staff/\(PageGate.percentEncoded(name))?changed=\(PageGate.percentEncoded(change))")
    }

    // MARK: Rendering

    private func staffListPage(
        _ page: PageRequest, form: AdminStaffForm = AdminStaffForm(), errors: [String: String] = [:], notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        let users = try await directory().users()
        var context: [String: Any] = [
            "csrf": page.frame.csrfToken, "canManage": WebPages.allows(principal, .staff(.staffManage)),
            "users": users.map { user -> [String: Any] in
                [
                    "name": user.name, "path": "/admin/staff/\(PageGate.percentEncoded(user.name))",
                    "roles": user.roles.map(\.rawValue).sorted().joined(separator: ", "),
                    "teams": user.teams.isEmpty ? "none" : user.teams.sorted().joined(separator: ", "),
                    "totp": user.hasTOTP ? "yes" : "no", "clearance": user.contentClearance.map { "category \($0)" } ?? "default",
                    "state": user.disabled ? "disabled" : "active",
                ]
            },
            "fields": form.fields(errors: errors).map(\.context),
            "roleChoices": StaffRole.allCases.map { ["id": "role-\($0.rawValue)", "name": $0.rawValue, "checked": form.roles.contains($0)] },
            "enrollTOTP": form.enrollTOTP,
        ]
        if let roleError = errors["roles"] { context["rolesError"] = ["text": roleError] }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("admin-staff", title: "Staff", frame: page.frame, status: status, context: context)
    }

    private func staffMemberPage(
        _ page: PageRequest, name: String, notice: String? = nil, roleError: String? = nil, teamError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try page.staff()
        guard let user = try await directory().users().first(where: { $0.name == name }) else { throw PageError.notFound }
        let own = principal.name == name
        let path = "/admin/staff/\(PageGate.percentEncoded(name))"
        var context: [String: Any] = [
            "name": name, "csrf": page.frame.csrfToken, "rolesPath": path + "/roles", "teamsPath": path + "/teams",
            "canManage": WebPages.allows(principal, .staff(.staffManage)) && !own, "own": own,
            "roles": user.roles.map(\.rawValue).sorted().map { ["role": $0] },
            "grantable": StaffRole.allCases.filter { !user.roles.contains($0) }.map { ["role": $0.rawValue] },
            "teams": user.teams.sorted().map { ["team": $0] }, "totp": user.hasTOTP ? "enrolled" : "not enrolled",
            "clearance": user.contentClearance.map { "category \($0)" } ?? "the default of the roles",
            "state": user.disabled ? "disabled" : "active",
            "teamField": FormField(id: "team", label: "Team", hint: "Lower-case letters, digits, '.', '_' or '-'.", error: teamError).context,
        ]
        if let roleError { context["roleError"] = ["text": roleError] }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("admin-user", title: "Staff: \(name)", frame: page.frame, status: status, context: context)
    }

    /// The `{name}` of the path. - Throws: 404 when it is not a user name.
    static func staffName(_ page: PageRequest) throws(PageError) -> String {
        let name = try page.requiredParameter("name")
        guard StaffUser.isValidName(name) else { throw PageError.notFound }
        return name
    }

    /// The form field a refusal of the directory belongs to.
    static func staffField(_ error: StaffError) -> String {
        switch error {
        case .invalidName, .alreadyExists: "name"
        case .invalidTeam: "teams"
        case .weakPassword: "password"
        case .noRoles: "roles"
        default: "name"
        }
    }

    /// The status of a page that shows a refusal of the directory.
    static func status(of error: StaffError) -> HTTPResponse.Status {
        switch error {
        case .ownAccount: .forbidden
        case .noSuchUser, .noSuchToken: .notFound
        case .notRecorded, .masterKeyRequired: .serviceUnavailable
        default: .unprocessableContent
        }
    }
}

/// The "add a member of staff" form: what was entered and what is wrong with it.
struct AdminStaffForm {
    var name: String?
    var roles: Set<StaffRole> = []
    var teams: Set<String> = []
    var password = ""
    var enrollTOTP = false

    init() {}

    init(_ form: FormBody) {
        name = form.trimmed("name")
        roles = Set(StaffRole.allCases.filter { form["role-\($0.rawValue)"] != nil })
        teams = Set((form["teams"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        password = form["password"] ?? ""
        enrollTOTP = form["totp"] != nil
    }

    /// What must be corrected before the directory is asked.
    var errors: [String: String] {
        var errors: [String: String] = [:]
        if name == nil { errors["name"] = "Enter a name." }
        if roles.isEmpty { errors["roles"] = "Choose at least one role." }
        if password.isEmpty { errors["password"] = "Enter a first password for the account." }
        return errors
    }

    /// The text inputs, with their errors.
    func fields(errors: [String: String]) -> [FormField] {
        [
            FormField(
                id: "name", label: "Name", value: name ?? "", autocomplete: "off",
                hint: "1 to 63 lower-case letters, digits, '.', '_' or '-', such as jordan.lee.", error: errors["name"]),
            FormField(
                id: "teams", label: "Teams", value: teams.sorted().joined(separator: ", "), hint: "Separated by commas; may be left empty.",
                error: errors["teams"], required: false),
            FormField(
                id: "password", label: "First password", type: "password", autocomplete: "new-password",
                hint: "At least 12 characters. Give it to the person through a channel you trust; they change it on their account page.",
                error: errors["password"]),
        ]
    }
}
