import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp
import Workers

/// The append path under the conditions that stalled ingest in an outside soak test (issue 12,
/// finding A): every worker on a small pool while appends keep coming, and a supervisor's view
/// of a process whose appends cannot complete.
@Suite("Append path hardening", .timeLimit(.minutes(5)))
struct AppendPathHardeningTests {
    typealias F = WhatsAppFixtures

    @Test("appends keep completing while every worker (projections, classifier, router, automation, search indexer) shares a 4-connection pool")
    func appendsSurviveBusyWorkers() async throws {
        try await withMigratedDatabase { db in
            try await Self.withApp(db, appendConnections: 2, workers: true) { client, store, http in
                // 8 senders, each a stream of new citizens (new data keys) for 8 s or 150 appends, whichever
                // comes first: enough to keep every worker busy, and a catch-up that does not grow with the
                // machine's speed. Each append is bounded by 30 s: a stalled append path never completes at
                // all, a merely busy machine does within that.
                let stop = ContinuousClock.now + .seconds(8)
                let outcome = try await withThrowingTaskGroup(of: (appended: Int, failed: [String]).self) { group in
                    for sender in 0..<8 {
                        group.addTask {
                            var appended = 0
                            var failed: [String] = []
                            var index = 0
                            while ContinuousClock.now < stop && index < 150 {
                                index += 1
                                let citizen = FixtureCitizen(waID: "1650555\(String(format: "%02d%04d", sender, index))")
                                let event = F.message(
                                    "wamid.load-\(sender)-\(index)", from: citizen, at: Int64(index), body: ["body": "permit question \(index)"])
                                do {
                                    _ = try await withDeadline(.seconds(30)) { try await store.append(event, to: "main") }
                                    appended += 1
                                } catch {
                                    failed.append("\(error)")
                                }
                            }
                            return (appended, failed)
                        }
                    }
                    var total = (appended: 0, failed: [String]())
                    for try await part in group {
                        total.appended += part.appended
                        total.failed += part.failed
                    }
                    return total
                }
                #expect(outcome.failed.isEmpty, "\(outcome.failed.count) appends failed: \(outcome.failed.prefix(3))")
                #expect(outcome.appended > 50, "only \(outcome.appended) appends in 8 s")
                let health = try await http.execute(uri: "/healthz", method: .get) { $0.status }
                #expect(health == .ok)

                // Every worker catches up with what was appended: none of them is stuck either.
                let head = try await store.head(of: try await store.ledger(named: "main")).position
                var lagging: [String] = []
                try await eventually("workers did not catch up with position \(head)", timeout: .seconds(150), interval: .milliseconds(250)) {
                    lagging = try await Self.lagging(client, head: head)
                    return lagging.isEmpty
                }
                #expect(lagging.isEmpty, "still behind position \(head): \(lagging)")
            }
        }
    }

    @Test("/healthz answers 503 append_stalled while an append cannot commit, and 200 again once it does")
    func healthzReportsStalledAppends() async throws {
        try await withMigratedDatabase { db in
            try await Self.withApp(db, appendStallLimit: .seconds(1)) { _, store, http in
                _ = try await store.append(F.message("wamid.first", from: FixtureCitizen(waID: "16505550100"), at: 1), to: "main")
                #expect(try await http.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
                try await db.asSuperuser { superuser in
                    try await superuser.withConnection { connection in
                        // Another session holds the ledger head's row: no append can commit meanwhile.
                        try await connection.perform("BEGIN", logger: testLogger)
                        try await connection.perform("SELECT position FROM ledger_heads FOR UPDATE", logger: testLogger)
                        let blocked = Task {
                            try await store.append(F.message("wamid.second", from: FixtureCitizen(waID: "16505550101"), at: 2), to: "main")
                        }
                        var answer: (HTTPResponse.Status, String) = (.ok, "")
                        try await eventually("/healthz kept answering 200 while appends were stalled", timeout: .seconds(20), interval: .milliseconds(200)) {
                            answer = try await http.execute(uri: "/healthz", method: .get) { ($0.status, String(buffer: $0.body)) }
                            return answer.0 != .ok
                        }
                        #expect(answer.0 == .serviceUnavailable && answer.1.contains("append_stalled"), "\(answer)")
                        try await connection.perform("ROLLBACK", logger: testLogger)
                        _ = try await blocked.value
                    }
                }
                #expect(try await http.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
            }
        }
    }

