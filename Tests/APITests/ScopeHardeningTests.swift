import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// What an outside review found in team scope and masking (issue 12, findings 1, 2, 4 and 5):
/// a second role never widens an agent's teams, unclassified content is withheld until the
/// classifier decides, a send request's status is as scoped as its conversation, and a probe of
/// another team's conversation is on the record.
@Suite("Scope and masking hardening", .timeLimit(.minutes(5)))
struct ScopeHardeningTests {
    typealias F = WhatsAppFixtures
    static let citizen = FixtureCitizen(waID: "16505550177")
    static let ssnText = "my SSN is 219-09-9999, please update the permit"

    /// One conversation, routed to `general`, whose only message carries an SSN and is never
    /// classified (the classifier does not run in this app).
    @Test("agents of another team (whatever their other roles) see nothing and are recorded; unclassified content is withheld below clearance 4")
    func scopeAndFailClosedMasking() async throws {
        try await withMigratedDatabase { db in
            let tokens = try await db.withStore { _, store in
                _ = try await store.append(F.message("wamid.scope-1", from: Self.citizen, at: 100, body: ["body": Self.ssnText]), to: "main")
                var tokens: [String: String] = [:]
                tokens["general"] = try await TestStaff.token(store, name: "agent-general", roles: [.agent], teams: ["general"])
                tokens["agent+auditor"] = try await TestStaff.token(store, name: "agent-auditor", roles: [.agent, .auditor], teams: ["permits"])
                tokens["agent+admin"] = try await TestStaff.token(store, name: "agent-admin", roles: [.agent, .admin], teams: ["permits"])
                tokens["officer"] = try await TestStaff.token(store, name: "officer", roles: [.recordsOfficer])
                return tokens
            }
            try await withConversationApp(db, token: nil, runProjections: true) { app in
                var found: String?
                try await eventually("the delivered message opened no conversation") {
                    let (_, list) = try await get(app, "/v1/conversations", token: tokens["officer"]!)
                    found = ((list["items"] as? [[String: Any]])?.first)?["id"] as? String
                    return found != nil
                }
                let id = try #require(found)
                // Finding 4: the id is opaque: it carries no phone number, and the old form of an id
                // (the base64 of the conversation's stream) names no conversation.
                let decoded =
                    Data(
                        base64Encoded: id.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                            + String(repeating: "=", count: (4 - id.count % 4) % 4)) ?? Data()
                #expect(!String(decoding: decoded, as: UTF8.self).contains(Self.citizen.waID!), "the conversation id reveals the phone number")
                let oldForm = Data(F.stream(Self.citizen).utf8).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                #expect(try await StaffAccessTests.status(app, "/v1/conversations/\(oldForm)", token: tokens["officer"]!) == .notFound)
                let timeline = "/v1/conversations/\(id)/messages"
                // Wait until the router gave the conversation to `general`.
                try await eventually("the agent cannot read the timeline") {
                    try await StaffAccessTests.status(app, timeline, token: tokens["general"]!) == .ok
                }

                // Finding 2: not classified yet → withheld from the agent (clearance 2); the records officer (4) reads it.
                let agentItem = try await StaffAccessTests.firstItem(app, timeline, headers: [.authorization: "Bearer \(tokens["general"]!)"])
                let agentContent = try #require(agentItem["content"] as? [String: Any])
                #expect(agentContent["state"] as? String == "withheld")
                #expect((agentContent["reason"] as? String)?.contains("not classified yet") == true)
                #expect(agentItem["masked"] as? Bool == true)
                #expect(!String(describing: agentItem).contains("219-09-9999"))
                let officerItem = try await StaffAccessTests.firstItem(app, timeline, headers: [.authorization: "Bearer \(tokens["officer"]!)"])
                #expect(StaffAccessTests.text(officerItem) == Self.ssnText)

                // Finding 1: an agent of `permits` with an auditor's or an admin's role too sees none of `general`.
                for who in ["agent+auditor", "agent+admin"] {
                    #expect(try await StaffAccessTests.status(app, timeline, token: tokens[who]!) == .notFound, "\(who) read another team's timeline")
                    #expect(try await StaffAccessTests.status(app, "/v1/conversations/\(id)", token: tokens[who]!) == .notFound)
                    let (_, theirs) = try await get(app, "/v1/conversations", token: tokens[who]!)
                    #expect((theirs["items"] as? [Any])?.isEmpty == true, "\(who) lists another team's conversation")
                }

                // Finding 4: a send request's status is scoped like its conversation.
                let send = try await app.execute(
                    uri: "/v1/conversations/\(id)/messages", method: .post,
                    headers: [.authorization: "Bearer \(tokens["general"]!)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}"#)
                ) { response in
                    (response.status, try JSONValue.parse(Array(response.body.readableBytesView)))
                }
                #expect(send.0 == .accepted)
                let statusURL = try #require(send.1.text("status_url"))
                #expect(try await StaffAccessTests.status(app, statusURL, token: tokens["general"]!) == .ok)
                #expect(try await StaffAccessTests.status(app, statusURL, token: tokens["agent+auditor"]!) == .notFound)
            }
            // Finding 5: each out-of-scope probe is an `access.denied` naming the record.
            let denied = try await StaffAccessTests.headers(db, type: AccessEvents.denied)
            for user in ["agent-auditor", "agent-admin"] {
                let theirs = denied.filter { $0.text("user") == user }
                #expect(
                    theirs.contains {
                        $0.text("route") == "GET /v1/conversations/{id}/messages" && Self.records($0).contains { $0.hasPrefix("conversation:") }
                    },
                    "no access.denied for \(user)'s probe: \(theirs)")
            }
            #expect(denied.contains { $0.text("user") == "agent-auditor" && Self.records($0).contains { $0.hasPrefix("send:") } })
        }
    }

    static func records(_ header: JSONValue) -> [String] {
        (header["records"]?.array ?? []).compactMap(\.string)
    }
}
