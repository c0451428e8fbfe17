import Access
import Disposition
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import NIOCore
import Retention
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// The records officer's work over HTTP (docs/api.md, "Retention"), on real WhatsApp events and
/// real PostgreSQL: filing, a legal hold, a disposition list, its approval and the destruction,
/// the certificate and the audit; who may do what; and that every refusal is problem+json with
/// its documented code and writes nothing.
@Suite("Retention API", .timeLimit(.minutes(5)))
struct RetentionAPITests {
    typealias F = WhatsAppFixtures

    /// Three citizens who wrote in November 2022: past the two years of GS2010-001.
    static let citizens = ["16505550171", "16505550172", "16505550173"].map { FixtureCitizen(waID: $0) }
    /// 2022-11-02 in seconds after WhatsAppFixtures' epoch (2025-11-01).
    static let longAgo: Int64 = -(3 * 365 * 86_400) + 86_400

    static func record(_ citizen: FixtureCitizen) -> String { "\(F.stream(citizen))@2022-11" }

    struct Answer: CustomStringConvertible {
        var status: HTTPResponse.Status
        var contentType: String?
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        var description: String { "\(status.code) \(contentType ?? "-") \(body.prefix(800))" }
    }

    /// Every answer of the scenario, for the OpenAPI response checker.
    static let recorded = ExchangeLog()

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]? = nil, accept: String? = nil
    ) async throws -> Answer {
        let answer = try await send(app, method, uri, token: token, json: json, accept: accept)
        recorded.add(
            RecordedExchange(
                method: method.rawValue, path: template(uri), status: Int(answer.status.code), contentType: answer.contentType, body: answer.body))
        return answer
    }

    /// The route template of a URI: no query, lists and holds as `{list}` and `{id}`.
    static func template(_ uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1)[0]
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("DL-") ? "{list}" : segment.hasPrefix("H-") ? "{id}" : String(segment)
        }.joined(separator: "/")
    }

    static func send(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]?, accept: String?
    ) async throws -> Answer {
        var headers: HTTPFields = [.authorization: TestStaff.header(token)]
        if method != .get { headers[AccessControlMiddleware.csrfHeader] = "test" }
        if let accept { headers[.accept] = accept }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await app.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Answer(status: response.status, contentType: response.headers[.contentType], body: String(buffer: response.body))
        }
    }

    /// A refusal: the status, problem+json, the code; and the ledger did not grow.
    static func expectRefusal(
        _ answer: Answer, _ status: HTTPResponse.Status, _ code: String, head before: Int64, db: ScratchDatabase, _ what: String
    ) async throws {
        #expect(answer.status == status, "\(what): \(answer)")
        #expect(answer.contentType == "application/problem+json", "\(what): \(answer)")
        #expect(answer.json["code"] as? String == code, "\(what): \(answer)")
        #expect((answer.json["detail"] as? String)?.isEmpty == false, "\(what): \(answer)")
        #expect(try await head(db) == before, "\(what) wrote nothing")
    }

    /// The position of the last entry of ledger `main`.
    static func head(_ db: ScratchDatabase) async throws -> Int64 {
        try await db.withStore { _, store in
            guard let ref = try await store.existingLedger(named: "main") else { return 0 }
            return try await store.head(of: ref).position
        }
    }

    static func washingtonCore() throws -> RetentionCatalog {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml")
        return try RetentionCatalog(yaml: String(contentsOf: url, encoding: .utf8), file: "config/retention/washington-core.yaml")
    }

    /// Every retention route, for the roles that may not touch them.
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/retention/catalog"), (.get, "/v1/retention/status"), (.get, "/v1/retention/records"),
        (.get, "/v1/retention/record?id=wa/1/p:1@2022-11"), (.get, "/v1/retention/queue"), (.get, "/v1/retention/holds"),
        (.get, "/v1/retention/holds/H-1"), (.get, "/v1/retention/disposition-lists"), (.get, "/v1/retention/disposition-lists/DL-1"),
        (.get, "/v1/retention/destructions"), (.get, "/v1/retention/destructions/DL-1/certificate"), (.get, "/v1/audit/retention"),
        (.post, "/v1/retention/records/filing"), (.post, "/v1/retention/holds"), (.post, "/v1/retention/holds/H-1/release"),
        (.post, "/v1/retention/disposition-lists"), (.post, "/v1/retention/disposition-lists/DL-1/review"),
        (.post, "/v1/retention/disposition-lists/DL-1/approvals"), (.post, "/v1/retention/disposition-lists/DL-1/destruction"),
    ]

    @Test("a records officer files, holds, lists, approves and destroys over HTTP; auditors read; agents get nothing; refusals write nothing")
    func recordsOfficerYear() async throws {
        try await withMigratedDatabase { db in
            let (officer, auditor, requester, agent, series) = try await db.withStore { _, store in
                let catalog = try Self.washingtonCore()
                let series = try #require(catalog.series.first { $0.dan == "GS2010-001" }).citation
                _ = try await RetentionCatalogs(store: store, ledger: "main").load(catalog, actor: "test:officer")
                for (index, citizen) in Self.citizens.enumerated() {
                    _ = try await store.append(
                        [F.message("wamid.retention-\(index)", from: citizen, at: Self.longAgo + Int64(index) * 3600, body: ["body": "case \(index)"])],
                        to: "main")
                }
                try await makeRunner(store).catchUpAll()
                return (
                    try await TestStaff.token(store, name: "rita.officer", roles: [.recordsOfficer]),
                    try await TestStaff.token(store, name: "avery.auditor", roles: [.auditor]),
                    try await TestStaff.token(store, name: "quinn.requests", roles: [.requestOfficer]),
                    try await TestStaff.token(store, name: "alex.agent", roles: [.agent], teams: ["benefits"]),
                    series
                )
            }
            let (first, second, held) = (Self.record(Self.citizens[0]), Self.record(Self.citizens[1]), Self.record(Self.citizens[2]))
            try await withConversationApp(db, token: nil) { app in
                // The catalog in force and one record.
                var answer = try await Self.call(app, .get, "/v1/retention/catalog", token: auditor)
                #expect(answer.status == .ok && answer.json["name"] as? String == "washington-core", "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/record?id=\(first)", token: officer)
                #expect(answer.status == .ok && answer.json["record"] as? String == first, "\(answer)")

                // Filing by hand: a refusal first (no reason), then the three records.
                var before = try await Self.head(db)
                answer = try await Self.call(
                    app, .post, "/v1/retention/records/filing", token: officer, json: ["record": first, "series": series, "reason": "  "])
                try await Self.expectRefusal(answer, .unprocessableContent, "missing_reason", head: before, db: db, "filing without a reason")
                answer = try await Self.call(
                    app, .post, "/v1/retention/records/filing", token: officer, json: ["record": first, "series": "GS0000-000", "reason": "x"])
                try await Self.expectRefusal(answer, .unprocessableContent, "unknown_series", head: before, db: db, "filing into no series")
                for record in [first, second, held] {
                    answer = try await Self.call(
                        app, .post, "/v1/retention/records/filing", token: officer,
                        json: ["record": record, "series": series, "reason": "routine correspondence"])
                    #expect(answer.status == .created && answer.json["series"] as? String == series, "\(answer)")
                }
                answer = try await Self.call(app, .get, "/v1/retention/record?id=\(first)", token: auditor)
                #expect(answer.json["source"] as? String == "manual", "\(answer)")

                // Holds: a refusal (empty scope), a request officer refused another type, the hold.
                before = try await Self.head(db)
                let hold: [String: Any] = [
                    "type": "litigation", "matter": "Case 26-2-01234-5", "custodian": "Records office", "reason": "complaint filed",
                    "scope": ["citizens": ["+\(Self.citizens[2].waID!)"]],
                ]
                var empty = hold
                empty["scope"] = [String: Any]()
                answer = try await Self.call(app, .post, "/v1/retention/holds", token: officer, json: empty)
                try await Self.expectRefusal(answer, .unprocessableContent, "empty_scope", head: before, db: db, "a hold on nothing")
                answer = try await Self.call(app, .post, "/v1/retention/holds", token: requester, json: hold)
                try await Self.expectRefusal(answer, .forbidden, "hold_type_not_allowed", head: before, db: db, "a request officer's litigation hold")
                answer = try await Self.call(app, .post, "/v1/retention/holds", token: officer, json: hold)
                #expect(answer.status == .created && answer.json["active"] as? Bool == true, "\(answer)")
                let holdID = try #require(answer.json["hold"] as? String)
                var request = hold
                request["type"] = "public_records_request"
                answer = try await Self.call(app, .post, "/v1/retention/holds", token: requester, json: request)
                #expect(answer.status == .created && answer.json["role"] as? String == "request_officer", "\(answer)")
                let requestHold = try #require(answer.json["hold"] as? String)
                answer = try await Self.call(app, .get, "/v1/retention/holds/\(holdID)", token: auditor)
                #expect(answer.status == .ok && answer.json["covered_records"] as? Int == 1, "\(answer)")

                // Disposition: one list of the two records no hold covers.
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists", token: officer, json: ["series": "GS0000-000"])
                try await Self.expectRefusal(
                    answer, .unprocessableContent, "unknown_series", head: try await Self.head(db), db: db, "running an unknown series")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists", token: officer)
                #expect(answer.status == .created, "\(answer)")
                let lists = try #require(answer.json["lists"] as? [[String: Any]])
                #expect(lists.count == 1 && lists.first?["records"] as? Int == 2, "\(answer)")
                let list = try #require(lists.first?["list"] as? String)
                answer = try await Self.call(app, .get, "/v1/retention/disposition-lists/\(list)", token: auditor)
                let items = (answer.json["items"] as? [[String: Any]] ?? []).compactMap { $0["record"] as? String }
                #expect(Set(items) == [first, second], "\(answer)")

                // Review, approval, destruction: each refused once, writing nothing.
                before = try await Self.head(db)
                answer = try await Self.call(
                    app, .post, "/v1/retention/disposition-lists/\(list)/review", token: officer,
                    json: ["decision": "exclude", "records": [held], "reason": "not on it"])
                try await Self.expectRefusal(answer, .unprocessableContent, "not_on_list", head: before, db: db, "excluding a record not listed")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/\(list)/destruction", token: officer)
                try await Self.expectRefusal(answer, .conflict, "not_approved", head: before, db: db, "destroying before approval")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/\(list)/approvals", token: auditor)
                try await Self.expectRefusal(answer, .forbidden, "forbidden", head: before, db: db, "an auditor approving")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/DL-20990101-00000000/approvals", token: officer)
                try await Self.expectRefusal(answer, .notFound, "unknown_list", head: before, db: db, "approving no list")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/\(list)/approvals", token: officer)
                #expect(answer.status == .created && answer.json["approved"] as? Bool == true, "\(answer)")
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/\(list)/destruction", token: officer)
                #expect(answer.status == .ok, "\(answer)")
                #expect(answer.json["records_destroyed"] as? Int == 2, "\(answer)")
                #expect(Set(answer.json["destroyed"] as? [String] ?? []) == [first, second], "\(answer)")
                before = try await Self.head(db)
                answer = try await Self.call(app, .post, "/v1/retention/disposition-lists/\(list)/destruction", token: officer)
                try await Self.expectRefusal(answer, .conflict, "already_destroyed", head: before, db: db, "destroying twice")

                // The held record is intact; the destroyed ones say so.
                answer = try await Self.call(app, .get, "/v1/retention/record?id=\(held)", token: auditor)
                #expect(answer.json["destroyed"] as? Bool == false, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/record?id=\(first)", token: auditor)
                #expect(answer.json["destroyed"] as? Bool == true, "\(answer)")

                // An auditor reads the status, the log, the certificate (JSON, CSV, HTML) and the audit.
                answer = try await Self.call(app, .get, "/v1/retention/status?by=series", token: auditor)
                let line = (answer.json["lines"] as? [[String: Any]])?.first { $0["key"] as? String == series }
                #expect(answer.status == .ok && line?["destroyed"] as? Int == 2 && line?["held"] as? Int == 1, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/records?limit=2", token: auditor)
                #expect((answer.json["items"] as? [Any])?.count == 2 && answer.json["next_cursor"] is String, "\(answer)")
                let cursor = try #require(answer.json["next_cursor"] as? String)
                answer = try await Self.call(app, .get, "/v1/retention/records?limit=2&cursor=\(cursor)", token: auditor)
                #expect((answer.json["items"] as? [Any])?.count == 1 && answer.json["next_cursor"] == nil, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/records?cursor=bm90LWEtY3Vyc29y", token: auditor)
                #expect(answer.status == .badRequest && answer.json["code"] as? String == "invalid_cursor", "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/destructions", token: auditor)
                #expect((answer.json["destructions"] as? [[String: Any]])?.first?["list"] as? String == list, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/destructions/\(list)/certificate", token: auditor)
                #expect(
                    answer.status == .ok && answer.contentType?.hasPrefix("application/json") == true && answer.json["complete"] as? Bool == true, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/destructions/\(list)/certificate", token: auditor, accept: "text/csv")
                #expect(answer.status == .ok && answer.contentType?.hasPrefix("text/csv") == true && answer.body.contains(first), "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/destructions/\(list)/certificate", token: auditor, accept: "text/html")
                #expect(answer.status == .ok && answer.contentType?.hasPrefix("text/html") == true, "\(answer)")
                #expect(answer.body.contains("<html lang=") && answer.body.contains("<caption"), "\(answer)")
                answer = try await Self.call(app, .get, "/v1/audit/retention", token: auditor)
                #expect(answer.status == .ok && answer.json["ok"] as? Bool == true, "\(answer)")

                // Releases: not the placing role, no reason, then the records officer; the request officer's own.
                before = try await Self.head(db)
                answer = try await Self.call(app, .post, "/v1/retention/holds/\(holdID)/release", token: requester, json: ["reason": "settled"])
                try await Self.expectRefusal(answer, .forbidden, "release_not_allowed", head: before, db: db, "releasing another role's hold")
                answer = try await Self.call(app, .post, "/v1/retention/holds/\(holdID)/release", token: officer, json: ["reason": ""])
                try await Self.expectRefusal(answer, .unprocessableContent, "invalid_field", head: before, db: db, "releasing without a reason")
                answer = try await Self.call(app, .post, "/v1/retention/holds/\(holdID)/release", token: officer, json: ["reason": "case settled"])
                #expect(answer.status == .ok && answer.json["active"] as? Bool == false, "\(answer)")
                answer = try await Self.call(app, .post, "/v1/retention/holds/\(requestHold)/release", token: requester, json: ["reason": "request closed"])
                #expect(answer.status == .ok && answer.json["active"] as? Bool == false, "\(answer)")
                answer = try await Self.call(app, .get, "/v1/retention/holds?all=true", token: auditor)
                #expect((answer.json["holds"] as? [Any])?.count == 2, "\(answer)")

                // An agent: 403 on every retention route; nothing written.
                before = try await Self.head(db)
                for (method, uri) in Self.routes {
                    answer = try await Self.call(app, method, uri, token: agent, json: method == .post ? [:] : nil)
                    #expect(answer.status == .forbidden && answer.json["code"] as? String == "forbidden", "agent: \(method) \(uri): \(answer)")
                }
                #expect(try await Self.head(db) == before)

                // Every answer above matches the document's schema for its status and content type.
                if OpenAPIValidatorEnvironment.runs {
                    let document = try await app.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
                    try await Self.checkResponses(document: document, exchanges: Self.recorded.exchanges)
                }
            }
        }
    }

    static func checkResponses(document: [UInt8], exchanges: [RecordedExchange]) async throws {
        try await withTemporaryDirectory { work in
            let documentFile = work.appendingPathComponent("openapi.json")
            try Data(document).write(to: documentFile)
            let exchangesFile = work.appendingPathComponent("exchanges.json")
            try JSONEncoder().encode(exchanges).write(to: exchangesFile)
            let result = try await OpenAPIValidatorEnvironment.check(["responses", documentFile.path, exchangesFile.path], in: work)
            #expect(result.ok, "\(result.output)")
            let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }
            try #require(lines.count == exchanges.count, "one verdict per exchange: \(result.output)")
            for (exchange, line) in zip(exchanges, lines) {
                let verdict = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(
                    verdict?["ok"] as? Bool == true,
                    "\(exchange.method) \(exchange.path) → \(exchange.status): \(verdict?["error"] ?? "?")\nbody: \(exchange.body.prefix(600))")
            }
        }
    }
}

/// The exchanges a test recorded, in order.
final class ExchangeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [RecordedExchange] = []

    func add(_ exchange: RecordedExchange) {
        lock.lock()
        defer { lock.unlock() }
        collected.append(exchange)
    }

    var exchanges: [RecordedExchange] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
