import Access
import Deadlines
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import NIOCore
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// Public-records requests over HTTP (docs/api.md, "Requests"; docs/public-records.md), on real
/// PostgreSQL: a request officer opens and works a request, an auditor reads it and the request
/// log, an agent gets nothing; every refusal is problem+json with its documented code and
/// writes nothing; every answer matches the OpenAPI document.
@Suite("Requests API", .timeLimit(.minutes(5)))
struct RequestsAPITests {
    typealias R = RetentionAPITests

    /// Every answer of the scenario, for the OpenAPI response checker.
    static let recorded = ExchangeLog()

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]? = nil, accept: String? = nil
    ) async throws -> R.Answer {
        let answer = try await R.send(app, method, uri, token: token, json: json, accept: accept)
        recorded.add(
            RecordedExchange(
                method: method.rawValue, path: template(uri), status: Int(answer.status.code), contentType: answer.contentType, body: answer.body))
        return answer
    }

    /// `/v1/requests/PRR-2026-0001/fee?x` → `/v1/requests/{id}/fee`.
    static func template(_ uri: String) -> String {
        var segments = uri.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.count > 3, segments[2] == "requests" { segments[3] = "{id}" }
        return segments.joined(separator: "/")
    }

    /// Today in the agency's time zone, plus `days`.
    static func day(_ days: Int) throws -> String {
        let zone = try #require(TimeZone(identifier: ResponseClock.defaultTimeZone))
        return CivilDay(Date(), in: zone).adding(days: days).description
    }

    /// Every request route, for the roles that may not touch them.
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/requests"), (.post, "/v1/requests"), (.get, "/v1/requests/PRR-2026-0001"), (.get, "/v1/request-log"),
        (.post, "/v1/requests/PRR-2026-0001/acknowledgement"), (.post, "/v1/requests/PRR-2026-0001/estimate"),
        (.post, "/v1/requests/PRR-2026-0001/clarification"), (.post, "/v1/requests/PRR-2026-0001/answer"),
        (.post, "/v1/requests/PRR-2026-0001/status"), (.post, "/v1/requests/PRR-2026-0001/closure"),
        (.post, "/v1/requests/PRR-2026-0001/withdrawal"), (.post, "/v1/requests/PRR-2026-0001/appeal"),
        (.post, "/v1/requests/PRR-2026-0001/review"), (.post, "/v1/requests/PRR-2026-0001/fee"), (.post, "/v1/requests/PRR-2026-0001/payment"),
    ]

    @Test("a request officer opens and works a request over HTTP; an auditor reads it and the log; agents get nothing; refusals write nothing")
    func requestOverHTTP() async throws {
        try await withMigratedDatabase { db in
            let (officer, auditor, agent, recordsOfficer) = try await db.withStore { _, store in
                (
                    try await TestStaff.token(store, name: "quinn.requests", roles: [.requestOfficer]),
                    try await TestStaff.token(store, name: "avery.auditor", roles: [.auditor]),
                    try await TestStaff.token(store, name: "alex.agent", roles: [.agent], teams: ["benefits"]),
                    try await TestStaff.token(store, name: "rita.officer", roles: [.recordsOfficer])
                )
            }
            try await withConversationApp(db, token: nil) { app in
                let received = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
                var answer = try await Self.call(
                    app, .post, "/v1/requests", token: officer,
                    json: [
                        "channel": "email", "text": "Every message about the Elm Street permit.", "requester_name": "Jane Citizen",
                        "requester_contact": "jane@example.org", "received_at": received,
                    ])
                #expect(answer.status == .created, "\(answer)")
                let id = try #require(answer.json["request"] as? String, "\(answer)")
                #expect(id.hasPrefix("PRR-") && id.hasSuffix("-0001"))
                #expect(answer.json["status"] as? String == "open" && answer.json["content"] as? String == "present", "\(answer)")
                #expect((answer.json["requester"] as? [String: Any])?["name"] as? String == "Jane Citizen", "\(answer)")
                #expect((answer.json["explanation"] as? [String: Any])?["business_days"] as? Int == 5, "\(answer)")

                // Refusals: problem+json, their code, nothing written.
                func refused(
                    _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]?, _ status: HTTPResponse.Status, _ code: String
                ) async throws {
                    let before = try await R.head(db)
                    let answer = try await Self.call(app, method, uri, token: token, json: json)
                    try await R.expectRefusal(answer, status, code, head: before, db: db, "\(method) \(uri)")
                }
                try await refused(.post, "/v1/requests", token: agent, json: ["channel": "email", "text": "x"], .forbidden, "forbidden")
                try await refused(.post, "/v1/requests", token: auditor, json: ["channel": "email", "text": "x"], .forbidden, "forbidden")
                try await refused(.post, "/v1/requests", token: officer, json: ["channel": "email", "text": "   "], .unprocessableContent, "invalid_field")
                try await refused(
                    .post, "/v1/requests", token: officer, json: ["channel": "email", "text": "x", "received_at": "yesterday"], .badRequest, "invalid_json")
                try await refused(
                    .post, "/v1/requests", token: officer, json: ["channel": "email", "text": "x", "received_at": "2999-01-01T00:00:00Z"],
                    .unprocessableContent, "received_in_future")
                let missing = try await Self.call(app, .post, "/v1/requests", token: officer, json: ["text": "no channel"])
                #expect(missing.status == .badRequest && missing.contentType == "application/problem+json", "\(missing)")
                try await refused(
                    .post, "/v1/requests/\(id)/acknowledgement", token: officer, json: ["estimate": "2020-01-02", "reason": "search"],
                    .unprocessableContent, "estimate_in_past")
                try await refused(
                    .post, "/v1/requests/\(id)/acknowledgement", token: officer, json: ["estimate": "2026-13-45", "reason": "search"],
                    .unprocessableContent, "invalid_date")
                try await refused(
                    .post, "/v1/requests/\(id)/status", token: officer, json: ["status": "in_progress"], .conflict, "transition_refused")
                try await refused(.post, "/v1/requests/\(id)/payment", token: officer, json: ["amount_cents": 100], .unprocessableContent, "invalid_amount")
                try await refused(
                    .post, "/v1/requests/\(id)/review", token: officer, json: ["outcome": "affirmed", "explanation": "x"], .conflict, "no_appeal")
                try await refused(.get, "/v1/requests/PRR-2026-9999", token: auditor, json: nil, .notFound, "unknown_request")
                try await refused(.get, "/v1/requests/nope", token: auditor, json: nil, .notFound, "invalid_request_id")
                try await refused(.get, "/v1/request-log?from=2026-02-30", token: auditor, json: nil, .unprocessableContent, "invalid_date")

                // The lifecycle, as the caller.
                let estimate = try Self.day(20)
                for (path, body) in [
                    ("acknowledgement", ["estimate": estimate, "reason": "two teams to search"] as [String: Any]),
                    ("clarification", ["question": "Which permit number?"]),
                    ("answer", ["answer": "Permit 22."]),
                    ("fee", ["amount_cents": 1250, "deposit_cents": 125, "basis": "250 pages at $0.05"]),
                    ("payment", ["amount_cents": 1250, "note": "check 1042"]),
                    ("status", ["status": "installment_produced", "note": "40 messages"]),
                    ("closure", ["reason": "partially_denied", "produced": "52 messages", "withheld": "1 photo: RCW 42.56.230(7)"]),
                    ("appeal", ["grounds": "the photo was mine"]),
                    ("review", ["outcome": "affirmed", "explanation": "the exemption applies"]),
                ] {
                    answer = try await Self.call(app, .post, "/v1/requests/\(id)/\(path)", token: officer, json: body)
                    #expect(answer.status == .ok, "\(path): \(answer)")
                    #expect(answer.json["content"] as? String == "not_read" && answer.json["text"] == nil, "\(path): \(answer)")
                }
                #expect(answer.json["status"] as? String == "closed" && answer.json["close_reason"] as? String == "partially_denied", "\(answer)")
                #expect(answer.json["actor"] == nil)
                try await refused(
                    .post, "/v1/requests/\(id)/closure", token: officer, json: ["reason": "fulfilled"], .conflict, "status_conflict")

                // An auditor reads the request with its content, history and the due date's arithmetic.
                answer = try await Self.call(app, .get, "/v1/requests/\(id)", token: auditor)
                #expect(answer.status == .ok, "\(answer)")
                #expect(answer.json["text"] as? String == "Every message about the Elm Street permit.", "\(answer)")
                #expect(answer.json["estimate_date"] as? String == estimate && answer.json["paid_cents"] as? Int == 1250, "\(answer)")
                let history = try #require(answer.json["history"] as? [[String: Any]], "\(answer)")
                #expect(history.count == 10)
                #expect(history.allSatisfy { ($0["actor"] as? String) == "staff:quinn.requests" }, "\(history)")
                #expect((history[2]["details"] as? [String: String])?["question"] == "Which permit number?", "\(history)")
                #expect(answer.json["explanation"] != nil)

                answer = try await Self.call(app, .get, "/v1/requests?status=closed", token: auditor)
                #expect((answer.json["requests"] as? [[String: Any]])?.map { $0["request"] as? String } == [id], "\(answer)")
                answer = try await Self.call(app, .get, "/v1/requests?overdue=true", token: officer)
                #expect((answer.json["requests"] as? [Any])?.isEmpty == true, "\(answer)")

                // The request log: JSON, CSV by format, HTML by Accept.
                answer = try await Self.call(app, .get, "/v1/request-log", token: auditor)
                let logged = try #require((answer.json["requests"] as? [[String: Any]])?.first, "\(answer)")
                #expect(logged["text"] as? String == "Every message about the Elm Street permit.")
                #expect((logged["records_withheld"] as? [String])?.first?.hasSuffix("1 photo: RCW 42.56.230(7)") == true, "\(logged)")
                answer = try await Self.call(app, .get, "/v1/request-log?format=csv", token: auditor)
                #expect(answer.status == .ok && answer.contentType?.hasPrefix("text/csv") == true, "\(answer)")
                #expect(answer.body.contains("\"Jane Citizen, jane@example.org\",Every message about the Elm Street permit."), "\(answer)")
                answer = try await Self.call(app, .get, "/v1/request-log", token: auditor, accept: "text/html")
                #expect(answer.status == .ok && answer.contentType?.hasPrefix("text/html") == true, "\(answer)")
                #expect(answer.body.contains("<th scope=\"row\">\(id)</th>"), "\(answer)")

                // Agents and records officers: 403 on every request route; nothing written.
                let end = try await R.head(db)
                for token in [agent, recordsOfficer] {
                    for (method, uri) in Self.routes {
                        answer = try await Self.call(app, method, uri, token: token, json: method == .post ? [:] : nil)
                        #expect(answer.status == .forbidden && answer.json["code"] as? String == "forbidden", "\(method) \(uri): \(answer)")
                    }
                }
                // An auditor reads but never acts.
                answer = try await Self.call(app, .post, "/v1/requests/\(id)/appeal", token: auditor, json: ["grounds": "x"])
                #expect(answer.status == .forbidden, "\(answer)")
                #expect(try await R.head(db) == end)

                // Every answer above matches the document's schema for its status and content type.
                if OpenAPIValidatorEnvironment.runs {
                    let document = try await app.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
                    try await R.checkResponses(document: document, exchanges: Self.recorded.exchanges)
                }
            }
        }
    }
}