    @Test("an authentic delivery with more events than one append may hold is recorded whole (finding 16), and its retry records nothing twice")
    func oversizedDeliveryIsRecorded() async throws {
        try await withMigratedDatabase { db in
            var limits = AppendLimits()
            limits.maxSubmissionEvents = 50
            // 120 statuses in one delivery: more than the 50 one append may hold.
            let statuses = (1...120).map { #"{"id":"wamid.big-\#($0)","status":"delivered","timestamp":"1764590400","recipient_id":"16505551234"}"# }
            let body = Array(
                """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
                "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},\
                "statuses":[\(statuses.joined(separator: ","))]},"field":"messages"}]}]}
                """.utf8)
            try await Self.withApp(db, limits: limits, whatsApp: WebhookDeliveries.settings) { _, _, http in
                for (attempt, expectedNew) in [(1, 120), (2, 0)] {
                    let (status, answer) = try await http.deliver(body, signature: WebhookDeliveries.signature(body)) {
                        ($0.status, String(buffer: $0.body))
                    }
                    #expect(status == .ok, "delivery \(attempt): \(answer)")
                    #expect(answer.contains(#""events":120"#) && answer.contains(#""new":\#(expectedNew)"#), "delivery \(attempt): \(answer)")
                }
            }
            let count = try await db.asSuperuser { superuser in
                try await superuser.query("SELECT count(*) FROM ledger_entries WHERE event_type = 'whatsapp.status.updated'", logger: testLogger)
                    .collect().first!.decode(Int64.self)
            }
            #expect(count == 120)
        }
    }

    @Test("/readyz shows how far each projection is behind the ledger (finding C)")
    func readinessShowsProjectionLag() async throws {
        try await withMigratedDatabase { db in
            try await Self.withApp(db) { _, store, http in
                for index in 1...3 {
                    _ = try await store.append(F.message("wamid.lag-\(index)", from: FixtureCitizen(waID: "16505550120"), at: Int64(index)), to: "main")
                }
                let body = try await http.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    return try JSONValue.parse(Array(response.body.readableBytesView))
                }
                let conversations = body["projections"]?.array?.first { $0.text("projection") == "conversations" && $0.text("ledger") == "main" }
                #expect(conversations?["behind"]?.integer == 3, "\(body)")
                #expect(conversations?["head_position"]?.integer == 3)
            }
        }
    }

    /// The application over `db` on a 4-connection pool (with an append pool of its own when
    /// `appendConnections` is given), its workers off unless `workers`.
    static func withApp(
        _ db: ScratchDatabase, appendConnections: Int? = nil, limits: AppendLimits = AppendLimits(),
        whatsApp: WhatsAppWebhookSettings? = nil, workers: Bool = false,
        appendStallLimit: Duration = .seconds(60),
        _ body: @escaping @Sendable (PostgresClient, LedgerStore, any TestClientProtocol) async throws -> Void
    ) async throws {
        let client = PostgresClient(configuration: try db.service.clientConfiguration(maximumConnections: 4), backgroundLogger: testLogger)
        let appendClient = try appendConnections.map {
            PostgresClient(configuration: try db.service.clientConfiguration(maximumConnections: $0), backgroundLogger: testLogger)
        }
        let store = LedgerStore(client: client, appendClient: appendClient, masterKey: ScratchDatabase.masterKey, limits: limits, logger: testLogger)
        let background = testBackground(client: client, store: store, workers: workers ? WorkerSet.Settings(ledger: "main") : nil)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store,
            migrations: try ScratchDatabase.migrations(), projections: WorkerSet.projections, whatsApp: whatsApp,
            conversations: ConversationSettings(ledger: "main"), relays: background.relays,
            staff: TestStaff.directory(store), appendStallLimit: appendStallLimit, background: background.services, logger: testLogger)
        try await app.test(.router) { http in try await body(client, store, http) }
    }

    /// The projections and the search index that have not reached `head`.
    static func lagging(_ client: PostgresClient, head: Int64) async throws -> [String] {
        var behind: [String] = []
        let rows = try await client.query(
            """
            SELECT projection, last_position FROM projection_state
            UNION ALL SELECT 'search_index', last_position FROM search_index_state
            """, logger: testLogger)
        var seen: Set<String> = []
        for try await (name, last) in rows.decode((String, Int64).self) {
            seen.insert(name)
            if last < head { behind.append("\(name) at \(last)") }
        }
        if !seen.contains("search_index") { behind.append("search_index not started") }
        return behind
    }
}
