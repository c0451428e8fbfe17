import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import ServiceTestSupport
import TestSupport
import Testing

/// The auditor's pages (issue 16, item 6): the ledger's head, "Verify now" and its progress
/// page, an entry's inclusion proof, the access log with its filters; on a real database.
@Suite("Web audit pages", .timeLimit(.minutes(5)))
struct WebAuditPagesTests {
    typealias C = WebPageClient
    static let password = "a long enough passphrase"

    @Test("an auditor sees the ledger's head, verifies it, reads a proof and the access log filtered by user, record and day")
    func auditPages() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            for (name, role) in [("avery", StaffRole.auditor), ("quinn", .requestOfficer), ("alice", .agent)] {
                _ = try await directory.addUser(name: name, roles: [role], password: Self.password, actor: "test")
            }
            let avery = try await C.session(store, name: "avery", password: Self.password)
            let quinn = try await C.session(store, name: "quinn", password: Self.password)
            let auditor = AccessAuditor(store: store, ledger: "main")
            let quinnPrincipal = try #require(try await directory.principal(forSession: quinn))
            let averyPrincipal = try #require(try await directory.principal(forSession: avery))
            _ = try await auditor.viewed(
                AccessRecord(action: .requestsManage, route: "GET /requests/{id}/review", records: ["request:PRR-2026-0001"]), by: quinnPrincipal)
            _ = try await auditor.viewed(AccessRecord(action: .ledgerRead, route: "GET /audit", records: ["message:1"]), by: averyPrincipal)
            let ref = try #require(try await store.existingLedger(named: "main"))
            let head = try await store.head(of: ref)

            let home = try await C.get(app, "/audit", session: avery)
            #expect(home.status == .ok, "\(home.body)")
            #expect(home.body.contains("<dt>Entries (tree size)</dt><dd>\(head.position)</dd>") && home.body.contains(head.hash.hex), "\(home.body)")
            #expect(home.body.contains(try await store.treeRoot(ledger: "main", size: head.position).hex))
            #expect(home.body.contains("No signed checkpoint has been made yet.") && home.body.contains("No verification has run"))
            C.expectPageHeaders(home, "audit")
            let alice = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, "/audit", session: alice).status == .forbidden)

            // Verify now: a forged form starts nothing; the real one runs and its page shows the result.
            let csrf = try #require(C.csrf(in: home.body))
            #expect(try await C.post(app, "/audit/verification", session: avery, csrf: nil, []).status == .forbidden)
            let none = try await C.get(app, "/audit/verification", session: avery)
            #expect(none.body.contains("No verification has run"))
            let start = try await C.post(app, "/audit/verification", session: avery, csrf: csrf, [])
            #expect(start.status == .seeOther && start.headers[.location] == "/audit/verification")
            try await eventually("the verification did not finish") {
                try await C.get(app, "/audit/verification", session: avery).body.contains("<strong>Passed:</strong>")
            }
            let done = try await C.get(app, "/audit/verification", session: avery)
            #expect(done.body.contains("by staff:avery") && !done.body.contains("data-poll"), "\(done.body)")
            #expect(try await C.get(app, "/audit", session: avery).body.contains("<strong>passed</strong>"))

            // The inclusion proof of entry 1, and positions it cannot prove.
            let proof = try await C.get(app, "/audit/proofs?position=1", session: avery)
            let expected = try await store.inclusionProof(ledger: "main", position: 1)
            #expect(proof.status == .ok && proof.body.contains("<h2 id=\"proof-heading\">Entry 1</h2>"), "\(proof.body)")
            #expect(proof.body.contains(expected.rootHash) && proof.body.contains(expected.leafHash))
            for (position, text) in [("0", "whole number"), ("abc", "whole number"), ("999999", "The ledger has")] {
                let bad = try await C.get(app, "/audit/proofs?position=\(position)", session: avery)
                #expect(bad.status == .badRequest && bad.body.contains(text) && bad.body.contains("id=\"position-error\""), "\(position): \(bad.body)")
            }
            #expect(try await C.get(app, "/audit/proofs", session: avery).status == .ok)

            // The access log (a projection the workers keep), filtered.
            _ = try await ProjectionRunner(store: store, projections: [AccessLogProjection()], logger: testLogger).catchUp(
                AccessLogProjection(), ledger: "main")
            let all = try await C.get(app, "/audit/accesses", session: avery)
            #expect(all.status == .ok && all.body.contains("<td>quinn</td>") && all.body.contains("<td>avery</td>"), "\(all.body)")
            let byUser = try await C.get(app, "/audit/accesses?user=quinn", session: avery)
            #expect(byUser.body.contains("request:PRR-2026-0001") && !byUser.body.contains("<td>avery</td>"), "\(byUser.body)")
            let byRecord = try await C.get(app, "/audit/accesses?record=message%3A1", session: avery)
            #expect(byRecord.body.contains("<td>avery</td>") && !byRecord.body.contains("<td>quinn</td>"))
            let tomorrow = String(Date().addingTimeInterval(86_400 * 2).ISO8601Format().prefix(10))
            let later = try await C.get(app, "/audit/accesses?from=\(tomorrow)", session: avery)
            #expect(later.status == .ok && later.body.contains("No access matches these filters"))
            let badDay = try await C.get(app, "/audit/accesses?from=yesterday", session: avery)
            #expect(badDay.status == .badRequest && badDay.body.contains("id=\"from-error\""))
        }
    }
}
