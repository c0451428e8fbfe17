import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing

/// The inbox page: the agent's team inbox through the same query as `GET /v1/inbox`.
@Suite("Web inbox page", .timeLimit(.minutes(5)))
struct WebInboxPageTests {
    typealias C = WebPageClient

    @Test("an agent sees their team's conversations only: citizen masked, state, assignee, unread, the reply window in words")
    func inbox() async throws {
        try await C.withWebApp(runProjections: true) { app, store in
            let directory = TestStaff.directory(store)
            for (name, role, teams) in [("sam", StaffRole.supervisor, Set<String>()), ("alice", .agent, ["permits"])] {
                _ = try await directory.addUser(name: name, roles: [role], teams: teams, password: "a long enough passphrase", actor: "test")
            }
            let token = try await directory.issueToken(user: "sam", actor: "test").token
            let rules = #"{"default_team":"general","rules":[{"id":"p","team":"permits","keywords":["permit"]}]}"#
            let set = try await app.execute(
                uri: "/v1/routing/rules", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: rules)
            ) { $0.status }
            #expect(set == .ok)
            let now = Int64(Date().timeIntervalSince1970)
            for (wamid, citizen, text) in [("wamid.w1", "16505550001", "Is my PERMIT ready?"), ("wamid.w2", "16505550002", "Pothole on 5th street")] {
                let body = WebhookDeliveries.textDelivery(wamid: wamid, waID: citizen, text: text, timestamp: now)
                try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
            }
            try await eventually("the inbox did not route both conversations") {
                let items = try await app.execute(uri: "/v1/inbox", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    (try? JSONValue.parse(Array(response.body.readableBytesView)))?["items"]?.array ?? []
                }
                return items.count == 2 && items.allSatisfy { $0["team"]?.string != nil }
            }

            let alice = try await C.session(store, name: "alice", password: "a long enough passphrase")
            let page = try await C.get(app, "/inbox", session: alice)
            #expect(page.status == .ok)
            #expect(page.body.contains("<td>Number •••• 0001</td>") && !page.body.contains("•••• 0002"), "\(page.body)")
            #expect(!page.body.contains("16505550001"), "the whole number is never shown")
            #expect(page.body.contains("<td>permits</td>") && page.body.contains("<td>open</td>") && page.body.contains("<td>Unassigned</td>"))
            #expect(page.body.contains("<td><strong>1</strong></td>"))
            #expect(page.body.contains("Open: 23 h") && page.body.contains("data-window-closes=\""))
            #expect(page.body.contains("<a href=\"/inbox\" aria-current=\"page\">All</a>"))
            C.expectPageHeaders(page, "inbox")

            // The supervisor sees both teams.
            let sam = try await C.session(store, name: "sam", password: "a long enough passphrase")
            let all = try await C.get(app, "/inbox", session: sam)
            #expect(all.body.contains("Number •••• 0001") && all.body.contains("Number •••• 0002"))
            #expect(all.body.contains("<td>general</td>"))

            // Pages: one conversation a page, the next page holds the other.
            let first = try await C.get(app, "/inbox?limit=1", session: sam)
            #expect(first.body.components(separatedBy: "<tr data-conversation=").count == 2 && !first.body.contains("First page"))
            let nextLink = try #require(
                first.body.range(of: "\">Next page</a>").flatMap { end in
                    first.body[..<end.lowerBound].range(of: "href=\"", options: .backwards).map { String(first.body[$0.upperBound..<end.lowerBound]) }
                })
            #expect(nextLink.hasPrefix("/inbox?limit=1&amp;cursor="), "\(nextLink)")
            let second = try await C.get(app, nextLink.replacingOccurrences(of: "&amp;", with: "&"), session: sam)
            #expect(second.status == .ok && second.body.components(separatedBy: "<tr data-conversation=").count == 2)
            #expect(second.body.contains("<a href=\"/inbox?limit=1\">First page</a>") && !second.body.contains("Next page"))
            let shown = [first.body, second.body].map { $0.contains("•••• 0001") ? "0001" : $0.contains("•••• 0002") ? "0002" : "?" }
            #expect(Set(shown) == ["0001", "0002"], "\(shown)")

            // Queues by state; what the page cannot use is a 400 page.
            let closed = try await C.get(app, "/inbox?state=closed", session: alice)
            #expect(closed.status == .ok && closed.body.contains("No conversations in this queue."))
            #expect(closed.body.contains("<a href=\"/inbox?state=closed\" aria-current=\"page\">Closed</a>"))
            for bad in ["/inbox?state=everything", "/inbox?cursor=not-a-cursor", "/inbox?limit=0", "/inbox?limit=many"] {
                let answer = try await C.get(app, bad, session: alice)
                #expect(answer.status == .badRequest && answer.body.contains("<h1>Request not understood</h1>"), "\(bad)")
            }
        }
    }
}
