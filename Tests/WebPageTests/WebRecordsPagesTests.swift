import Access
import Disposition
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import Retention
import ServiceTestSupport
import TestSupport
import Testing

/// The records officer's pages (issue 16 item 4) over loopback HTTP on a real database: each
/// page for the roles allowed, forged forms changing nothing, each action doing what its `/v1`
/// route does (checked in the ledger through the domain modules), unknown ids as 404 pages.
@Suite("Web records pages", .timeLimit(.minutes(5)))
struct WebRecordsPagesTests {
    typealias C = WebPageClient
    typealias F = WhatsAppFixtures

    static let password = "a long enough passphrase"
    /// Three citizens who wrote in November 2022: past the two years of GS2010-001.
    static let citizens = ["16505550181", "16505550182", "16505550183"].map { FixtureCitizen(waID: $0) }
    static let longAgo: Int64 = -(3 * 365 * 86_400) + 86_400
    static func record(_ citizen: FixtureCitizen) -> String { "\(F.stream(citizen))@2022-11" }

    /// The Washington core schedule, with GS2010-001 needing two people's approval.
    static func catalog() throws -> RetentionCatalog {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml")
        var catalog = try RetentionCatalog(yaml: String(contentsOf: url, encoding: .utf8), file: "config/retention/washington-core.yaml")
        for index in catalog.series.indices where catalog.series[index].dan == "GS2010-001" { catalog.series[index].twoPersonApproval = true }
        return catalog
    }

    /// The schedule, three old conversations, and staff: two records officers, an auditor, an agent.
    static func seed(_ store: LedgerStore) async throws -> (rita: String, ross: String, auditor: String, agent: String) {
        _ = try await RetentionCatalogs(store: store, ledger: "main").load(try catalog(), actor: "test:officer")
        for (index, citizen) in citizens.enumerated() {
            _ = try await store.append(
                [F.message("wamid.web-retention-\(index)", from: citizen, at: longAgo + Int64(index) * 3600, body: ["body": "case \(index)"])], to: "main")
        }
        try await makeRunner(store).catchUpAll()
        // The filer files them by default (the needs-filing queue), as `recordkeeper work` does.
        _ = try await RetentionFiler(ledger: "main", store: store, logger: testLogger).runUntilIdle()
        try await makeRunner(store).catchUpAll()
        let directory = TestStaff.directory(store)
        for (name, role) in [("rita", StaffRole.recordsOfficer), ("ross", .recordsOfficer), ("avery", .auditor), ("alex", .agent)] {
            _ = try await directory.addUser(name: name, roles: [role], teams: role == .agent ? ["benefits"] : [], password: password, actor: "test")
        }
        return (
            try await C.session(store, name: "rita", password: password), try await C.session(store, name: "ross", password: password),
            try await C.session(store, name: "avery", password: password), try await C.session(store, name: "alex", password: password)
        )
    }

    static func head(_ store: LedgerStore) async throws -> Int64 {
        guard let ref = try await store.existingLedger(named: "main") else { return 0 }
        return try await store.head(of: ref).position
    }

    /// Posts `fields` from the page at `from` (with its token), as a browser does.
    static func submit(
        _ app: any TestClientProtocol, from: String, to action: String, session: String, _ fields: [(String, String)]
    ) async throws -> PageAnswer {
        let page = try await C.get(app, from, session: session)
        #expect(page.status == .ok, "\(from): \(page.status)")
        return try await C.post(app, action, session: session, csrf: C.csrf(in: page.body), fields)
    }

    @Test("overview and schedule: the status report by series and month, the series in force; auditors read, agents are refused")
    func overview() async throws {
        try await C.withWebApp { app, store in
            let staff = try await Self.seed(store)
            let overview = try await C.get(app, "/retention", session: staff.auditor)
            #expect(overview.status == .ok, "\(overview.body)")
            #expect(overview.body.contains("<h1>Retention</h1>") && overview.body.contains("Records by series") && overview.body.contains("Records by month"))
            #expect(overview.body.contains("<th scope=\"row\">2022-11</th>"), "the month of the three records")
            let month = try #require(overview.body.range(of: "<th scope=\"row\">2022-11</th>\n<td>"))
            #expect(overview.body[month.upperBound...].hasPrefix("3</td>"), "three records in November 2022")
            C.expectPageHeaders(overview, "overview")
            let catalog = try await C.get(app, "/retention/catalog", session: staff.rita)
            #expect(catalog.status == .ok && catalog.body.contains("washington-core"))
            #expect(catalog.body.contains("GS2010-001 (default)") && catalog.body.contains("<td>2 years</td>") && catalog.body.contains("Two people"))
            #expect(catalog.body.contains("Transfer to the archives") && catalog.body.contains("Archival (appraisal required)"))
            for path in ["/retention", "/retention/catalog", "/retention/holds", "/retention/lists", "/retention/destructions", "/retention/queue"] {
                let refused = try await C.get(app, path, session: staff.agent)
                #expect(refused.status == .forbidden && refused.body.contains("<h1>Not allowed</h1>"), "\(path)")
                let read = try await C.get(app, path, session: staff.auditor)
                #expect(read.status == .ok, "\(path): \(read.body)")
                #expect(!read.body.contains("Run disposition</button>") && !read.body.contains("Place the hold</button>"), "\(path): an auditor only reads")
            }
        }
    }

