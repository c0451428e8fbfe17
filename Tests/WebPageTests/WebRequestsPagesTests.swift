import Access
import Deadlines
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import Requests
import ServiceTestSupport
import TestSupport
import Testing

/// The public-records officer's request pages (issue 16, item 5): the list with its filters,
/// the form that opens a request, the request's page, and running a search; each through the
/// same domain calls as `/v1/requests`, checked against the requests' projection and the ledger.
@Suite("Web request pages", .timeLimit(.minutes(5)))
struct WebRequestsPagesTests {
    typealias C = WebPageClient
    typealias F = WhatsAppFixtures
    static let password = "a long enough passphrase"

    static func head(_ store: LedgerStore) async throws -> Int64 {
        guard let ref = try await store.existingLedger(named: "main") else { return 0 }
        return try await store.head(of: ref).position
    }

    static func requests(_ store: LedgerStore) throws -> RecordsRequests {
        RecordsRequests(store: store, ledger: "main", clock: try ResponseClock.fromEnvironment(ProcessInfo.processInfo.environment))
    }

    @Test("an officer opens a request with the form; the list and the request page show it; forged or empty forms change nothing")
    func openAndShow() async throws {
        try await C.withWebApp { app, store in
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "quinn", roles: [.requestOfficer], password: Self.password, actor: "test")
            _ = try await directory.addUser(name: "avery", roles: [.auditor], password: Self.password, actor: "test")
            _ = try await directory.addUser(name: "alice", roles: [.agent], teams: ["permits"], password: Self.password, actor: "test")
            let quinn = try await C.session(store, name: "quinn", password: Self.password)

            let empty = try await C.get(app, "/requests", session: quinn)
            #expect(empty.status == .ok, "\(empty.body)")
            #expect(empty.body.contains("<h1>Public-records requests</h1>") && empty.body.contains("No requests with this status."))
            #expect(empty.body.contains("<form method=\"post\" action=\"/requests\""), "an officer may open requests")
            C.expectPageHeaders(empty, "request list")
            let csrf = try #require(C.csrf(in: empty.body))

            // Forged (no token, wrong token) and empty forms write nothing.
            let before = try await Self.head(store)
            let fields = [("channel", "email"), ("text", "All messages about the Main Street permit."), ("requester-name", "Sheena Nelson")]
            for token in [nil, "not-the-token"] {
                let forged = try await C.post(app, "/requests", session: quinn, csrf: token, fields)
                #expect(forged.status == .forbidden && forged.body.contains("Form not accepted"), "\(forged.status)")
            }
            let blank = try await C.post(app, "/requests", session: quinn, csrf: csrf, [("channel", "email"), ("text", "  ")])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.body.contains("id=\"text-error\"") && blank.body.contains("aria-describedby=\"text-hint text-error\""), "\(blank.body)")
            let future = try await C.post(
                app, "/requests", session: quinn, csrf: csrf, [("channel", "email"), ("text", "Anything"), ("received", "2999-01-01T10:00")])
            #expect(future.status == .unprocessableContent && future.body.contains("id=\"received-error\""), "\(future.body)")
            #expect(try await Self.head(store) == before, "a refused form wrote an entry")
            #expect(try await Self.requests(store).list(role: .auditor).isEmpty)

            // Opened: 303 to its page; the projection has it as the API would.
            let opened = try await C.post(app, "/requests", session: quinn, csrf: csrf, fields)
            #expect(opened.status == .seeOther, "\(opened.body)")
            let location = try #require(opened.headers[.location])
            let list = try await Self.requests(store).list(role: .auditor)
            let request = try #require(list.first)
            #expect(list.count == 1 && request.channel == .email && request.status == .open && request.receivedBy == "staff:quinn")
            #expect(location == "/requests/\(request.id)?opened=1")
            let shown = try await Self.requests(store).show(request.id, role: .auditor)
            #expect(shown.request.text == "All messages about the Main Street permit." && shown.request.requester.name == "Sheena Nelson")

            let page = try await C.get(app, location, session: quinn)
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>Request \(request.id)</h1>") && page.body.contains("The request was opened."))
            #expect(page.body.contains("All messages about the Main Street permit.") && page.body.contains("Sheena Nelson"))
            #expect(page.body.contains("<time datetime=\"\(request.dueDate.description)\">"), "the due date, as a time")
            #expect(page.body.contains("Running: first response due by"), "the clock in words")
            #expect(page.body.contains("How the due date was computed") && page.body.contains("business day 1"), "\(page.body)")
            #expect(page.body.contains("<h2 id=\"timeline-heading\">Timeline</h2>"))
            C.expectPageHeaders(page, "request page")

