import API
import Access
import Events
import Exports
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import Requests
import Server
import ServiceTestSupport
import TestSupport
import Testing
import Workers

/// Redaction and installments over HTTP, on a live loopback server and real PostgreSQL: a request
/// officer reads the exemptions and the suggestions (recorded as an access), applies, reviews and
/// withdraws redactions, produces an installment and downloads its bundle, which verifies
/// offline; an auditor reads the redactions and installments but gets no suggestion and no
/// bundle; every refusal is a problem with its code and writes nothing.
@Suite("Request redactions and installments API", .timeLimit(.minutes(5)))
struct RequestRedactionAPITests {
    typealias R = RetentionAPITests
    typealias F = WhatsAppFixtures

    static let recorded = ExchangeLog()
    static let ssn = "123-45-6789"
    static let card = "4111 1111 1111 1111"
    static let citizen = FixtureCitizen(waID: "16505551234")

    /// The route template of a URI: no query; the request as `{id}`, a redaction's or an
    /// installment's number as `{number}`.
    static func template(_ uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1)[0]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return segments.indices.map { index in
            let segment = segments[index]
            if segment.hasPrefix("PRR-") { return "{id}" }
            if index > 0, ["redactions", "installments"].contains(segments[index - 1]), Int(segment) != nil { return "{number}" }
            return segment
        }.joined(separator: "/")
    }

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]? = nil
    ) async throws -> R.Answer {
        let answer = try await R.send(app, method, uri, token: token, json: json, accept: nil)
        recorded.add(
            RecordedExchange(
                method: method.rawValue, path: template(uri), status: Int(answer.status.code), contentType: answer.contentType, body: answer.body))
        return answer
    }

    /// A refusal: the status, problem+json, the code; and the ledger did not grow.
    static func refused(
        _ app: any TestClientProtocol, _ db: ScratchDatabase, _ method: HTTPRequest.Method, _ uri: String, token: String, json: [String: Any]? = nil,
        _ status: HTTPResponse.Status, _ code: String, _ what: String
    ) async throws {
        let before = try await R.head(db)
        let answer = try await call(app, method, uri, token: token, json: json)
        try await R.expectRefusal(answer, status, code, head: before, db: db, what)
    }

    /// The type and header of the ledger's last entry.
    static func lastEntry(_ db: ScratchDatabase) async throws -> (type: String, header: String) {
        try await db.withStore { _, store in
            let ref = try #require(try await store.existingLedger(named: "main"))
            let head = try await store.head(of: ref).position
            let record = try #require(try await store.record(ledger: "main", position: head))
            return (record.entry.fields.eventType, record.entry.fields.header)
        }
    }

    /// The application on a live loopback port, with the installments' export directory `exports`.
    static func withLiveApp(
        _ db: ScratchDatabase, exports: URL, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
        let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
        let background = testBackground(client: client, store: store, workers: nil)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: try ScratchDatabase.migrations(),
            projections: WorkerSet.projections, conversations: ConversationSettings(ledger: "main"), relays: background.relays,
            staff: TestStaff.directory(store), exports: ExportSettings(directory: exports, agency: "City of Example", contact: "records@example.gov"),
            background: background.services, logger: testLogger)
        try await app.test(.live, test)
    }

    @Test("an officer redacts, reviews and produces an installment whose downloaded bundle verifies; auditors read; refusals write nothing")
    func redactAndExportOverHTTP() async throws {
        try await withMigratedDatabase { db in
            let (officer, auditor, agent, positions) = try await db.withStore { client, store in
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                let receipts = try await store.append(
                    [
                        F.message("wamid.r1", from: Self.citizen, at: 100, body: ["body": "Hello, my SSN is \(Self.ssn) and I need the permit."]),
                        F.message("wamid.r2", from: Self.citizen, at: 200, body: ["body": "My card \(Self.card) was charged twice."]),
                    ], to: "main")
                return (
                    try await TestStaff.token(store, name: "quinn.requests", roles: [.requestOfficer]),
                    try await TestStaff.token(store, name: "avery.auditor", roles: [.auditor]),
                    try await TestStaff.token(store, name: "desk.agent", roles: [.agent]),
                    receipts.map(\.position)
                )
            }
            let exports = FileManager.default.temporaryDirectory.appendingPathComponent("rk-api-exports-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: exports) }
            try await Self.withLiveApp(db, exports: exports) { app in
                var answer = try await Self.call(app, .post, "/v1/requests", token: officer, json: ["channel": "email", "text": "My messages."])
                let id = try #require(answer.json["request"] as? String, "\(answer)")
                let unknown = "PRR-2026-999999"
                answer = try await Self.call(app, .post, "/v1/requests/\(id)/searches", token: officer, json: ["citizen": ["+16505551234"]])
                #expect(answer.status == .ok && answer.json["result_count"] as? Int == 2, "\(answer)")

                // The exemption list: auditors read it too.
                answer = try await Self.call(app, .get, "/v1/exemptions", token: auditor)
                #expect(answer.status == .ok, "\(answer)")
                let codes = (answer.json["exemptions"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(!codes.isEmpty && answer.json["explanation_rule"] is String, "\(answer)")
                try await Self.refused(app, db, .get, "/v1/exemptions", token: agent, .forbidden, "forbidden", "an agent reads no exemptions")

                // Suggestions: the SSN and the card number, with citations; the access is recorded.
                var before = try await R.head(db)
                answer = try await Self.call(app, .get, "/v1/requests/\(id)/suggestions?search=1", token: officer)
                #expect(answer.status == .ok, "\(answer)")
                let suggestions = answer.json["suggestions"] as? [[String: Any]] ?? []
                #expect(Set(suggestions.compactMap { $0["matched"] as? String }) == [Self.ssn, Self.card], "\(answer)")
                #expect(suggestions.allSatisfy { ($0["citation"] as? String)?.hasPrefix("RCW") == true }, "\(answer)")
                let ssnSuggestion = try #require(suggestions.first { $0["matched"] as? String == Self.ssn })
                #expect(try await R.head(db) == before + 1, "the suggestions were recorded as one access")
                let access = try await Self.lastEntry(db)
                #expect(access.type == EventType.Access.viewed && access.header.contains("message:\(positions[0])"), "\(access)")
                #expect(!access.header.contains(Self.ssn), "the retained header holds no content")
                answer = try await Self.call(app, .get, "/v1/requests/\(id)/suggestions?position=\(positions[1])", token: officer)
                #expect((answer.json["suggestions"] as? [[String: Any]])?.compactMap { $0["matched"] as? String } == [Self.card], "\(answer)")
                try await Self.refused(
                    app, db, .get, "/v1/requests/\(id)/suggestions?search=1", token: auditor, .forbidden, "forbidden", "auditors see no suggestion")
                try await Self.refused(
                    app, db, .get, "/v1/requests/\(id)/suggestions", token: officer, .badRequest, "invalid_parameter", "neither search nor position")
                try await Self.refused(
                    app, db, .get, "/v1/requests/\(unknown)/suggestions?search=1", token: officer, .notFound, "unknown_request", "an unknown request")
                try await Self.refused(
                    app, db, .get, "/v1/requests/\(id)/suggestions?search=7", token: officer, .notFound, "unknown_search", "an unknown search")

                // Applying: the refusals first, each writing nothing.
                let redactions = "/v1/requests/\(id)/redactions"
                let exemption = try #require(ssnSuggestion["exemption"] as? String)
                let span: [String: Any] = [
                    "message_position": Int(positions[0]), "kind": "span", "start": ssnSuggestion["start"] ?? 0, "length": ssnSuggestion["length"] ?? 0,
                    "exemption": exemption, "explanation": "the resident's social security number, given to identify them",
                ]
                func with(_ changes: [String: Any?]) -> [String: Any] {
                    var body = span
                    for (key, value) in changes { body[key] = value }
                    return body
                }
                for (body, status, code, what) in [
                    (with(["exemption": "not-an-exemption"]), HTTPResponse.Status.badRequest, "unknown_exemption", "an unknown exemption code"),
                    (with(["explanation": "   "]), .badRequest, "explanation_missing", "an explanation left empty"),
                    (with(["explanation": exemption]), .badRequest, "explanation_boilerplate", "an explanation that only cites"),
                    (with(["start": 0, "length": 10_000]), .badRequest, "span_outside_text", "a span outside the text"),
                    (with(["start": nil]), .badRequest, "invalid_field", "a span without start"),
                    (with(["kind": "media", "start": nil, "length": nil, "media_id": "media-404"]), .badRequest, "no_such_media", "a media it has not"),
                ] {
                    try await Self.refused(app, db, .post, redactions, token: officer, json: body, status, code, what)
                }
                try await Self.refused(
                    app, db, .post, "/v1/requests/\(unknown)/redactions", token: officer, json: span, .notFound, "unknown_request", "unknown request")
                try await Self.refused(app, db, .post, redactions, token: auditor, json: span, .forbidden, "forbidden", "an auditor applies nothing")

                answer = try await Self.call(app, .post, redactions, token: officer, json: span)
                #expect(answer.status == .created && answer.json["redaction"] as? String == "R1" && answer.json["state"] as? String == "applied", "\(answer)")
                try await Self.refused(
                    app, db, .post, redactions, token: officer, json: with(["start": 0, "length": 20]), .conflict, "redaction_overlaps", "an overlap")
                let whole: [String: Any] = [
                    "message_position": Int(positions[1]), "kind": "message", "exemption": exemption,
                    "explanation": "the whole message is about the resident's card payment",
                ]
                answer = try await Self.call(app, .post, redactions, token: officer, json: whole)
                #expect(answer.status == .created && answer.json["redaction"] as? String == "R2", "\(answer)")

                // Not reviewed yet: no installment, no file.
                let installments = "/v1/requests/\(id)/installments"
                try await Self.refused(
                    app, db, .post, installments, token: officer, json: ["search": 1], .conflict, "unreviewed_redactions", "unreviewed redactions")
                #expect(((try? FileManager.default.contentsOfDirectory(atPath: exports.path)) ?? []).isEmpty, "no bundle left behind")

                // Review: approve R1; return R2 (a reason is required), withdraw it, apply and approve R3.
                answer = try await Self.call(app, .post, "\(redactions)/1/review", token: officer, json: ["approve": true])
                #expect(answer.status == .ok && answer.json["state"] as? String == "approved", "\(answer)")
                try await Self.refused(
                    app, db, .post, "\(redactions)/2/review", token: officer, json: ["approve": false], .badRequest, "reason_missing", "return without reason")
                try await Self.refused(
                    app, db, .post, "\(redactions)/9/review", token: officer, json: ["approve": true], .notFound, "unknown_redaction", "unknown redaction")
                answer = try await Self.call(app, .post, "\(redactions)/2/review", token: officer, json: ["approve": false, "reason": "cite 42.56.230(5)"])
                #expect(answer.status == .ok && answer.json["state"] as? String == "returned", "\(answer)")
                answer = try await Self.call(app, .post, "\(redactions)/2/withdrawal", token: officer, json: ["reason": "returned in review"])
                #expect(answer.status == .ok && answer.json["state"] as? String == "withdrawn", "\(answer)")
                try await Self.refused(
                    app, db, .post, "\(redactions)/2/withdrawal", token: officer, json: ["reason": "again"], .conflict, "redaction_state", "twice")
                answer = try await Self.call(app, .post, redactions, token: officer, json: whole)
                #expect(answer.status == .created && answer.json["redaction"] as? String == "R3", "\(answer)")
                answer = try await Self.call(app, .post, "\(redactions)/3/review", token: officer, json: ["approve": true])
                #expect(answer.status == .ok, "\(answer)")

                // An auditor reads the redactions: states and explanations, never the text redacted.
                answer = try await Self.call(app, .get, redactions, token: auditor)
                #expect(answer.status == .ok, "\(answer)")
                let listed = answer.json["redactions"] as? [[String: Any]] ?? []
                #expect(listed.compactMap { $0["state"] as? String } == ["approved", "withdrawn", "approved"], "\(answer)")
                #expect(listed.first?["explanation"] as? String == span["explanation"] as? String, "\(answer)")
                #expect(!answer.body.contains(Self.ssn) && !answer.body.contains("charged twice"), "no message text")

                // The installment: written to the export directory, recorded, listed.
                before = try await R.head(db)
                answer = try await Self.call(app, .post, installments, token: officer, json: ["search": 1, "summary": "The messages asked for."])
                #expect(answer.status == .created, "\(answer)")
                #expect(answer.json["installment"] as? Int == 1 && answer.json["redacted"] as? Int == 1 && answer.json["withheld"] as? Int == 1, "\(answer)")
                let file = try #require(answer.json["file"] as? String)
                let bytes = try #require(answer.json["bundle_bytes"] as? Int)
                #expect(answer.json["bundle"] as? String == "\(installments)/1/bundle", "\(answer)")
                #expect(try await R.head(db) > before, "export.produced and access.exported recorded")
                answer = try await Self.call(app, .get, installments, token: auditor)
                #expect(answer.status == .ok && (answer.json["installments"] as? [[String: Any]])?.count == 1, "\(answer)")

                // The download: streamed, recorded, and it verifies offline.
                try await Self.refused(app, db, .get, "\(installments)/1/bundle", token: auditor, .forbidden, "forbidden", "an auditor downloads nothing")
                try await Self.refused(app, db, .get, "\(installments)/1/bundle", token: agent, .forbidden, "forbidden", "an agent downloads nothing")
                try await Self.refused(app, db, .get, "\(installments)/5/bundle", token: officer, .notFound, "unknown_installment", "no such installment")
                before = try await R.head(db)
                var headers: HTTPFields = [.authorization: TestStaff.header(officer)]
                headers[.accept] = "application/zstd"
                let (status, contentType, disposition, body) = try await app.execute(uri: "\(installments)/1/bundle", method: .get, headers: headers) {
                    ($0.status, $0.headers[.contentType], $0.headers[HTTPField.Name("Content-Disposition")!], Array($0.body.readableBytesView))
                }
                Self.recorded.add(
                    RecordedExchange(
                        method: "GET", path: Self.template("\(installments)/1/bundle"), status: Int(status.code), contentType: contentType,
                        body: "(the bundle's bytes)"))
                #expect(status == .ok && contentType == "application/zstd", "\(status) \(contentType ?? "-")")
                #expect(disposition == "attachment; filename=\"\(file)\"")
                #expect(body.count == bytes)
                #expect(try await R.head(db) == before + 1, "the download was recorded as one access")
                let download = try await Self.lastEntry(db)
                #expect(download.type == EventType.Access.viewed && download.header.contains("installment:\(id)-1"), "\(download)")
                let downloaded = exports.appendingPathComponent("downloaded-\(file)")
                try Data(body).write(to: downloaded)
                let report = ExportVerifier.verify(bundle: downloaded)
                #expect(report.ok, "\(report.problems)")
                #expect((report.redacted, report.withheld) == (1, 1))
                try FileManager.default.removeItem(at: downloaded)

                // A bundle gone from the export directory is 410, and nothing is recorded.
                let kept = exports.appendingPathComponent(file + ".kept")
                try FileManager.default.moveItem(at: exports.appendingPathComponent(file), to: kept)
                try await Self.refused(app, db, .get, "\(installments)/1/bundle", token: officer, .gone, "bundle_missing", "a missing bundle")
                try FileManager.default.moveItem(at: kept, to: exports.appendingPathComponent(file))

                // A final request takes no redaction and no second installment.
                answer = try await Self.call(app, .post, "/v1/requests/\(id)/withdrawal", token: officer, json: ["note": "the requester withdrew"])
                #expect(answer.status == .ok, "\(answer)")
                try await Self.refused(
                    app, db, .post, installments, token: officer, json: ["search": 1], .conflict, "request_closed", "an installment of a closed request")
                try await Self.refused(
                    app, db, .post, redactions, token: officer, json: with(["message_position": Int(positions[1]), "start": 0, "length": 2]), .conflict,
                    "request_closed", "a redaction of a closed request")
                #expect(try FileManager.default.contentsOfDirectory(atPath: exports.path) == [file], "no second bundle")

                if OpenAPIValidatorEnvironment.runs {
                    let document = try await app.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
                    try await R.checkResponses(document: document, exchanges: Self.recorded.exchanges)
                }
            }
        }
    }
}