    @Test("a records officer files by hand, holds one citizen, runs disposition, two people approve, destroys; refusals and forgeries write nothing")
    func disposition() async throws {
        try await C.withWebApp { app, store in
            let staff = try await Self.seed(store)
            let (first, second, held) = (Self.record(Self.citizens[0]), Self.record(Self.citizens[1]), Self.record(Self.citizens[2]))

            // The queue lists the three records; filing without a reason is refused at its field.
            let queue = try await C.get(app, "/retention/queue", session: staff.rita)
            #expect(queue.body.contains(first) && queue.body.contains(second) && queue.body.contains(held), "\(queue.body)")
            var before = try await Self.head(store)
            var answer = try await Self.submit(
                app, from: "/retention/queue", to: "/retention/queue/filing", session: staff.rita,
                [("filing-record", first), ("filing-series", "GS0000-000"), ("filing-reason", "routine")])
            #expect(answer.status == .unprocessableContent && answer.body.contains("id=\"filing-series-error\""), "\(answer.body)")
            #expect(answer.body.contains("aria-describedby=\"filing-series-hint filing-series-error\""))
            #expect(try await Self.head(store) == before, "a refused filing writes nothing")
            answer = try await C.post(
                app, "/retention/queue/filing", session: staff.rita, csrf: nil,
                [("filing-record", first), ("filing-series", "GS2010-001"), ("filing-reason", "x")])
            #expect(answer.status == .forbidden && answer.body.contains("Form not accepted"))
            answer = try await C.post(
                app, "/retention/queue/filing", session: staff.rita, csrf: "forged",
                [("filing-record", first), ("filing-series", "GS2010-001"), ("filing-reason", "x")])
            #expect(answer.status == .forbidden)
            #expect(try await Self.head(store) == before, "a forged form writes nothing")
            for record in [first, second, held] {
                answer = try await Self.submit(
                    app, from: "/retention/queue", to: "/retention/queue/filing", session: staff.rita,
                    [("filing-record", record), ("filing-series", "GS2010-001"), ("filing-reason", "routine correspondence")])
                #expect(answer.status == .seeOther && answer.headers[.location]?.hasPrefix("/retention/queue?filed=") == true, "\(answer.body)")
            }
            let filing = RetentionFiling(store: store, ledger: "main")
            try await filing.catchUp()
            #expect(try await filing.record(try #require(RetentionRecordID(first)))?.source?.rawValue == "manual")
            let filed = try await C.get(app, "/retention/queue?filed=x", session: staff.rita)
            #expect(filed.body.contains("No record needs filing.") && filed.body.contains("role=\"status\""))

            // A hold on nothing is refused with the domain's message, tied to the scope fields.
            before = try await Self.head(store)
            let hold = [
                ("hold-type", "litigation"), ("hold-matter", "Case 26-2-01234-5"), ("hold-custodian", "Records office"), ("hold-reason", "complaint filed"),
            ]
            answer = try await Self.submit(app, from: "/retention/holds", to: "/retention/holds", session: staff.rita, hold)
            #expect(answer.status == .unprocessableContent, "\(answer.body)")
            #expect(
                answer.body.contains("id=\"scope-error\"") && answer.body.contains(Retention.LegalHoldError.emptyScope.description.dropFirst()),
                "\(answer.body)")
            #expect(answer.body.contains("aria-describedby=\"scope-error scope-citizens-hint\"") || answer.body.contains("aria-describedby=\"scope-error"))
            #expect(answer.body.contains("value=\"Case 26-2-01234-5\""), "what was entered is kept")
            answer = try await C.post(app, "/retention/holds", session: staff.rita, csrf: nil, hold + [("scope-citizens", "+16505550183")])
            #expect(answer.status == .forbidden)
            #expect(try await Self.head(store) == before)
            answer = try await Self.submit(
                app, from: "/retention/holds", to: "/retention/holds", session: staff.rita, hold + [("scope-citizens", "+16505550183")])
            #expect(answer.status == .seeOther, "\(answer.body)")
            let holds = try await LegalHolds(store: store, ledger: "main").list()
            #expect(holds.count == 1 && holds.first?.type == .litigation && holds.first?.actor == "staff:rita", "\(holds)")
            let holdID = try #require(holds.first?.id)
            let holdPage = try await C.get(app, "/retention/holds/\(holdID)", session: staff.auditor)
            #expect(
                holdPage.status == .ok && holdPage.body.contains("Case 26-2-01234-5") && holdPage.body.contains("<dt>Records covered now</dt><dd>1</dd>"),
                "\(holdPage.body)")
            #expect(!holdPage.body.contains("Release the hold"), "an auditor cannot release")
            #expect(try await C.get(app, "/retention/holds/H-999", session: staff.rita).status == .notFound)

