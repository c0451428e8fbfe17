import Access
import Events
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inbox
import Ledger
import LedgerStore
import Messaging
import NIOCore
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp
import Workers

/// `GET /v1/analytics` and `GET /metrics` on the real application, with real staff tokens.
extension JSONValue {
    /// A JSON number, integral or not.
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}

@Suite("Analytics and metrics routes")
struct AnalyticsRoutesTests {
    static let number = "106540352242922"

    /// A fixed-offset zone in which it is about noon now, so "today" holds the last ten minutes
    /// whatever the hour the test runs (`Etc/GMT-5` is UTC+5).
    static func noonZone(now: Date) throws -> AnalyticsCalendar {
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).hour ?? 12
        let offset = 12 - hour
        let name = offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
        return try #require(AnalyticsCalendar(timeZone: name))
    }

    static func stream(_ citizen: String) -> String { "wa/\(number)/p:\(citizen)" }

    static func inbound(_ citizen: String, _ wamid: String, at seconds: Int64) throws -> [NewEvent] {
        let body = WebhookDeliveries.textDelivery(wamid: wamid, waID: citizen, phoneNumberID: number, timestamp: seconds)
        return try WhatsAppIngest(ledger: "main").events(
            for: try WebhookDelivery.parse(body), body: body, app: "default", contentType: "application/json",
            receivedAt: LedgerTimestamp(microseconds: seconds * 1_000_000))
    }

    static func outbound(_ citizen: String, via: OutboundVia, at seconds: Int64) throws -> NewEvent {
        let body = Array(#"{"messaging_product":"whatsapp","to":"\#(citizen)","type":"text","text":{"body":"Thank you"}}"#.utf8)
        return try OutboundEvents.requested(
            requestID: UUID().uuidString.lowercased(), body: body, message: try OutboundMessage(body: body), phoneNumberID: number,
            stream: stream(citizen), via: via, actor: via == .automation ? "automation:ack" : "staff:sam",
            occurredAt: LedgerTimestamp(microseconds: seconds * 1_000_000))
    }

    static func routed(_ citizen: String, team: String, at seconds: Int64) -> NewEvent {
        NewEvent(
            stream: "inbox/\(stream(citizen))", eventType: "conversation.routed", occurredAt: LedgerTimestamp(microseconds: seconds * 1_000_000),
            actor: "system:router", header: #"{"v":1,"conversation":"\#(stream(citizen))","team":"\#(team)","rule":"default"}"#,
            payload: Array(#"{"v":1}"#.utf8))
    }

    /// Today: permits answered one citizen in 120 s (after an automated acknowledgement);
    /// benefits has not answered a citizen who wrote 300 s ago.
    static func recordToday(_ store: LedgerStore, now: Date) async throws {
        let base = Int64(now.timeIntervalSince1970) - 600
        var events = try inbound("16505550101", "wamid.p1", at: base)
        events.append(routed("16505550101", team: "permits", at: base + 1))
        events.append(try outbound("16505550101", via: .automation, at: base + 2))
        events.append(try outbound("16505550101", via: .api, at: base + 120))
        events += try inbound("16505550102", "wamid.q1", at: base + 300)
        events.append(routed("16505550102", team: "benefits", at: base + 301))
        for event in events { _ = try await store.append([event], to: "main") }
        _ = try await ProjectionRunner(store: store, projections: WorkerSet.projections, logger: testLogger).catchUpAll()
    }

    /// Runs `test` with the application (projections caught up by the test, after the staff
    /// directory's entries), a staff directory and tokens: a supervisor, an auditor and an agent.
    static func withAnalyticsApp(
        calendar: AnalyticsCalendar, now: Date,
        _ test: @escaping @Sendable (any TestClientProtocol, _ supervisor: String, _ auditor: String, _ agent: String) async throws -> Void
    ) async throws {
        try await withMigratedDatabase { db in
            let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
            let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            let directory = StaffDirectory(store: store, ledger: "main", masterKey: ScratchDatabase.masterKey, bcryptCost: 4, logger: testLogger)
            let app = RecordkeeperServer.makeApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
                migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, conversations: ConversationSettings(ledger: "main"),
                staff: directory, analytics: AnalyticsSettings(calendar: calendar, metricsCacheTTL: .zero), logger: testLogger)
            try await app.test(.router) { app in
                _ = try await directory.addUser(name: "sam", roles: [.supervisor], teams: ["permits"], actor: "test")
                _ = try await directory.addUser(name: "ada", roles: [.auditor], actor: "test")
                _ = try await directory.addUser(name: "kim", roles: [.agent], teams: ["permits"], actor: "test")
                let supervisor = try await directory.issueToken(user: "sam", actor: "test").token
                let auditor = try await directory.issueToken(user: "ada", actor: "test").token
                let agent = try await directory.issueToken(user: "kim", actor: "test").token
                try await recordToday(store, now: now)
                try await test(app, supervisor, auditor, agent)
            }
        }
    }

    static func call(_ app: any TestClientProtocol, _ uri: String, token: String?) async throws -> (HTTPResponse.Status, String, String?) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await app.execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType])
        }
    }

    @Test("a supervisor reads today's figures per team as JSON; bad parameters are 400s naming the field; an agent is refused")
    func analyticsJSON() async throws {
        let now = Date()
        let calendar = try Self.noonZone(now: now)
        let today = calendar.date(of: now)
        try await Self.withAnalyticsApp(calendar: calendar, now: now) { app, supervisor, _, agent in
            let (status, body, _) = try await Self.call(app, "/v1/analytics?from=\(today)&to=\(today)", token: supervisor)
            #expect(status == .ok, "\(body)")
            let json = try JSONValue.parse(Array(body.utf8))
            #expect(json.text("timezone") == calendar.identifier)
            let days = json["days"]?.array ?? []
            #expect(days.map { $0.text("team") } == ["benefits", "permits"])
            #expect(days.allSatisfy { $0.text("date") == today })
            let benefits = try #require(days.first)
            let permits = try #require(days.last)
            #expect(benefits["inbound"]?.integer == 1 && benefits["outbound"]?.integer == 0)
            #expect(benefits["first_response"] == .object(["count": .integer(0), "p50_seconds": .null, "p90_seconds": .null]))
            #expect(benefits["backlog"]?["open"]?.integer == 1)
            let age = benefits["backlog"]?["oldest_age_seconds"]?.number ?? 0
            #expect(age >= 300 && age < 600, "the benefits citizen wrote 300 s before the request: \(age)")
            #expect(permits["inbound"]?.integer == 1 && permits["outbound"]?.integer == 2, "the automated reply is outbound too")
            #expect(permits["first_response"]?["count"]?.integer == 1)
            #expect(permits["first_response"]?["p50_seconds"]?.number == 120, "the automated acknowledgement is no response")
            #expect(permits["first_response"]?["p90_seconds"]?.number == 120)
            #expect(permits["backlog"] == .object(["open": .integer(1), "oldest_age_seconds": .null]))

            let filtered = try await Self.call(app, "/v1/analytics?from=\(today)&to=\(today)&team=permits", token: supervisor)
            #expect(try JSONValue.parse(Array(filtered.1.utf8))["days"]?.array?.map { $0.text("team") } == ["permits"])

            for (query, code, field) in [
                ("to=\(today)", "missing_parameter", "from"), ("from=2026-02-30&to=2026-03-01", "invalid_parameter", "from"),
                ("from=2026-03-02&to=2026-03-01", "invalid_parameter", "to"), ("from=2024-01-01&to=2025-01-01", "invalid_parameter", "to"),
            ] {
                let (status, body, type) = try await Self.call(app, "/v1/analytics?\(query)", token: supervisor)
                #expect(status == .badRequest && type == "application/problem+json", "\(query): \(body)")
                let problem = try JSONValue.parse(Array(body.utf8))
                #expect(problem.text("code") == code && problem.text("field") == field, "\(query): \(body)")
            }
            #expect(try await Self.call(app, "/v1/analytics?from=\(today)&to=\(today)", token: agent).0 == .forbidden)
            #expect(try await Self.call(app, "/v1/analytics?from=\(today)&to=\(today)", token: nil).0 == .unauthorized)
        }
    }

    @Test("/metrics answers Prometheus text with HTTP, ledger, projection, outbox and today's analytics series; 401 and 403 otherwise")
    func prometheus() async throws {
        let now = Date()
        let calendar = try Self.noonZone(now: now)
        try await Self.withAnalyticsApp(calendar: calendar, now: now) { app, supervisor, auditor, agent in
            #expect(try await Self.call(app, "/metrics", token: nil).0 == .unauthorized)
            #expect(try await Self.call(app, "/metrics", token: agent).0 == .forbidden)
            let today = calendar.date(of: now)
            #expect(try await Self.call(app, "/v1/analytics?from=\(today)&to=\(today)", token: supervisor).0 == .ok)

            let (status, text, type) = try await Self.call(app, "/metrics", token: auditor)
            #expect(status == .ok)
            #expect(type?.hasPrefix("text/plain") == true)
            let lines = Set(text.split(separator: "\n").map(String.init))
            for expected in [
                #"recordkeeper_http_requests_total{method="GET",route="/v1/analytics",status="200"} 1"#,
                #"recordkeeper_http_requests_total{method="GET",route="/metrics",status="401"} 1"#,
                #"recordkeeper_http_requests_total{method="GET",route="/metrics",status="403"} 1"#,
                #"recordkeeper_http_request_duration_seconds_count{method="GET",route="/v1/analytics"} 1"#,
                #"recordkeeper_projection_lag_entries{projection="analytics",ledger="main"} 0.0"#,
                #"recordkeeper_outbox_pending_sends{ledger="main"} 2.0"#,
                #"recordkeeper_analytics_inbound_messages_today{team="permits"} 1.0"#,
                #"recordkeeper_analytics_outbound_messages_today{team="permits"} 2.0"#,
                #"recordkeeper_analytics_first_responses_today{team="permits"} 1.0"#,
                #"recordkeeper_analytics_first_response_p50_seconds{team="permits"} 120.0"#,
                #"recordkeeper_analytics_first_response_p90_seconds{team="permits"} 120.0"#,
                #"recordkeeper_analytics_backlog_open_conversations{team="benefits"} 1.0"#,
                #"recordkeeper_analytics_backlog_open_conversations{team="permits"} 1.0"#,
                "recordkeeper_metrics_collection_success 1.0",
                "# TYPE recordkeeper_http_request_duration_seconds histogram",
            ] {
                #expect(lines.contains(expected), "missing: \(expected)\n\(text)")
            }
            #expect(!text.contains(#"recordkeeper_analytics_first_response_p50_seconds{team="benefits"}"#), "no response, no series")
            let entries = lines.first { $0.hasPrefix(#"recordkeeper_ledger_entries{ledger="main"} "#) }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
            #expect((entries ?? 0) >= 6, "six analytics events and the staff directory's: \(String(describing: entries))")
            let age = lines.first { $0.hasPrefix(#"recordkeeper_analytics_backlog_oldest_age_seconds{team="benefits"} "#) }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
            #expect((300..<600).contains(age ?? 0), "\(String(describing: age))")
        }
    }
}
