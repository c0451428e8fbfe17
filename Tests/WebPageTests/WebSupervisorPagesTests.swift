import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import NIOCore
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing

/// The supervisor's automation rules and assignments pages, and the classification page, each
/// checked against what the ledger and the `/v1` API then hold. The fixture is the agent pages'
/// (``WebAgentPagesTests/withFixture(_:)``): sam (supervisor), alice (agent of `permits`),
/// citizens 0001 and 0003 (permits; 0003 wrote two days ago) and 0002 (general).
@Suite("Web supervisor pages", .timeLimit(.minutes(5)))
struct WebSupervisorPagesTests {
    typealias C = WebPageClient
    typealias Agent = WebAgentPagesTests
    static let password = Agent.password

    /// The rule set position a page's forms are based on.
    static func basedOn(_ html: String) -> String {
        guard let range = html.range(of: "name=\"based_on\" value=\"") else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// `GET /v1/automation-rules` as the fixture's supervisor token reads it.
    static func automationRules(_ app: any TestClientProtocol, token: String) async throws -> JSONValue {
        try await app.execute(uri: "/v1/automation-rules", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            try JSONValue.parse(Array(response.body.readableBytesView))
        }
    }

    /// A table row of the page as `<th scope="row">name</th>` followed by its cells, on one line.
    static func row(_ html: String, _ header: String) -> String? {
        let flat = html.replacingOccurrences(of: "\n", with: "")
        guard let start = flat.range(of: "<th scope=\"row\">\(header)</th>") else { return nil }
        let rest = flat[start.lowerBound...]
        guard let end = rest.range(of: "</tr>") else { return nil }
        return String(rest[..<end.lowerBound])
    }

    /// The rows of one team's section of the assignments page.
    static func section(_ html: String, team: String) -> String {
        guard let start = html.range(of: ">\(team)</h2>") else { return "" }
        let rest = html[start.upperBound...]
        return String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)])
    }

    @Test("automation: the rules in words; a supervisor adds, changes and removes a rule and sets the hours as PUT /v1/automation-rules does")
    func automation() async throws {
        try await Agent.withFixture { app, store, fixture in
            let sam = try await C.session(store, name: "sam", password: Self.password)
            let page = try await C.get(app, "/automation", session: sam)
            #expect(page.status == .ok && page.body.contains("<h1>Automation rules</h1>") && page.body.contains("There are no automation rules"))
            C.expectPageHeaders(page, "automation")
            #expect(page.body.contains("href=\"/automation\""), "the navigation links the page for a supervisor")
            let csrf = try #require(C.csrf(in: page.body))
            #expect(Self.basedOn(page.body) == "0")

            // Forged, and a made-up action: nothing recorded.
            let welcome = [("id", "welcome"), ("kind", "acknowledgement"), ("text", "Thanks, we will answer within a day."), ("enabled", "on")]
            let forged = try await C.post(app, "/automation", session: sam, csrf: nil, [("action", "add"), ("based_on", "0")] + welcome)
            #expect(forged.status == .forbidden)
            let odd = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "nothing"), ("based_on", "0")])
            #expect(odd.status == .badRequest)

            // A bad rule: the form again with the error at its field, what was typed kept.
            let badID = try await C.post(
                app, "/automation", session: sam, csrf: csrf, [("action", "add"), ("based_on", "0"), ("id", "Not Valid")] + welcome.dropFirst())
            #expect(badID.status == .unprocessableContent && badID.body.contains("id=\"automation-id-error\""), "\(badID.body)")
            #expect(badID.body.contains("aria-describedby=\"automation-id-hint automation-id-error\"") && badID.body.contains("Thanks, we will answer"))
            let blank = try await C.post(
                app, "/automation", session: sam, csrf: csrf,
                [("action", "add"), ("based_on", "0"), ("id", "blank"), ("kind", "acknowledgement"), ("text", " ")])
            #expect(blank.status == .unprocessableContent && blank.body.contains("id=\"automation-text-error\""))
            let night = [("id", "night"), ("kind", "out_of_hours"), ("text", "We are closed; we answer tomorrow."), ("enabled", "on")]
            let noHours = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "add"), ("based_on", "0")] + night)
            #expect(noHours.status == .unprocessableContent && noHours.body.contains("id=\"automation-kind-error\""))
            #expect(noHours.body.contains("needs the business hours"))
            #expect(try await Self.automationRules(app, token: fixture.token)["rules"]?.array?.isEmpty == true)

            let added = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "add"), ("based_on", "0")] + welcome)
            #expect(added.status == .seeOther && added.headers[.location] == "/automation?done=added")
            let rules = try await Self.automationRules(app, token: fixture.token)
            #expect(rules["rules"]?.array?.first?["id"]?.string == "welcome" && rules["rules"]?.array?.first?["enabled"]?.bool == true, "\(rules)")
            #expect(rules["set_by"]?.string == "staff:sam")
            let listed = try await C.get(app, "/automation?done=added", session: sam)
            let welcomeRow = try #require(Self.row(listed.body, "welcome"), "\(listed.body)")
            #expect(welcomeRow.contains("Acknowledges a citizen") && welcomeRow.contains("Every number") && welcomeRow.contains("<td>On</td>"))
            #expect(listed.body.contains("role=\"status\">The rule is added."))
            let first = Self.basedOn(listed.body)
            #expect(first != "0" && !first.isEmpty)

            // Business hours: a day that is not a list of from–to, an unknown time zone, then good hours.
            let week = [("monday", "08:00–17:00"), ("tuesday", "08:00-12:00, 13:00-17:00")]
            let badDay = try await C.post(
                app, "/automation", session: sam, csrf: csrf,
                [("action", "hours"), ("based_on", first), ("timezone", "America/Los_Angeles"), ("monday", "mornings")] + week.dropFirst())
            #expect(badDay.status == .unprocessableContent && badDay.body.contains("id=\"hours-monday-error\""), "\(badDay.body)")
            #expect(badDay.body.contains("value=\"mornings\""))
            let badZone = try await C.post(
                app, "/automation", session: sam, csrf: csrf, [("action", "hours"), ("based_on", first), ("timezone", "Mars/Olympus")] + week)
            #expect(badZone.status == .unprocessableContent && badZone.body.contains("id=\"hours-timezone-error\""))
            let badTime = try await C.post(
                app, "/automation", session: sam, csrf: csrf, [("action", "hours"), ("based_on", first), ("timezone", "UTC"), ("monday", "17:00-08:00")])
            #expect(badTime.status == .unprocessableContent && badTime.body.contains("id=\"hours-monday-error\""))
            let hours = try await C.post(
                app, "/automation", session: sam, csrf: csrf, [("action", "hours"), ("based_on", first), ("timezone", "America/Los_Angeles")] + week)
            #expect(hours.status == .seeOther)
            let withHours = try await Self.automationRules(app, token: fixture.token)
            #expect(withHours["business_hours"]?["timezone"]?.string == "America/Los_Angeles")
            #expect(withHours["business_hours"]?["weekly"]?["tuesday"]?.array?.count == 2, "\(withHours)")
            let hoursPage = try await C.get(app, "/automation", session: sam)
            #expect(Self.row(hoursPage.body, "Tuesday")?.contains("08:00–12:00, 13:00–17:00") == true)
            #expect(Self.row(hoursPage.body, "Sunday")?.contains("Closed") == true)

            // A change made on out-of-date rules changes nothing.
            let stale = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "remove"), ("based_on", first), ("rule", "welcome")])
            #expect(stale.status == .unprocessableContent && stale.body.contains("have changed since this page was opened"))
            let second = Self.basedOn(hoursPage.body)
            let nightAdded = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "add"), ("based_on", second)] + night)
            #expect(nightAdded.status == .seeOther)

            // Change a rule: the form filled with it; saved switched off, with a business number.
            let changeForm = try await C.get(app, "/automation?change=welcome", session: sam)
            #expect(changeForm.status == .ok && changeForm.body.contains("<h2 id=\"rule-heading\">Change rule welcome</h2>"))
            #expect(changeForm.body.contains(">Thanks, we will answer within a day.</textarea>"))
            #expect(try await C.get(app, "/automation?change=nope", session: sam).status == .notFound)
            let third = Self.basedOn(changeForm.body)
            let badNumber = try await C.post(
                app, "/automation", session: sam, csrf: csrf,
                [("action", "change"), ("based_on", third), ("rule", "welcome"), ("kind", "acknowledgement"), ("text", "Hello"), ("number", "abc")])
            #expect(badNumber.status == .unprocessableContent && badNumber.body.contains("id=\"automation-number-error\""))
            #expect(badNumber.body.contains("Change rule welcome"), "the change form stays a change form")
            let changed = try await C.post(
                app, "/automation", session: sam, csrf: csrf,
                [
                    ("action", "change"), ("based_on", third), ("rule", "welcome"), ("kind", "acknowledgement"), ("text", "Hello from the city"),
                    ("number", "123456"),
                ])
            #expect(changed.status == .seeOther && changed.headers[.location] == "/automation?done=changed")
            let after = try await Self.automationRules(app, token: fixture.token)
            let saved = try #require(after["rules"]?.array?.first { $0["id"]?.string == "welcome" })
            #expect(saved["enabled"]?.bool == false && saved["text"]?.string == "Hello from the city" && saved["phone_number_id"]?.string == "123456")
            #expect(after["rules"]?.array?.count == 2)

            // Business hours cannot go while an out-of-hours rule is on.
            let fourth = Self.basedOn(try await C.get(app, "/automation", session: sam).body)
            let noHoursNow = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "hours"), ("based_on", fourth), ("timezone", "")])
            #expect(noHoursNow.status == .unprocessableContent && noHoursNow.body.contains("id=\"hours-timezone-error\""))

            let removed = try await C.post(app, "/automation", session: sam, csrf: csrf, [("action", "remove"), ("based_on", fourth), ("rule", "night")])
            #expect(removed.status == .seeOther)
            #expect(try await Self.automationRules(app, token: fixture.token)["rules"]?.array?.map { $0["id"]?.string } == ["welcome"])
            let sets = try await Agent.entries(store).filter { $0.type == "automation.rules.set" && $0.actor == "staff:sam" }
            #expect(sets.count == 5, "add, hours, add, change, remove; nothing for the refused forms")

            let alice = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, "/automation", session: alice).status == .forbidden)
            #expect(!(try await C.get(app, "/", session: alice).body.contains("href=\"/automation\"")))
        }
    }

    @Test("assignments: per team and assignee the open, pending, unread, closing windows and oldest waiting, within the caller's scope")
    func assignments() async throws {
        try await Agent.withFixture { app, store, fixture in
            // A fourth permit question, written 22.5 hours ago: its window closes within 2 hours.
            let then = Int64(Date().timeIntervalSince1970) - 81_000
            let body = WebhookDeliveries.textDelivery(wamid: "wamid.a4", waID: "16505550004", text: "Permit for a fence?", timestamp: then)
            try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
            try await eventually("the fourth conversation is not routed") {
                try await Agent.inbox(app, token: fixture.token).filter { $0["team"]?.string == "permits" }.count == 3
            }
            let api = { (method: HTTPRequest.Method, path: String, json: String) in
                try await app.execute(
                    uri: path, method: method, headers: [.authorization: "Bearer \(fixture.token)", .contentType: "application/json"],
                    body: ByteBuffer(string: json)
                ) { $0.status }
            }
            let mine = try #require(fixture.ids["0001"])
            let general = try #require(fixture.ids["0002"])
            #expect(try await api(.post, "/v1/conversations/\(mine)/assignment", #"{"assignee":"alice"}"#) == .ok)
            #expect(try await api(.post, "/v1/conversations/\(general)/state", #"{"state":"pending"}"#) == .ok)
            try await eventually("the inbox does not show the assignment and the state") {
                let items = try await Agent.inbox(app, token: fixture.token)
                return items.contains { $0["id"]?.string == mine && $0["assignee"]?.string == "alice" }
                    && items.contains { $0["id"]?.string == general && $0["state"]?.string == "pending" }
            }

            let sam = try await C.session(store, name: "sam", password: Self.password)
            let page = try await C.get(app, "/assignments", session: sam)
            #expect(page.status == .ok && page.body.contains("<h1>Assignments across the team</h1>"))
            C.expectPageHeaders(page, "assignments")
            #expect(page.body.contains("href=\"/assignments\""), "the navigation links the page")
            let permits = Self.section(page.body, team: "permits")
            // alice: 0001 open, 1 unread, its window open for ~24 h, waiting since its message.
            let alice = try #require(Self.row(permits, "alice"), "\(permits)")
            #expect(alice.hasPrefix("<th scope=\"row\">alice</th><td>1</td><td>0</td><td>1</td><td>0</td>"), "\(alice)")
            #expect(alice.contains("href=\"/conversations/\(mine)\""))
            // Unassigned: 0003 (window closed two days ago) and 0004 (closing within 2 h); 0003 waited longest.
            let unassigned = try #require(Self.row(permits, "Unassigned"))
            #expect(unassigned.hasPrefix("<th scope=\"row\">Unassigned</th><td>2</td><td>0</td><td>2</td><td><strong>1</strong></td>"), "\(unassigned)")
            #expect(unassigned.contains("href=\"/conversations/\(try #require(fixture.ids["0003"]))\"") && unassigned.contains("waiting 2 d"))
            #expect(Self.row(permits, "Whole team")?.hasPrefix("<th scope=\"row\">Whole team</th><td>3</td><td>0</td><td>3</td><td>1</td>") == true)
            #expect(permits.contains("Members: alice"), "a supervisor reads the staff list, so sees each team's members")
            let generalSection = Self.section(page.body, team: "general")
            #expect(Self.row(generalSection, "Unassigned")?.hasPrefix("<th scope=\"row\">Unassigned</th><td>0</td><td>1</td>") == true, "\(generalSection)")
            #expect(!page.body.contains("Is my PERMIT ready?") && !page.body.contains("16505550001"), "no content, no whole number")

            // alice reads her conversation: her unread count drops; she sees only her team, no member list.
            let aliceSession = try await C.session(store, name: "alice", password: Self.password)
            let conversation = try await C.get(app, "/conversations/\(mine)", session: aliceSession)
            let read = try await C.post(app, "/conversations/\(mine)/read", session: aliceSession, csrf: C.csrf(in: conversation.body), [])
            #expect(read.status == .seeOther)
            try await eventually("the read mark is not counted") {
                let after = try await C.get(app, "/assignments", session: sam)
                return Self.row(Self.section(after.body, team: "permits"), "alice")?.contains("<td>1</td><td>0</td><td>0</td>") == true
            }
            let agentPage = try await C.get(app, "/assignments", session: aliceSession)
            #expect(agentPage.status == .ok && agentPage.body.contains(">permits</h2>"))
            #expect(!agentPage.body.contains(">general</h2>") && !agentPage.body.contains("Members:"), "an agent sees only her teams")
        }
    }

    @Test("classification: the category and how it was decided, no content; a change is PUT …/classification's, with a reason; refusals at their field")
    func classification() async throws {
        try await Agent.withFixture { app, store, fixture in
            _ = try await TestStaff.directory(store).addUser(name: "rob", roles: [.recordsOfficer], teams: [], password: Self.password, actor: "test")
            let sam = try await C.session(store, name: "sam", password: Self.password)
            let id = try #require(fixture.ids["0001"])
            // The citizen's message, once classified (as GET /v1/conversations/{id}/messages shows it).
            var position = ""
            try await eventually("the message is not classified") {
                let message = try await app.execute(
                    uri: "/v1/conversations/\(id)/messages", method: .get, headers: [.authorization: "Bearer \(fixture.token)"]
                ) { (try? JSONValue.parse(Array($0.body.readableBytesView)))?["items"]?.array?.first }
                position = message?["position"]?.integer.map(String.init) ?? ""
                return message?["category"]?.integer == 1
            }
            let path = "/conversations/\(id)/messages/\(position)/classification"
            let page = try await C.get(app, path, session: sam)
            #expect(page.status == .ok && page.body.contains("<h1>Classification of message \(position)</h1>"), "\(page.body)")
            C.expectPageHeaders(page, "classification")
            #expect(page.body.contains("<dd>Category 1: Public</dd>") && page.body.contains("Decided by the detectors"))
            #expect(page.body.contains("From the citizen · Text") && page.body.contains("href=\"/conversations/\(id)\""))
            #expect(!page.body.contains("Is my PERMIT ready?"), "the page shows no content, as the API operation")
            let csrf = try #require(C.csrf(in: page.body))

            // Refusals: no reason, no category; nothing recorded.
            let noReason = try await C.post(app, path, session: sam, csrf: csrf, [("category", "3"), ("reason", "  ")])
            #expect(noReason.status == .unprocessableContent && noReason.body.contains("id=\"classification-reason-error\""))
            #expect(noReason.body.contains("<option value=\"3\" selected>"))
            let noCategory = try await C.post(app, path, session: sam, csrf: csrf, [("category", "9"), ("reason", "x")])
            #expect(noCategory.status == .unprocessableContent && noCategory.body.contains("id=\"classification-category-error\""))
            let forged = try await C.post(app, path, session: sam, csrf: nil, [("category", "3"), ("reason", "forged")])
            #expect(forged.status == .forbidden)
            let staffDecisions = { try await Agent.entries(store).filter { $0.type == "record.classified" && $0.actor.hasPrefix("staff:") } }
            #expect(try await staffDecisions().isEmpty)

            let changed = try await C.post(app, path, session: sam, csrf: csrf, [("category", "3"), ("reason", "The citizen gave their SSN by phone.")])
            #expect(changed.status == .seeOther && changed.headers[.location] == "/conversations/\(id)?done=classified")
            let recorded = try await staffDecisions()
            #expect(recorded.count == 1 && recorded[0].actor == "staff:sam", "\(recorded)")
            #expect(recorded.first?.header.contains("\"source\":\"staff\"") == true && recorded.first?.header.contains("\"category\":3") == true)
            try await eventually("the page does not show the staff decision") {
                let after = try await C.get(app, path, session: sam)
                return after.body.contains("<dd>Category 3: Confidential</dd>") && after.body.contains("Set by staff:sam")
                    && after.body.contains("changed from category 1") && after.body.contains("The citizen gave their SSN by phone.")
            }

            // A records officer may change it too; an agent may not; unknown messages and conversations are 404 pages.
            let rob = try await C.session(store, name: "rob", password: Self.password)
            #expect(try await C.get(app, path, session: rob).status == .ok)
            let alice = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, path, session: alice).status == .forbidden)
            for missing in [
                "/conversations/\(id)/messages/999999/classification", "/conversations/\(id)/messages/zero/classification",
                "/conversations/not-an-id/messages/\(position)/classification",
            ] {
                let answer = try await C.get(app, missing, session: sam)
                #expect(answer.status == .notFound && answer.body.contains("<h1>Page not found</h1>"), "\(missing)")
            }
            let elsewhere = try await C.post(
                app, "/conversations/\(try #require(fixture.ids["0002"]))/messages/\(position)/classification", session: sam, csrf: csrf,
                [("category", "2"), ("reason", "Wrong conversation")])
            #expect(elsewhere.status == .notFound, "a position of another conversation is no message of this one")
            #expect(try await staffDecisions().count == 1)
        }
    }
}