            // The list and its filters.
            let open = try await C.get(app, "/requests?status=open", session: quinn)
            #expect(open.body.contains("<a href=\"/requests/\(request.id)\">\(request.id)</a>"), "\(open.body)")
            #expect(open.body.contains("<a href=\"/requests?status=open\" aria-current=\"page\">Open</a>"))
            #expect(open.body.contains("<td>No</td>"), "not overdue, in words")
            let closed = try await C.get(app, "/requests?status=closed", session: quinn)
            #expect(closed.body.contains("No requests with this status.") && !closed.body.contains(request.id))
            let bad = try await C.get(app, "/requests?status=everything", session: quinn)
            #expect(bad.status == .badRequest)

            // An overdue request says so in words, and the overdue filter finds it.
            let old = try await Self.requests(store).open(
                NewRecordsRequest(channel: .mail, text: "Old letter", receivedAt: Date().addingTimeInterval(-40 * 86_400)), actor: "staff:quinn",
                role: .requestOfficer)
            let overdue = try await C.get(app, "/requests?status=overdue", session: quinn)
            #expect(overdue.body.contains(old.id) && !overdue.body.contains(">\(request.id)<"), "\(overdue.body)")
            #expect(overdue.body.contains("<strong class=\"overdue\">Overdue</strong>"))
            let oldPage = try await C.get(app, "/requests/\(old.id)", session: quinn)
            #expect(oldPage.body.contains("Overdue: first response due by"))

            // Unknown and malformed ids are 404 pages.
            for path in ["/requests/PRR-2020-9999", "/requests/nonsense"] {
                let missing = try await C.get(app, path, session: quinn)
                #expect(missing.status == .notFound && missing.body.contains("<h1>Page not found</h1>"), "\(path)")
            }

