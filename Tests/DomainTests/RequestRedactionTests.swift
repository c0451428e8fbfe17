import Access
import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import Requests
import TestSupport
import Testing

/// Redaction of a request's responsive messages, on real PostgreSQL: suggestions with their
/// citations, redactions refused for every bad input with nothing written, the review flow, what
/// an installment may release, and the record left as it was.
@Suite("Request redactions", .timeLimit(.minutes(3)))
struct RequestRedactionTests {
    static let officer = "staff:olivia"
    static let reviewer = "staff:rafael"
    static let sensitive = "😀 My SSN is 123-45-6789 and my card is 4111 1111 1111 1111."
    static let harmless = "My library card is 4111 1111 1111 1112, is the pool open?"

    /// A migrated database with three messages (two of the citizen's, one of another), a request
    /// and a search that found the citizen's two.
    struct Scene {
        let client: PostgresClient
        let store: LedgerStore
        let request: String
        let sensitive: Int64
        let harmless: Int64
        let stranger: Int64
        var redactions: RequestRedactions { RequestRedactions(store: store, ledger: mediaLedger) }
    }

    static func with(_ body: @Sendable (Scene) async throws -> Void) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let start = LedgerTimestamp.now()
                var positions: [Int64] = []
                let messages: [(String, String, String)] = [
                    ("wamid.s", SendFixture.citizen, sensitive), ("wamid.h", SendFixture.citizen, harmless), ("wamid.x", "16505550000", "Hello"),
                ]
                for (index, (id, citizen, text)) in messages.enumerated() {
                    let events = try SendFixture.inbound(
                        at: LedgerTimestamp(microseconds: start.microseconds + Int64(index)), id: id, citizen: citizen, text: text)
                    let receipts = try await store.append(events, to: mediaLedger)
                    let found = zip(events, receipts).first { $0.0.eventType == "whatsapp.message.received" }
                    positions.append(try #require(found?.1.position))
                }
                let requests = RecordsRequests(store: store, ledger: mediaLedger)
                let opened = try await requests.open(
                    NewRecordsRequest(channel: .email, text: "Messages from 16505557777", requester: Requester(name: nil, contact: nil)),
                    actor: officer, role: .requestOfficer)
                let filters = try RequestSearchFilters.parse([(name: "citizen", value: SendFixture.citizen)])
                let outcome = try await RequestSearches(store: store, ledger: mediaLedger).run(
                    opened.id, filters: filters, actor: officer, role: .requestOfficer)
                #expect(Set(outcome.hits.map(\.position)) == [positions[0], positions[1]], "the search finds the citizen's two messages")
                try await body(
                    Scene(client: client, store: store, request: opened.id, sensitive: positions[0], harmless: positions[1], stranger: positions[2]))
            }
        }
    }

    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int64 {
        for try await value in try await client.query(query, logger: testLogger).decode(Int64.self) { return value }
        return 0
    }

    static func redactionEntries(_ client: PostgresClient) async throws -> Int64 {
        try await count(client, "SELECT count(*) FROM ledger_entries WHERE event_type LIKE 'redaction.%'")
    }

    static func entryAndPayload(_ client: PostgresClient, _ position: Int64) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await client.query(
            """
            SELECT row_to_json(e)::text FROM ledger_entries e WHERE position = \(position)
            UNION ALL SELECT encode(sha256(sealed), 'hex') FROM ledger_payloads WHERE position = \(position)
            """, logger: testLogger
        ).decode(String.self) { rows.append(row) }
        return rows
    }

    @Test("an SSN and a Luhn-valid card are suggested with their citations; a Luhn-invalid number is not; by search or by positions")
    func suggestions() async throws {
        try await Self.with { scene in
            let bySearch = try await scene.redactions.suggest(scene.request, search: 1, role: .requestOfficer)
            #expect(bySearch.map(\.detector) == ["ssn", "payment_card"])
            #expect(bySearch.allSatisfy { $0.messagePosition == scene.sensitive })
            #expect(bySearch.map(\.exemption.citation) == ["RCW 42.56.250", "RCW 42.56.230(5)"])
            #expect(bySearch.map(\.matched) == ["123-45-6789", "4111 1111 1111 1111"])
            #expect(bySearch.first?.start == 12 && bySearch.first?.length == 11)
            let byPositions = try await scene.redactions.suggest(scene.request, positions: [scene.harmless], role: .requestOfficer)
            #expect(byPositions.isEmpty, "the Luhn-invalid number is not suggested: \(byPositions)")
            await #expect(throws: RedactionError.notInResults(position: scene.stranger, request: scene.request)) {
                try await scene.redactions.suggest(scene.request, positions: [scene.stranger], role: .requestOfficer)
            }
            await #expect(throws: RedactionError.noSuchSearch(request: scene.request, search: 9)) {
                try await scene.redactions.suggest(scene.request, search: 9, role: .requestOfficer)
            }
            #expect(try await Self.redactionEntries(scene.client) == 0, "suggestions are not recorded")
        }
    }

    @Test("every bad redaction is refused with a message that says what to do, and nothing is written")
    func refusals() async throws {
        try await Self.with { scene in
            let r = scene.redactions
            let good = "The resident's own card number, sent to pay a permit fee"
            _ = try await r.apply(
                NewRedaction(messagePosition: scene.sensitive, target: .span(start: 39, length: 19), exemption: "financial-account", explanation: good),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            let before = try await Self.redactionEntries(scene.client)
            let stem = try #require(ExemptionList.washington.exemption("financial-account")).explanationStem
            let cases: [(NewRedaction, String)] = [
                (NewRedaction(messagePosition: scene.sensitive, target: .message, exemption: "no-such", explanation: good), "not an exemption"),
                (NewRedaction(messagePosition: scene.sensitive, target: .message, exemption: "ssn", explanation: "   "), "explanation is empty"),
                (
                    NewRedaction(messagePosition: scene.sensitive, target: .span(start: 0, length: 2), exemption: "financial-account", explanation: stem),
                    "of its own beyond"
                ),
                (
                    NewRedaction(
                        messagePosition: scene.sensitive, target: .span(start: 0, length: 2), exemption: "financial-account",
                        explanation: "RCW 42.56.230(5) card number"), "of its own beyond"
                ),
                (
                    NewRedaction(messagePosition: scene.sensitive, target: .span(start: 50, length: 20), exemption: "ssn", explanation: good),
                    "outside the message's text"
                ),
                (
                    NewRedaction(messagePosition: scene.sensitive, target: .span(start: 40, length: 3), exemption: "ssn", explanation: good),
                    "overlaps redaction R1"
                ),
                (NewRedaction(messagePosition: scene.sensitive, target: .message, exemption: "ssn", explanation: good), "overlaps redaction R1"),
                (NewRedaction(messagePosition: scene.sensitive, target: .media("123"), exemption: "ssn", explanation: good), "has no media 123"),
                (NewRedaction(messagePosition: scene.stranger, target: .message, exemption: "ssn", explanation: good), "not in the results"),
                (NewRedaction(messagePosition: 1_000_000, target: .message, exemption: "ssn", explanation: good), "not a WhatsApp message"),
            ]
            for (new, words) in cases {
                do {
                    _ = try await r.apply(new, to: scene.request, actor: Self.officer, role: .requestOfficer)
                    Issue.record("\(new) was accepted")
                } catch let error as RedactionError {
                    #expect(error.description.contains(words), "\(error.description)")
                }
            }
            await #expect(throws: RecordsRequestError.self) {
                try await r.apply(
                    NewRedaction(messagePosition: scene.harmless, target: .message, exemption: "ssn", explanation: good), to: "PRR-2026-0099",
                    actor: Self.officer, role: .requestOfficer)
            }
            await #expect(throws: RecordsRequestError.self) {
                try await r.apply(
                    NewRedaction(messagePosition: scene.sensitive, target: .message, exemption: "ssn", explanation: good), to: scene.request,
                    actor: "staff:ann", role: .agent)
            }
            _ = try await RecordsRequests(store: scene.store, ledger: mediaLedger).withdraw(scene.request, actor: Self.officer, role: .requestOfficer)
            await #expect(throws: RedactionError.requestClosed(request: scene.request, status: "withdrawn")) {
                try await r.apply(
                    NewRedaction(messagePosition: scene.harmless, target: .message, exemption: "ssn", explanation: good), to: scene.request,
                    actor: Self.officer, role: .requestOfficer)
            }
            #expect(try await Self.redactionEntries(scene.client) == before, "no refused redaction was written")
            #expect(try await Self.count(scene.client, "SELECT count(*) FROM request_redactions") == 1)
        }
    }

    @Test("review: approved redactions are what an installment releases; returned and pending ones block their message; withdrawn ones are gone")
    func reviewFlow() async throws {
        try await Self.with { scene in
            let r = scene.redactions
            let ssn = try await r.apply(
                NewRedaction(
                    messagePosition: scene.sensitive, target: .span(start: 12, length: 11), exemption: "ssn",
                    explanation: "The resident's Social Security number, given to prove identity for the permit"),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            let card = try await r.apply(
                NewRedaction(
                    messagePosition: scene.sensitive, target: .span(start: 39, length: 19), exemption: "financial-account",
                    explanation: "The resident's card number, sent to pay the permit fee"),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            let whole = try await r.apply(
                NewRedaction(
                    messagePosition: scene.harmless, target: .message, exemption: "public-health-client",
                    explanation: "A question about the resident's visit to the county clinic"),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            #expect([ssn.id, card.id, whole.id] == ["R1", "R2", "R3"] && ssn.state == .applied)

            var approved = try await r.approved(request: scene.request)
            #expect(approved.messages.isEmpty && approved.blockedPositions == [scene.sensitive, scene.harmless])

            let ok = try await r.review(scene.request, redaction: "R1", approve: true, actor: Self.reviewer, role: .requestOfficer)
            #expect(ok.state == .approved && ok.reviewedBy == Self.reviewer)
            await #expect(throws: RedactionError.self) {
                try await r.review(scene.request, redaction: "R1", approve: true, actor: Self.reviewer, role: .requestOfficer)
            }
            await #expect(throws: RedactionError.reasonMissing("returned")) {
                try await r.review(scene.request, redaction: "R2", approve: false, reason: " ", actor: Self.reviewer, role: .requestOfficer)
            }
            let back = try await r.review(
                scene.request, redaction: "R2", approve: false, reason: "Say whose card it is", actor: Self.reviewer, role: .requestOfficer)
            #expect(back.state == .returned)
            _ = try await r.withdraw(scene.request, redaction: "R2", reason: "Replaced by a better explanation", actor: Self.officer, role: .requestOfficer)
            let again = try await r.apply(
                NewRedaction(
                    messagePosition: scene.sensitive, target: .span(start: 39, length: 19), exemption: "financial-account",
                    explanation: "Jane Resident's own debit card number, sent to pay the permit fee"),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            #expect(again.id == "R4", "a withdrawn redaction's span may be redacted again")
            _ = try await r.review(scene.request, redaction: "R4", approve: true, actor: Self.reviewer, role: .requestOfficer)

            approved = try await r.approved(request: scene.request)
            let message = try #require(approved.messages[scene.sensitive])
            #expect(message.withheld == nil && message.media.isEmpty)
            #expect(message.spans.map(\.start) == [12, 39] && message.spans.map(\.grounds.citation) == ["RCW 42.56.250", "RCW 42.56.230(5)"])
            #expect(message.spans[1].grounds.explanation == "Jane Resident's own debit card number, sent to pay the permit fee")
            #expect(approved.messages[scene.harmless] == nil && approved.blockedPositions == [scene.harmless], "R3 waits for review")

            let listed = try await r.list(scene.request, role: .auditor)
            #expect(listed.map(\.state) == [.approved, .withdrawn, .applied, .approved])
            #expect(listed[1].reason == "Replaced by a better explanation" && listed[1].explanation == "The resident's card number, sent to pay the permit fee")

            // The request's history shows each step with its retained header's values.
            let shown = try await RecordsRequests(store: scene.store, ledger: mediaLedger).show(scene.request, role: .auditor)
            let applied = shown.history.filter { $0.eventType == "redaction.applied" }
            #expect(applied.count == 4 && shown.history.filter { $0.eventType.hasPrefix("redaction.") }.count == 8)
            #expect(applied.first?.details["citation"] == "RCW 42.56.250" && applied.first?.details["span_start"] == "12")
            // (`requests redactions` shows the explanation; the history leaves every payload `explanation` out, RequestContentReader.notDetails.)
            #expect(shown.request.status == .open, "redactions do not move the request's status")

            var headers: [String] = []
            for try await header in try await scene.client.query(
                "SELECT header FROM ledger_entries WHERE event_type LIKE 'redaction.%' ORDER BY position", logger: testLogger
            ).decode(String.self) { headers.append(header) }
            #expect(headers.count == 8)
            #expect(headers[0].contains(#""citation":"RCW 42.56.250""#) && headers[0].contains(#""span_start":12"#))
            for header in headers {
                for secret in ["123-45-6789", "4111", "Social Security number, given", "card number", "Say whose", "Replaced"] {
                    #expect(!header.contains(secret), "the retained header holds \(secret): \(header)")
                }
            }
        }
    }

    @Test("redactions never alter the record: the message's entry and payload are byte for byte as they were")
    func recordUnchanged() async throws {
        try await Self.with { scene in
            let before = try await Self.entryAndPayload(scene.client, scene.sensitive)
            let entriesBefore = try await Self.count(scene.client, "SELECT count(*) FROM ledger_entries WHERE stream NOT LIKE 'requests/%'")
            let r = scene.redactions
            _ = try await r.apply(
                NewRedaction(
                    messagePosition: scene.sensitive, target: .message, exemption: "ssn",
                    explanation: "The whole message carries the resident's Social Security number"),
                to: scene.request, actor: Self.officer, role: .requestOfficer)
            _ = try await r.review(scene.request, redaction: "R1", approve: true, actor: Self.reviewer, role: .requestOfficer)
            #expect(try await Self.entryAndPayload(scene.client, scene.sensitive) == before)
            #expect(before.count == 2)
            #expect(try await Self.count(scene.client, "SELECT count(*) FROM ledger_entries WHERE stream NOT LIKE 'requests/%'") == entriesBefore)
            let record = try #require(try await scene.store.record(ledger: mediaLedger, position: scene.sensitive))
            guard case .bytes(let bytes) = record.payload else {
                Issue.record("the payload does not open")
                return
            }
            #expect(String(decoding: bytes, as: UTF8.self).contains("123-45-6789"), "the record still holds what was redacted from the release")
            #expect(try await r.approved(request: scene.request).messages[scene.sensitive]?.withheld?.citation == "RCW 42.56.250")
        }
    }
}
