import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// Request searches over HTTP (`POST` and `GET /v1/requests/{id}/searches`), on real PostgreSQL:
/// a request officer runs a search (count, hash, hold, hits), an auditor reads the log; an unknown
/// member, a malformed value and an empty search are 400s that write nothing; every answer
/// matches the OpenAPI document.
@Suite("Request searches API", .timeLimit(.minutes(5)))
struct RequestSearchAPITests {
    typealias R = RetentionAPITests
    typealias F = WhatsAppFixtures

    static let recorded = ExchangeLog()

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]? = nil
    ) async throws -> R.Answer {
        let answer = try await R.send(app, method, uri, token: token, json: json, accept: nil)
        recorded.add(
            RecordedExchange(
                method: method.rawValue, path: RequestsAPITests.template(uri), status: Int(answer.status.code), contentType: answer.contentType,
                body: answer.body))
        return answer
    }

    @Test("a request officer runs a search and an auditor reads the log; bad filters are 400s naming them; nothing written on refusal")
    func searchOverHTTP() async throws {
        try await withMigratedDatabase { db in
            let (officer, auditor) = try await db.withStore { _, store in
                _ = try await store.append(
                    [
                        F.message("wamid.api-1", from: FixtureCitizen(waID: "16505551234"), at: 100),
                        F.message("wamid.api-2", from: FixtureCitizen(waID: "16505550000"), at: 200),
                    ], to: "main")
                return (
                    try await TestStaff.token(store, name: "quinn.requests", roles: [.requestOfficer]),
                    try await TestStaff.token(store, name: "avery.auditor", roles: [.auditor])
                )
            }
            try await withConversationApp(db, token: nil) { app in
                var answer = try await Self.call(app, .post, "/v1/requests", token: officer, json: ["channel": "email", "text": "Sheena's messages."])
                #expect(answer.status == .created, "\(answer)")
                let id = try #require(answer.json["request"] as? String, "\(answer)")
                let searches = "/v1/requests/\(id)/searches"

                for (json, code, parameter) in [
                    (["citizen": ["+16505551234"], "custodian": "x"] as [String: Any], nil as String?, nil as String?),
                    (["category": ["7"]], "invalid_parameter", "category"),
                    (["citizen": ["Sheena!"]], "invalid_parameter", "citizen"),
                    ([:], "invalid_parameter", nil),
                ] {
                    let before = try await R.head(db)
                    answer = try await Self.call(app, .post, searches, token: officer, json: json)
                    #expect(answer.status == .badRequest && answer.contentType == "application/problem+json", "\(json): \(answer)")
                    if let code { #expect(answer.json["code"] as? String == code, "\(answer)") }
                    if let parameter { #expect(answer.json["parameter"] as? String == parameter, "\(answer)") }
                    #expect(try await R.head(db) == before, "a refused search wrote an entry")
                }
                answer = try await Self.call(app, .post, searches, token: auditor, json: ["team": ["permits"]])
                #expect(answer.status == .forbidden, "\(answer)")

                answer = try await Self.call(app, .post, searches, token: officer, json: ["citizen": ["+1 650 555 1234"]])
                #expect(answer.status == .ok, "\(answer)")
                #expect(answer.json["search"] as? Int == 1 && answer.json["result_count"] as? Int == 1, "\(answer)")
                #expect(answer.json["holds"] as? [String] == ["H-1"], "\(answer)")
                let hits = try #require(answer.json["hits"] as? [[String: Any]], "\(answer)")
                let position = try #require(hits.first?["position"] as? Int)
                #expect(answer.json["result_sha256"] as? String == LedgerDigest.sha256(Array("\(position)\n".utf8)).hex)
                #expect(!answer.body.contains("hello from"), "no message text")

                answer = try await Self.call(app, .get, searches, token: auditor)
                #expect(answer.status == .ok, "\(answer)")
                let logged = try #require(answer.json["searches"] as? [[String: Any]], "\(answer)")
                #expect(logged.count == 1)
                #expect((logged.first?["values"] as? [String: [String]])?["citizen"] == ["p:16505551234"], "\(answer)")

                if OpenAPIValidatorEnvironment.runs {
                    let document = try await app.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
                    try await R.checkResponses(document: document, exchanges: Self.recorded.exchanges)
                }
            }
        }
    }
}