            // Disposition: one list of the two records the hold does not cover.
            answer = try await Self.submit(app, from: "/retention/lists", to: "/retention/lists", session: staff.rita, [("series", "")])
            #expect(answer.status == .seeOther && answer.headers[.location] == "/retention/lists?made=1", "\(answer.body)")
            let lists = DispositionLists(store: store, ledger: "main")
            let list = try #require(try await lists.lists().first)
            #expect(Set(list.items.map(\.record.description)) == [first, second], "the held citizen's record is not listed")
            let listPath = "/retention/lists/\(list.list)"
            let listPage = try await C.get(app, listPath, session: staff.rita)
            #expect(listPage.status == .ok && listPage.body.contains(first) && !listPage.body.contains(held), "\(listPage.body)")
            #expect(listPage.body.contains("0 of 2 required") && listPage.body.contains("Approve list \(list.list)"))
            #expect(try await C.get(app, "/retention/lists/DL-20990101-00000000", session: staff.rita).status == .notFound)

            // Review: excluding with no records ticked or no reason is refused at the fields.
            before = try await Self.head(store)
            answer = try await Self.submit(
                app, from: listPath, to: listPath + "/review", session: staff.rita, [("decision", "exclude"), ("review-reason", "keep")])
            #expect(answer.status == .unprocessableContent && answer.body.contains("id=\"records-error\""), "\(answer.body)")
            answer = try await Self.submit(app, from: listPath, to: listPath + "/review", session: staff.rita, [("record-2", second), ("decision", "defer")])
            #expect(answer.status == .unprocessableContent && answer.body.contains("id=\"review-until-error\""), "\(answer.body)")
            #expect(try await Self.head(store) == before)

            // Approval: Rita, Rita again (refused with the domain's message), then Ross.
            answer = try await Self.submit(app, from: listPath, to: listPath + "/approval", session: staff.rita, [])
            #expect(answer.status == .seeOther && answer.headers[.location] == listPath + "?done=approved", "\(answer.body)")
            before = try await Self.head(store)
            answer = try await Self.submit(app, from: listPath, to: listPath + "/approval", session: staff.rita, [])
            #expect(answer.status == .unprocessableContent, "\(answer.body)")
            #expect(answer.body.contains("staff:rita approved list \(list.list) already"), "\(answer.body)")
            #expect(try await Self.head(store) == before, "a refused approval writes nothing")
            answer = try await C.post(app, listPath + "/approval", session: staff.ross, csrf: "forged", [])
            #expect(answer.status == .forbidden)
            #expect(try await Self.head(store) == before, "a forged approval writes nothing")
            answer = try await Self.submit(app, from: listPath, to: listPath + "/approval", session: staff.ross, [])
            #expect(answer.status == .seeOther)
            let approved = try await lists.show(list: list.list)
            #expect(approved.approved && approved.approvals.map(\.actor) == ["staff:rita", "staff:ross"], "\(approved.approvals)")
            let approvedPage = try await C.get(app, listPath + "?done=approved", session: staff.rita)
            #expect(approvedPage.body.contains("Your approval is recorded.") && approvedPage.body.contains("Destroy the records of list"))

            // Destruction, the log and the certificate.
            answer = try await Self.submit(app, from: listPath, to: listPath + "/destruction", session: staff.rita, [])
            #expect(answer.status == .seeOther && answer.headers[.location] == listPath + "?done=destroyed", "\(answer.body)")
            let destroyed = try await lists.show(list: list.list)
            #expect(destroyed.items.allSatisfy(\.destroyed) && destroyed.status == "destroyed")
            let log = try await C.get(app, "/retention/destructions", session: staff.auditor)
            #expect(log.status == .ok && log.body.contains("Certificate of \(list.list)"), "\(log.body)")
            let certificate = try await C.get(app, "/retention/destructions/\(list.list)/certificate", session: staff.auditor)
            #expect(certificate.status == .ok && certificate.body.contains("Certificate of records destruction") && certificate.body.contains(first))
            #expect(certificate.body.components(separatedBy: "<h1").count == 2 && !certificate.body.contains("<style"), "one h1, no inline style")
            C.expectPageHeaders(certificate, "certificate")
            #expect(try await C.get(app, "/retention/destructions/DL-20990101-00000000/certificate", session: staff.auditor).status == .notFound)

            // Release the hold with a reason.
            answer = try await Self.submit(app, from: "/retention/holds/\(holdID)", to: "/retention/holds/\(holdID)/release", session: staff.rita, [])
            #expect(answer.status == .unprocessableContent && answer.body.contains("id=\"release-reason-error\""))
            answer = try await Self.submit(
                app, from: "/retention/holds/\(holdID)", to: "/retention/holds/\(holdID)/release", session: staff.rita, [("release-reason", "case settled")])
            #expect(answer.status == .seeOther, "\(answer.body)")
            let released = try await LegalHolds(store: store, ledger: "main").list(active: false)
            #expect(released.first?.release?.reason == "case settled" && released.first?.release?.actor == "staff:rita")
        }
    }
}
