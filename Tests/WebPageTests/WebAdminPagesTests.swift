import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// The admin's pages (issue 16 item 7): staff accounts, roles, teams and API tokens, through the
/// staff directory as the `/v1/staff/…` operations, each change a `staff.*` event.
@Suite("Web admin pages", .timeLimit(.minutes(5)))
struct WebAdminPagesTests {
    typealias C = WebPageClient

    @Test("an admin adds an account, grants and revokes a role, adds it to a team; own roles and forged forms change nothing")
    func staff() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "ada.admin", roles: [.admin], teams: [], password: "admin horse battery", actor: "test")
            _ = try await directory.addUser(name: "sam.super", roles: [.supervisor], teams: ["permits"], password: "super horse battery", actor: "test")
            let admin = try await C.session(store, name: "ada.admin", password: "admin horse battery")
            let supervisor = try await C.session(store, name: "sam.super", password: "super horse battery")

            let list = try await C.get(app, "/admin/staff", session: admin)
            #expect(list.status == .ok && list.body.contains(">sam.super</a>") && list.body.contains("Add a member of staff"))
            C.expectPageHeaders(list, "GET /admin/staff")
            let csrf = try #require(C.csrf(in: list.body))

            // Adding: a missing role is a field error and adds nothing; then the account is added.
            let incomplete = try await C.post(app, "/admin/staff", session: admin, csrf: csrf, [("name", "jo.lee"), ("password", "a long first password")])
            #expect(incomplete.status == .unprocessableContent && incomplete.body.contains("Choose at least one role."))
            #expect(try await directory.user("jo.lee") == nil)
            let added = try await C.post(
                app, "/admin/staff", session: admin, csrf: csrf,
                [("name", "jo.lee"), ("role-agent", "on"), ("teams", "permits"), ("password", "a long first password")])
            #expect(added.status == .seeOther && added.headers[.location] == "/admin/staff?added=jo.lee")
            var jo = try #require(try await directory.user("jo.lee"))
            #expect(jo.roles == [.agent] && jo.teams == ["permits"])

            // Its page; a role granted, then revoked; a team joined: each recorded with the admin as actor.
            let page = try await C.get(app, "/admin/staff/jo.lee", session: admin)
            #expect(page.status == .ok && page.body.contains("Grant a role"))
            let granted = try await C.post(app, "/admin/staff/jo.lee/roles", session: admin, csrf: csrf, [("role", "supervisor"), ("change", "grant")])
            #expect(granted.status == .seeOther)
            jo = try #require(try await directory.user("jo.lee"))
            #expect(Set(jo.roles) == [.agent, .supervisor])
            _ = try await C.post(app, "/admin/staff/jo.lee/roles", session: admin, csrf: csrf, [("role", "supervisor"), ("change", "revoke")])
            _ = try await C.post(app, "/admin/staff/jo.lee/teams", session: admin, csrf: csrf, [("team", "licensing"), ("change", "join")])
            jo = try #require(try await directory.user("jo.lee"))
            #expect(jo.roles == [.agent] && Set(jo.teams) == ["permits", "licensing"])
            let events = try await store.client.query(
                "SELECT event_type, actor FROM ledger_entries WHERE actor = 'staff:ada.admin' ORDER BY position",
                logger: testLogger
            ).collect().map { try $0.decode((String, String).self).0 }
            #expect(events.filter { $0.hasPrefix("staff.role") }.count == 2 && events.contains { $0.hasPrefix("staff.team") })

            // One's own roles: refused with the domain's message, nothing changed.
            let own = try await C.post(app, "/admin/staff/ada.admin/roles", session: admin, csrf: csrf, [("role", "auditor"), ("change", "grant")])
            #expect(own.status == .forbidden && own.body.contains("you cannot change your own roles"))
            #expect(try await directory.user("ada.admin")?.roles == [.admin])

            // A forged form: 403, nothing changed.
            let forged = try await C.post(app, "/admin/staff/jo.lee/roles", session: admin, csrf: "forged", [("role", "auditor"), ("change", "grant")])
            #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"))
            #expect(try await directory.user("jo.lee")?.roles == [.agent])

            // A supervisor reads the staff but has no forms and may not change anyone.
            let read = try await C.get(app, "/admin/staff/jo.lee", session: supervisor)
            #expect(read.status == .ok && !read.body.contains("Grant a role"))
            let refused = try await C.post(
                app, "/admin/staff/jo.lee/roles", session: supervisor, csrf: C.csrf(in: read.body), [("role", "admin"), ("change", "grant")])
            #expect(refused.status == .forbidden && refused.body.contains("Not allowed"))
            #expect(try await directory.user("jo.lee")?.roles == [.agent])
            #expect(try await C.get(app, "/admin/staff/no.such.user", session: admin).status == .notFound)
        }
    }

    @Test("an admin issues a token (shown once, it authenticates the API) and revokes it (then it does not)")
    func tokens() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "ada.admin", roles: [.admin], teams: [], password: "admin horse battery", actor: "test")
            _ = try await directory.addUser(name: "aud.it", roles: [.auditor], teams: [], password: "audit horse battery", actor: "test")
            let admin = try await C.session(store, name: "ada.admin", password: "admin horse battery")
            let page = try await C.get(app, "/admin/tokens", session: admin)
            #expect(page.status == .ok && page.body.contains("Issue a token"))
            let csrf = try #require(C.csrf(in: page.body))

            let badDays = try await C.post(app, "/admin/tokens", session: admin, csrf: csrf, [("user", "aud.it"), ("scope", ""), ("days", "0")])
            #expect(badDays.status == .unprocessableContent && badDays.body.contains("from 1 to 366"))
            #expect(try await directory.tokens().isEmpty)

            let issued = try await C.post(app, "/admin/tokens", session: admin, csrf: csrf, [("user", "aud.it"), ("scope", "auditor"), ("days", "30")])
            #expect(issued.status == .ok && issued.body.contains("shown only this once"))
            let token = try #require(
                issued.body.range(of: "<code>rkt_").map { String(issued.body[issued.body.index($0.lowerBound, offsetBy: 6)...].prefix { $0 != "<" }) })
            let info = try #require(try await directory.tokens().first)
            #expect(info.user == "aud.it" && info.scopes == [.auditor] && info.revokedAtUs == nil)
            let api = try await app.execute(uri: "/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0.status }
            #expect(api == .ok)

            let listed = try await C.get(app, "/admin/tokens", session: admin)
            #expect(listed.body.contains(info.id) && !listed.body.contains(token))
            let revoked = try await C.post(app, "/admin/tokens/\(info.id)/revocation", session: admin, csrf: csrf, [])
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/admin/tokens?revoked=\(info.id)")
            let after = try await app.execute(uri: "/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0.status }
            #expect(after == .unauthorized)
            let again = try await C.post(app, "/admin/tokens/\(info.id)/revocation", session: admin, csrf: csrf, [])
            #expect(again.status == .notFound)
        }
    }
}