            // An auditor reads but sees no forms, and cannot open one; an agent may not see requests.
            let avery = try await C.session(store, name: "avery", password: Self.password)
            let read = try await C.get(app, "/requests", session: avery)
            #expect(read.status == .ok && read.body.contains(request.id) && !read.body.contains("action=\"/requests\""))
            let readOne = try await C.get(app, "/requests/\(request.id)", session: avery)
            #expect(readOne.status == .ok && !readOne.body.contains("Run the search"))
            let refused = try await C.post(app, "/requests", session: avery, csrf: C.csrf(in: read.body), fields)
            #expect(refused.status == .forbidden)
            let alice = try await C.session(store, name: "alice", password: Self.password)
            #expect(try await C.get(app, "/requests", session: alice).status == .forbidden)
            #expect(try await Self.requests(store).list(role: .auditor).count == 2)
        }
    }

    @Test("an officer runs a search from the request page: logged with its hold as the API's; bad filters are field errors that write nothing")
    func search() async throws {
        try await C.withWebApp { app, store in
            _ = try await store.append(
                [
                    F.message("wamid.web-req-1", from: FixtureCitizen(waID: "16505551234"), at: 100),
                    F.message("wamid.web-req-2", from: FixtureCitizen(waID: "16505550000"), at: 200),
                ], to: "main")
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "quinn", roles: [.requestOfficer], password: Self.password, actor: "test")
            let request = try await Self.requests(store).open(
                NewRecordsRequest(channel: .email, text: "Sheena's messages."), actor: "staff:quinn", role: .requestOfficer)
            let quinn = try await C.session(store, name: "quinn", password: Self.password)
            let path = "/requests/\(request.id)"
            let page = try await C.get(app, path, session: quinn)
            #expect(page.body.contains("action=\"\(path)/searches\"") && page.body.contains("No search has been run"), "\(page.body)")
            let csrf = try #require(C.csrf(in: page.body))

            let before = try await Self.head(store)
            let forged = try await C.post(app, "\(path)/searches", session: quinn, csrf: nil, [("search-citizen", "16505551234")])
            #expect(forged.status == .forbidden)
            let none = try await C.post(app, "\(path)/searches", session: quinn, csrf: csrf, [("search-words", " ")])
            #expect(none.status == .unprocessableContent && none.body.contains("search needs at least one filter"), "\(none.body)")
            let malformed = try await C.post(app, "\(path)/searches", session: quinn, csrf: csrf, [("search-citizen", "Sheena!")])
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.body.contains("id=\"search-citizen-error\"") && malformed.body.contains("value=\"Sheena!\""), "\(malformed.body)")
            let unknown = try await C.post(app, "/requests/PRR-2020-9999/searches", session: quinn, csrf: csrf, [("search-citizen", "16505551234")])
            #expect(unknown.status == .notFound)
            #expect(try await Self.head(store) == before, "a refused search wrote an entry")

            let run = try await C.post(app, "\(path)/searches", session: quinn, csrf: csrf, [("search-citizen", "+1 650 555 1234")])
            #expect(run.status == .seeOther && run.headers[.location] == "\(path)?searched=1", "\(run.body)")
            let logged = try await RequestSearches(store: store, ledger: "main").list(request.id, role: .auditor)
            #expect(logged.count == 1 && logged.first?.resultCount == 1 && logged.first?.holds == ["H-1"] && logged.first?.actor == "staff:quinn")
            let after = try await C.get(app, "\(path)?searched=1", session: quinn)
            #expect(after.body.contains("Search 1 was run and logged"))
            #expect(after.body.contains("<h3>Search 1</h3>") && after.body.contains("<strong>1 messages</strong>") && after.body.contains("H-1"))
            #expect(after.body.contains(logged.first?.resultSHA256 ?? "-"), "the result digest is shown")
        }
    }

    @Test("the redaction review marks the suggestions in the text, records the view, and applies, returns, approves and withdraws as the API")
    func redactionReview() async throws {
        try await C.withWebApp { app, store in
            let ssn = "123-45-6789"
            let text = "Hello, my SSN is \(ssn) and I need the permit."
            let citizen = FixtureCitizen(waID: "16505551234")
            _ = try await store.append(
                [
                    F.message("wamid.web-rv-1", from: citizen, at: 100, body: ["body": text]),
                    F.message("wamid.web-rv-2", from: citizen, at: 200, body: ["body": "Thank you."]),
                ], to: "main")
            let directory = TestStaff.directory(store)
            _ = try await directory.addUser(name: "quinn", roles: [.requestOfficer], password: Self.password, actor: "test")
            _ = try await directory.addUser(name: "avery", roles: [.auditor], password: Self.password, actor: "test")
            let request = try await Self.requests(store).open(
                NewRecordsRequest(channel: .email, text: "Sheena's messages."), actor: "staff:quinn", role: .requestOfficer)
            let searches = RequestSearches(store: store, ledger: "main")
            _ = try await searches.run(
                request.id, filters: try RequestSearchFilters.parse([("citizen", "16505551234")]), actor: "staff:quinn", role: .requestOfficer)
            let position = try #require(try await searches.results(request.id, search: 1, role: .auditor).first?.position)
            let suggestion = try #require(RedactionSuggester.suggestions(in: text, position: position, list: .washington).first)
            #expect(suggestion.matched == ssn)
            let key = "s-\(position)-\(suggestion.start)"
            let quinn = try await C.session(store, name: "quinn", password: Self.password)
            let path = "/requests/\(request.id)/review"

            // The request page links to the review; the review shows the text with the suggestion marked, and is on the record.
            let show = try await C.get(app, "/requests/\(request.id)", session: quinn)
            #expect(show.body.contains("<a href=\"\(path)\">"), "\(show.body)")
            var before = try await Self.head(store)
            let page = try await C.get(app, path, session: quinn)
            #expect(page.status == .ok, "\(page.body)")
            #expect(
                page.body.contains("<mark>\(ssn)</mark> <span class=\"mark-label\">[S1: suggested, \(suggestion.exemption.citation)]</span>"), "\(page.body)")
            #expect(page.body.contains("Hello, my SSN is ") && page.body.contains("Thank you."))
            #expect(page.body.contains("<option value=\"\(suggestion.exemption.code)\" selected>"), "the suggested exemption is preselected")
            #expect(page.body.contains("<dt>\(suggestion.exemption.citation): \(suggestion.exemption.title)"), "the exemptions are listed")
            C.expectPageHeaders(page, "review")
            #expect(try await Self.head(store) == before + 1, "the view was recorded")
            // The access log (a projection the workers keep) shows it.
            _ = try await ProjectionRunner(store: store, projections: [AccessLogProjection()], logger: testLogger).catchUp(
                AccessLogProjection(), ledger: "main")
            let accesses = try await AccessLogQueries(store: store).entries(
                ledger: "main", user: "quinn", record: "request:\(request.id)", since: nil, until: nil, before: nil, limit: 5)
            #expect(accesses.first?.route == "GET /requests/{id}/review" && accesses.first?.records.contains("message:\(position)") == true, "\(accesses)")

            let avery = try await C.session(store, name: "avery", password: Self.password)
            #expect(try await C.get(app, path, session: avery).status == .forbidden, "auditors see no suggestions")
            #expect(try await C.get(app, "/requests/PRR-2020-9999/review", session: quinn).status == .notFound)
            #expect(try await C.get(app, "\(path)?search=7", session: quinn).status == .notFound)

            // Applying: a forged form and a boilerplate explanation change nothing.
            let csrf = try #require(C.csrf(in: page.body))
            let apply = "/requests/\(request.id)/redactions"
            let fields = [
                ("form", key), ("search", "1"), ("position", String(position)), ("kind", "span"), ("start", String(suggestion.start)),
                ("length", String(suggestion.length)), ("exemption", suggestion.exemption.code),
            ]
            before = try await Self.head(store)
            let forged = try await C.post(app, apply, session: quinn, csrf: "forged", fields + [("explanation", "the resident's social security number")])
            #expect(forged.status == .forbidden)
            let boilerplate = try await C.post(app, apply, session: quinn, csrf: csrf, fields + [("explanation", suggestion.exemption.citation)])
            #expect(boilerplate.status == .unprocessableContent)
            #expect(boilerplate.body.contains("id=\"\(key)-explanation-error\""), "\(boilerplate.body)")
            #expect(try await Self.head(store) == before + 1, "only the review page's view was recorded")
            let redactions = RequestRedactions(store: store, ledger: "main")
            #expect(try await redactions.list(request.id, role: .auditor).isEmpty)

            let applied = try await C.post(
                app, apply, session: quinn, csrf: csrf, fields + [("explanation", "the resident's social security number, given to identify them")])
            #expect(applied.status == .seeOther && applied.headers[.location] == "\(path)?search=1&done=applied", "\(applied.body)")
            var listed = try await redactions.list(request.id, role: .auditor)
            #expect(listed.count == 1 && listed.first?.state == .applied && listed.first?.target == .span(start: suggestion.start, length: suggestion.length))
            #expect(listed.first?.appliedBy == "staff:quinn" && listed.first?.exemption == suggestion.exemption.code)
            let after = try await C.get(app, "\(path)?search=1&done=applied", session: quinn)
            #expect(after.body.contains("The redaction was applied.") && after.body.contains("Redaction R1: applied"), "\(after.body)")

            // Review: returning needs a reason; then withdraw, apply again and approve.
            let returned = try await C.post(app, "\(apply)/1/review", session: quinn, csrf: csrf, [("search", "1"), ("decision", "return")])
            #expect(returned.status == .unprocessableContent && returned.body.contains("id=\"R1-review-reason-error\""), "\(returned.body)")
            let withReason = try await C.post(
                app, "\(apply)/1/review", session: quinn, csrf: csrf, [("search", "1"), ("decision", "return"), ("reason", "cite the right clause")])
            #expect(withReason.status == .seeOther)
            let withdrawn = try await C.post(app, "\(apply)/1/withdrawal", session: quinn, csrf: csrf, [("search", "1"), ("reason", "returned in review")])
            #expect(withdrawn.status == .seeOther && withdrawn.headers[.location] == "\(path)?search=1&done=withdrawn")
            #expect(try await C.post(app, "\(apply)/9/withdrawal", session: quinn, csrf: csrf, [("reason", "none")]).status == .notFound)
            let again = try await C.post(
                app, apply, session: quinn, csrf: csrf, fields + [("explanation", "the resident's social security number, given to identify them")])
            #expect(again.status == .seeOther)
            let approved = try await C.post(app, "\(apply)/2/review", session: quinn, csrf: csrf, [("search", "1"), ("decision", "approve")])
            #expect(approved.status == .seeOther && approved.headers[.location] == "\(path)?search=1&done=approved")
            listed = try await redactions.list(request.id, role: .auditor)
            #expect(listed.map(\.state) == [.withdrawn, .approved], "\(listed)")
            #expect(listed.first?.reason == "returned in review")
        }
    }
}
