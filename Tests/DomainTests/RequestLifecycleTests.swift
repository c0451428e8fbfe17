import Access
import Deadlines
import Foundation
import LedgerStore
import PostgresNIO
import Requests
import TestSupport
import Testing

/// Public-records requests as a request officer works them, on real PostgreSQL: the due date
/// stored and explained, the lifecycle's allowed and refused steps (a refusal writes nothing),
/// fees, appeals, numbering under concurrent opens, and the request log.
@Suite("Public-records requests", .timeLimit(.minutes(3)))
struct RequestLifecycleTests {
    static let ledger = "main"
    static let officer = "staff:olivia"

    static func time(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad test time \(text)")
    }

    static func day(_ text: String) throws -> CivilDay { try #require(CivilDay(text)) }

    /// A request received on Friday 2026-11-20 at 10:00 in Seattle.
    static func friday() throws -> NewRecordsRequest {
        NewRecordsRequest(
            channel: .email, text: "All WhatsApp messages about the Elm Street permit since 1 October 2026.",
            requester: Requester(name: "Jane Citizen", contact: "jane@example.org"), receivedAt: try time("2026-11-20T18:00:00Z"))
    }

    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: testLogger).decode(Int64.self) { return value }
        return 0
    }

    /// Every row of the projection's tables, as JSON text, in a stable order.
    static func rows(_ client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await client.query(
            """
            SELECT row_to_json(r)::text FROM (SELECT * FROM requests ORDER BY ledger_id, request_id) r
            UNION ALL SELECT row_to_json(e)::text FROM (SELECT * FROM request_events ORDER BY ledger_id, position) e
            """, logger: testLogger
        ).decode(String.self) { rows.append(row) }
        return rows
    }

    static func requestEntries(_ client: PostgresClient) async throws -> Int64 {
        try await count(client, "SELECT count(*) FROM ledger_entries WHERE stream LIKE 'requests/%'")
    }

    @Test(
        "a request received on the Friday before Thanksgiving is PRR-2026-0001, due Tuesday 2026-12-01, and its retained header names neither the requester nor the text"
    )
    func openAndDueDate() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let opened = try await requests.open(
                    try Self.friday(), actor: Self.officer, role: .requestOfficer, now: try Self.time("2026-11-20T19:00:00Z"))
                #expect(opened.id == "PRR-2026-0001")
                #expect(opened.status == .open)
                #expect(opened.dueDate.description == "2026-12-01")
                #expect(opened.requester == Requester(name: "Jane Citizen", contact: "jane@example.org"))
                #expect(opened.text == "All WhatsApp messages about the Elm Street permit since 1 October 2026.")
                let explanation = try #require(opened.explanation)
                #expect(explanation.lines.contains { $0.contains("2026-11-26  skipped, holiday: Thanksgiving Day") })
                #expect(explanation.dueDate == opened.dueDate)

                let shown = try await requests.show(opened.id, role: .auditor)
                #expect(shown.request == opened)
                #expect(shown.history.map(\.eventType) == ["request.received"])

                var headers: [String] = []
                for try await header in try await client.query(
                    "SELECT header FROM ledger_entries WHERE stream = 'requests/PRR-2026-0001'", logger: testLogger
                ).decode(String.self) { headers.append(header) }
                #expect(headers.count == 1)
                let header = try #require(headers.first)
                #expect(header.contains("\"due_date\":\"2026-12-01\"") && header.contains("\"request\":\"PRR-2026-0001\""))
                for secret in ["Jane", "jane@", "Elm Street", "WhatsApp messages"] {
                    #expect(!header.contains(secret), "the retained header holds \(secret): \(header)")
                }

                // Not answered by the due date: overdue from the next day in Seattle.
                #expect(try await requests.list(overdueAt: try Self.time("2026-12-02T07:59:00Z"), role: .requestOfficer).isEmpty)
                #expect(try await requests.list(overdueAt: try Self.time("2026-12-02T08:00:00Z"), role: .requestOfficer).map(\.id) == [opened.id])

                // Numbering is per year of receipt.
                var next = try Self.friday()
                next.receivedAt = try Self.time("2027-01-04T17:00:00Z")
                next.requester = Requester()
                let january = try await requests.open(next, actor: Self.officer, role: .admin, now: try Self.time("2027-01-04T18:00:00Z"))
                #expect(january.id == "PRR-2027-0001")
                #expect(january.requester.isAnonymous)
            }
        }
    }

    @Test("the lifecycle: acknowledge, clarify (the clock pauses), answer, installment, fee and deposit, partial denial, appeal reversed, fulfilled")
    func lifecycle() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let id = try await requests.open(try Self.friday(), actor: Self.officer, role: .requestOfficer, now: try Self.time("2026-11-20T19:00:00Z")).id
                var request = try await requests.acknowledge(
                    id, estimate: try Self.day("2026-12-15"), reason: "two teams' conversations to search and review", actor: Self.officer,
                    role: .requestOfficer, now: try Self.time("2026-11-23T17:00:00Z"))
                #expect(request.status == .acknowledged && request.estimateDate?.description == "2026-12-15")
                #expect(request.firstResponseAt == (try Self.time("2026-11-23T17:00:00Z")))
                // Acknowledged in time: not overdue after the response due date, only after the estimate.
                #expect(!request.isOverdue(at: try Self.time("2026-12-03T12:00:00Z")))
                #expect(request.isOverdue(at: try Self.time("2026-12-16T09:00:00Z")))

                request = try await requests.requestClarification(
                    id, question: "Which Elm Street: the permit for 14 or 22?", actor: Self.officer, role: .requestOfficer,
                    now: try Self.time("2026-11-24T17:00:00Z"))
                #expect(request.status == .waitingForRequester && request.clarificationPending)
                #expect(!request.isOverdue(at: try Self.time("2027-01-30T12:00:00Z")), "waiting for the requester pauses the clock")
                #expect(request.abandonableFrom?.description == "2026-12-24")

                request = try await requests.answerClarification(
                    id, answer: "Number 22.", actor: Self.officer, role: .requestOfficer, now: try Self.time("2026-11-30T17:00:00Z"))
                #expect(request.status == .inProgress && !request.clarificationPending && request.waitingSince == nil)

                request = try await requests.reviseEstimate(
                    id, to: try Self.day("2026-12-22"), reason: "the citizen's conversations span three teams", actor: Self.officer,
                    role: .requestOfficer, now: try Self.time("2026-12-01T17:00:00Z"))
                #expect(request.estimateDate?.description == "2026-12-22")

                request = try await requests.changeStatus(
                    id, to: .installmentProduced, note: "installment 1: 40 messages from the permits team", actor: Self.officer,
                    role: .requestOfficer, now: try Self.time("2026-12-08T17:00:00Z"))
                #expect(request.status == .installmentProduced)

                request = try await requests.assessFee(
                    id, amountCents: 1250, depositCents: 125, basis: "copies: 250 pages at $0.05", actor: Self.officer, role: .requestOfficer,
                    now: try Self.time("2026-12-08T18:00:00Z"))
                request = try await requests.recordPayment(id, amountCents: 125, note: "check 1042", actor: Self.officer, role: .requestOfficer)
                #expect(request.feesCents == 1250 && request.depositCents == 125 && request.paidCents == 125 && request.balanceCents == 1125)

                request = try await requests.close(
                    id, reason: .partiallyDenied, note: "final installment sent", produced: "installment 2: 12 messages from the roads team",
                    withheld: "1 photo of a driver's licence: RCW 42.56.230(7)", actor: Self.officer, role: .requestOfficer,
                    now: try Self.time("2026-12-18T17:00:00Z"))
                #expect(request.status == .closed && request.closeReason == .partiallyDenied)

                request = try await requests.appeal(id, grounds: "the photo was my own licence", actor: Self.officer, role: .requestOfficer)
                #expect(request.appealPending && request.status == .closed)
                request = try await requests.decideAppeal(
                    id, outcome: .reversed, explanation: "the requester's own licence may be released to them", actor: "staff:director",
                    role: .admin, now: try Self.time("2026-12-21T17:00:00Z"))
                #expect(request.status == .inProgress && !request.appealPending && request.closeReason == nil, "a reversal reopens the request")
                request = try await requests.close(
                    id, reason: .fulfilled, produced: "the photo", actor: Self.officer, role: .requestOfficer, now: try Self.time("2026-12-22T17:00:00Z"))
                #expect(request.status == .closed && request.closeReason == .fulfilled)

                let history = try await requests.show(id, role: .requestOfficer).history
                #expect(
                    history.map(\.eventType) == [
                        "request.received", "request.acknowledged", "request.clarification_requested", "request.clarification_answered",
                        "request.estimate_revised", "request.status_changed", "request.fee_assessed", "request.deposit_paid", "request.closed",
                        "request.appealed", "request.appeal_decided", "request.closed",
                    ])
                #expect(history[4].details["reason"] == "the citizen's conversations span three teams")
                #expect(history[4].details["previous_estimate_date"] == "2026-12-15")
                #expect(try await Self.requestEntries(client) == 12)

                // The request log carries what RCW 40.14.026(4) asks for.
                let log = try await requests.log(role: .auditor, now: try Self.time("2027-01-05T12:00:00Z"))
                let entry = try #require(log.entries.first)
                #expect(
                    entry.produced == [
                        "2026-12-08: installment 1: 40 messages from the permits team", "2026-12-18: installment 2: 12 messages from the roads team",
                        "2026-12-22: the photo",
                    ])
                #expect(entry.withheld == ["2026-12-18: 1 photo of a driver's licence: RCW 42.56.230(7)"])
                #expect(entry.finalDay?.description == "2026-12-22")
                let csv = log.csv()
                #expect(csv.hasPrefix("request,received,channel,requester,request text,status,response due,estimate,records produced,"))
                #expect(csv.contains("PRR-2026-0001,2026-11-20,email,\"Jane Citizen, jane@example.org\",All WhatsApp messages about the Elm Street permit"))
                #expect(csv.contains("2026-11-23 acknowledged, estimate 2026-12-15; 2026-11-24 clarification requested"))
                let html = log.html()
                #expect(html.contains("<html lang=\"en\">") && html.contains("<title>Public records request log: main</title>"))
                #expect(html.components(separatedBy: "<h1>").count == 2)
                #expect(html.contains("<th scope=\"col\">Request text</th>") && html.contains("<th scope=\"row\">PRR-2026-0001</th>"))
                #expect(html.contains("1 photo of a driver&#39;s licence"))

                // Rebuild equals live: replaying the log from position 1 gives the same rows.
                let live = try await Self.rows(client)
                #expect(live.count == 13, "one request row and twelve history rows")
                let runner = ProjectionRunner(store: store, projections: [RequestsProjection()], logger: testLogger)
                _ = try await runner.rebuild(RequestsProjection(), ledger: Self.ledger)
                #expect(try await Self.rows(client) == live)
            }
        }
    }

    @Test("the projection keeps no requester, request text or free text: show and the log read them from the encrypted payloads")
    func noContentInProjection() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let o = Self.officer
                let id = try await requests.open(try Self.friday(), actor: o, role: .requestOfficer, now: try Self.time("2026-11-20T19:00:00Z")).id
                _ = try await requests.requestClarification(
                    id, question: "Which permit number, Quillfeather?", actor: o, role: .requestOfficer, now: try Self.time("2026-11-23T17:00:00Z"))
                _ = try await requests.answerClarification(
                    id, answer: "Permit Zanzibar-77.", actor: o, role: .requestOfficer, now: try Self.time("2026-11-24T17:00:00Z"))
                _ = try await requests.acknowledge(
                    id, estimate: try Self.day("2026-12-15"), reason: "Marmalade archive to search", actor: o, role: .requestOfficer,
                    now: try Self.time("2026-11-25T17:00:00Z"))
                _ = try await requests.assessFee(
                    id, amountCents: 500, depositCents: 0, basis: "Gooseberry copies", actor: o, role: .requestOfficer,
                    now: try Self.time("2026-11-25T18:00:00Z"))
                _ = try await requests.recordPayment(id, amountCents: 500, note: "Walrus check", actor: o, role: .requestOfficer)
                _ = try await requests.close(
                    id, reason: .partiallyDenied, note: "Periwinkle note", produced: "Tangerine messages", withheld: "Obsidian photo",
                    actor: o, role: .requestOfficer, now: try Self.time("2026-12-01T17:00:00Z"))
                _ = try await requests.appeal(id, grounds: "Saffron grounds", actor: o, role: .requestOfficer)

                let rows = try await Self.rows(client)
                #expect(rows.count == 9, "one request row and eight history rows")
                let words = [
                    "Jane", "jane@example.org", "Elm Street", "WhatsApp messages", "Quillfeather", "Zanzibar", "Marmalade", "Gooseberry", "Walrus",
                    "Periwinkle", "Tangerine", "Obsidian", "Saffron", "Thanksgiving",
                ]
                for word in words {
                    #expect(!rows.contains { $0.contains(word) }, "a projection row holds \(word): \(rows.filter { $0.contains(word) })")
                }
                // The header's values are there: the estimate, the close reason, the amounts.
                #expect(rows.contains { $0.contains("\"estimate_date\":\"2026-12-15\"") })
                #expect(rows.contains { $0.contains("partially_denied") } && rows.contains { $0.contains("\"amount_cents\": \"500\"") })

                // Shown, the content comes from the payloads.
                let shown = try await requests.show(id, role: .auditor)
                #expect(shown.request.content == .present)
                #expect(shown.request.text == "All WhatsApp messages about the Elm Street permit since 1 October 2026.")
                #expect(shown.request.requester == Requester(name: "Jane Citizen", contact: "jane@example.org"))
                #expect(shown.request.explanation?.lines.contains { $0.contains("Thanksgiving") } == true)
                #expect(shown.history.allSatisfy { $0.content == .present })
                #expect(shown.history[1].details["question"] == "Which permit number, Quillfeather?")
                #expect(shown.history[2].details["answer"] == "Permit Zanzibar-77.")
                #expect(shown.history[7].details["grounds"] == "Saffron grounds")
                let csv = try await requests.log(role: .auditor, now: try Self.time("2026-12-05T12:00:00Z")).csv()
                #expect(csv.contains("Jane Citizen") && csv.contains("Tangerine messages") && csv.contains("Obsidian photo"))

                // Lists and the answers of actions carry no content.
                let listed = try #require(try await requests.list(role: .auditor).first)
                #expect(listed.content == .notRead && listed.text == nil && listed.requester.isAnonymous)
            }
        }
    }

    @Test("a request whose payloads were lawfully destroyed shows as destroyed, never as a stale copy; its projection rows stay")
    func destroyedContent() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let id = try await requests.open(try Self.friday(), actor: Self.officer, role: .requestOfficer, now: try Self.time("2026-11-20T19:00:00Z")).id
                _ = try await requests.acknowledge(
                    id, estimate: try Self.day("2026-12-15"), reason: "two teams to search", actor: Self.officer, role: .requestOfficer,
                    now: try Self.time("2026-11-23T17:00:00Z"))
                let rowsBefore = try await Self.rows(client)
                var keys: [Int64] = []
                for try await key in try await client.query(
                    """
                    SELECT DISTINCT p.data_key_id FROM ledger_payloads p
                    JOIN ledger_entries e ON e.ledger_id = p.ledger_id AND e.position = p.position
                    WHERE e.stream = \(RequestEvents.stream(id))
                    """, logger: testLogger
                ).decode(Int64.self) { keys.append(key) }
                try #require(!keys.isEmpty)
                let authority = try await store.append(
                    NewEvent(
                        stream: "retention/destruction", eventType: "record.destroyed", actor: "test:records-officer",
                        header: #"{"data_key_ids":[\#(keys.map(String.init).joined(separator: ","))],"v":1}"#, payload: []),
                    to: Self.ledger)
                let ref = try #require(try await store.existingLedger(named: Self.ledger))
                _ = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(keys: keys, authorisedBy: authority.position, ledger: ref, on: c, logger: testLogger)
                }

                let shown = try await requests.show(id, role: .auditor)
                #expect(shown.request.content == .destroyed(authorisedBy: authority.position))
                #expect(shown.request.text == nil && shown.request.requester.isAnonymous && shown.request.explanation == nil)
                #expect(shown.request.dueDate.description == "2026-12-01" && shown.request.estimateDate?.description == "2026-12-15")
                #expect(shown.history.map(\.content) == [.destroyed(authorisedBy: authority.position), .destroyed(authorisedBy: authority.position)])
                #expect(shown.history[1].details["estimate_date"] == "2026-12-15" && shown.history[1].details["reason"] == nil)
                let csv = try await requests.log(role: .auditor, now: try Self.time("2026-12-05T12:00:00Z")).csv()
                #expect(csv.contains("(destroyed by the entry at position \(authority.position))") && !csv.contains("Jane"), "\(csv)")
                #expect(try await Self.rows(client) == rowsBefore, "the projection held no content, so destruction changes none of its rows")
            }
        }
    }

    @Test("every refused step throws a clear error and writes nothing")
    func refusals() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let now = try Self.time("2026-11-23T17:00:00Z")
                let id = try await requests.open(try Self.friday(), actor: Self.officer, role: .requestOfficer, now: now).id
                let closed = try await requests.open(try Self.friday(), actor: Self.officer, role: .requestOfficer, now: now).id
                try await requests.withdraw(closed, note: "the requester no longer needs them", actor: Self.officer, role: .requestOfficer, now: now)
                let before = try await Self.requestEntries(client)
                #expect(before == 3)

                func refused(_ expected: RecordsRequestError, _ step: () async throws -> Void) async {
                    do {
                        try await step()
                        Issue.record("not refused; expected: \(expected)")
                    } catch let error as RecordsRequestError {
                        #expect(error == expected)
                    } catch {
                        Issue.record("refused with \(error); expected: \(expected)")
                    }
                }
                let o = Self.officer
                await refused(.notAllowed(role: "agent", action: "open requests")) {
                    _ = try await requests.open(try Self.friday(), actor: o, role: .agent, now: now)
                }
                await refused(.notAllowed(role: "auditor", action: "acknowledge requests")) {
                    _ = try await requests.acknowledge(id, estimate: try Self.day("2026-12-15"), reason: "r", actor: o, role: .auditor, now: now)
                }
                await refused(.notAllowed(role: "records_officer", action: "read requests")) { _ = try await requests.show(id, role: .recordsOfficer) }
                await refused(.missing("text")) {
                    _ = try await requests.open(NewRecordsRequest(channel: .web, text: "  \n"), actor: o, role: .requestOfficer, now: now)
                }
                await refused(.receivedInFuture(received: "2026-11-24T17:00:00Z", now: "2026-11-23T17:00:00Z")) {
                    _ = try await requests.open(
                        NewRecordsRequest(channel: .web, text: "x", receivedAt: try Self.time("2026-11-24T17:00:00Z")), actor: o, role: .requestOfficer,
                        now: now)
                }
                await refused(
                    .transitionRefused(
                        id: id, from: .open, to: .inProgress,
                        hint: "give the first response first: acknowledge it with an estimate (RCW 42.56.520), ask for clarification, or produce records")
                ) {
                    _ = try await requests.changeStatus(id, to: .inProgress, note: nil, actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.changeStatus(id, to: .acknowledged, note: nil, actor: o, role: .requestOfficer, now: now)
                }
                await refused(.missing("note")) {
                    _ = try await requests.changeStatus(id, to: .installmentProduced, note: " ", actor: o, role: .requestOfficer, now: now)
                }
                await refused(.estimateInPast(date: "2026-11-20", today: "2026-11-23")) {
                    _ = try await requests.acknowledge(id, estimate: try Self.day("2026-11-20"), reason: "r", actor: o, role: .requestOfficer, now: now)
                }
                await refused(.missing("reason")) {
                    _ = try await requests.acknowledge(id, estimate: try Self.day("2026-12-15"), reason: "", actor: o, role: .requestOfficer, now: now)
                }
                await refused(.noEstimate(id)) {
                    _ = try await requests.reviseEstimate(id, to: try Self.day("2026-12-15"), reason: "r", actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.answerClarification(id, answer: "a", actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.close(id, reason: .abandoned, actor: o, role: .requestOfficer, now: now)
                }
                await refused(.missing("withheld")) {
                    _ = try await requests.close(id, reason: .denied, actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.recordPayment(id, amountCents: 500, actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.assessFee(id, amountCents: 100, depositCents: 200, basis: "copies", actor: o, role: .requestOfficer, now: now)
                }
                await refused(.appealState(id: id, pending: false)) {
                    _ = try await requests.decideAppeal(id, outcome: .affirmed, explanation: "e", actor: o, role: .admin, now: now)
                }
                await refused(.unknownRequest("PRR-2026-0099")) {
                    _ = try await requests.acknowledge("PRR-2026-0099", estimate: try Self.day("2026-12-15"), reason: "r", actor: o, role: .admin, now: now)
                }
                await refused(.malformedID("2026-1")) { _ = try await requests.show("2026-1", role: .admin) }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.changeStatus(closed, to: .inProgress, note: nil, actor: o, role: .requestOfficer, now: now)
                }
                await #expect(throws: RecordsRequestError.self) {
                    _ = try await requests.assessFee(closed, amountCents: 100, basis: "copies", actor: o, role: .requestOfficer, now: now)
                }
                #expect(try await Self.requestEntries(client) == before, "a refused step wrote an entry")

                // Abandonment: only after 30 days of waiting for the requester.
                _ = try await requests.requestClarification(id, question: "Which permit?", actor: o, role: .requestOfficer, now: now)
                await refused(.abandonedTooSoon(id: id, waitingSince: "2026-11-23", allowedFrom: "2026-12-23")) {
                    _ = try await requests.close(id, reason: .abandoned, actor: o, role: .requestOfficer, now: try Self.time("2026-12-22T20:00:00Z"))
                }
                let abandoned = try await requests.close(id, reason: .abandoned, actor: o, role: .requestOfficer, now: try Self.time("2026-12-23T20:00:00Z"))
                #expect(abandoned.status == .abandoned)
                #expect(try await Self.requestEntries(client) == before + 2)
            }
        }
    }

    @Test("eight requests opened at once get eight different numbers, 1 to 8, each recorded once")
    func concurrentOpens() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let requests = RecordsRequests(store: store, ledger: Self.ledger)
                let now = try Self.time("2026-11-20T19:00:00Z")
                let request = try Self.friday()
                let ids = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await requests.open(request, actor: Self.officer, role: .requestOfficer, now: now).id }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(ids.sorted() == (1...8).map { RecordsRequests.id(year: 2026, number: $0) })
                #expect(try await Self.requestEntries(client) == 8)
                #expect(try await Self.count(client, "SELECT count(DISTINCT request_id) FROM requests") == 8)
            }
        }
    }
}
