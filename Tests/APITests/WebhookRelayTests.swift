import Events
import Foundation
import Hummingbird
import HummingbirdTesting
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
import WebhookRelay
import WhatsApp
import Workers

/// The webhook relay (issue 5, item 5): through the real webhook route and application, a
/// recorded delivery reaches an existing webhook app on loopback byte for byte, re-signed with
/// its own secret; failures are retried and recorded; redeliveries relay once; the queue
/// survives a restart; and the ledger verifies afterwards.
@Suite("Webhook relay", .timeLimit(.minutes(5)))
struct WebhookRelayTests {
    static let relayedNumber = "106540352242922"
    static let otherNumber = "555000111222"
    static let downstreamSecret = "downstream-app-secret-7f3a9c"
    /// Fast retries for tests: 300 ms, then 600 ms, …, at most 1 s; no jitter.
    static let fastPolicy = RelayRetryPolicy(initialDelay: .milliseconds(300), maximumDelay: .seconds(1), jitter: 0, random: { 0 })

    @Test("a signed delivery for a relayed number arrives downstream byte-identical, signed with the downstream secret; another number's does not")
    func relaysByteIdenticalAndSigned() async throws {
        let downstream = RelayDownstream()
        try await downstream.run { url in
            try await withMigratedDatabase { db in
                try await Self.configure(db, url: url)
                // Escaped Unicode and slashes, as Meta sends them: re-serialising would change them.
                let body = WebhookDeliveries.textDelivery(wamid: "wamid.relay-1", text: #"ol\u00e1 \/ \u00e4\u00f6"#, phoneNumberID: Self.relayedNumber)
                let other = WebhookDeliveries.textDelivery(wamid: "wamid.other-1", phoneNumberID: Self.otherNumber)
                try await Self.withRelayApp(db) { app in
                    for delivery in [body, other] {
                        try await app.deliver(delivery, signature: WebhookDeliveries.signature(delivery)) { #expect($0.status == .ok) }
                    }
                    try await eventually("the downstream did not accept the relay", timeout: .seconds(30)) { downstream.accepted.count == 1 }
                    try await Task.sleep(for: .milliseconds(800))
                }
                let posts = downstream.posts
                try #require(posts.count == 1, "only the relayed number's delivery goes downstream")
                let post = posts[0]
                #expect(post.body == body, "byte-identical")
                #expect(post.contentType == "application/json")
                let verifier = WebhookSignatureVerifier(secrets: [.init(app: "downstream", secret: Self.downstreamSecret)])
                #expect(try verifier.verify(signatureHeader: post.signature, body: post.body) == "downstream")
                let meta = WebhookSignatureVerifier(secrets: [.init(app: "meta", secret: WebhookDeliveries.appSecret)])
                #expect(throws: WebhookSignatureVerifier.Rejection.signatureMismatch) {
                    try meta.verify(signatureHeader: post.signature, body: post.body)
                }

                let records = try await Self.records(db)
                let queued = records.filter { $0.entry.fields.eventType == RelayEvents.queued }
                try #require(queued.count == 1)
                #expect(try queued[0].payloadBytes() == body, "the queued payload is the exact body")
                #expect(queued[0].entry.fields.stream == "wa-relay/legacy-bot")
                let header = try queued[0].headerJSON()
                #expect(header.text("relay") == "legacy-bot")
                #expect(header["phone_number_ids"] == .array([.string(Self.relayedNumber)]))
                #expect(header.text("body_sha256") == WebhookDelivery.sha256Hex(body))
                // Appended in the delivery's own commit: right after its message event.
                let message = try #require(records.first { $0.entry.fields.eventType == WhatsAppEventType.messageReceived })
                #expect(queued[0].entry.fields.position == message.entry.fields.position + 1)

                let outcomes = try Self.outcomes(records)
                #expect(outcomes.map(\.outcome) == ["delivered"])
                #expect(outcomes.first?.status == 200)
                #expect(outcomes.first?.attempt == 1)
                #expect(outcomes.first?.queuedPosition == queued[0].entry.fields.position)
                try await Self.expectVerified(db)
            }
        }
    }

    @Test("a downstream that answers 500 and then recovers: the failures are recorded, then it is delivered exactly once")
    func failsThenRecovers() async throws {
        let downstream = RelayDownstream(failFirst: 2)
        try await downstream.run { url in
            try await withMigratedDatabase { db in
                try await Self.configure(db, url: url)
                let body = WebhookDeliveries.textDelivery(wamid: "wamid.relay-retry", phoneNumberID: Self.relayedNumber)
                try await Self.withRelayApp(db) { app in
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                    try await eventually("no relay delivery was recorded", timeout: .seconds(30)) {
                        try Self.outcomes(try await Self.records(db)).contains { $0.outcome == "delivered" }
                    }
                    try await Task.sleep(for: .milliseconds(1500))
                }
                #expect(downstream.posts.count == 3)
                #expect(downstream.accepted.count == 1)
                #expect(downstream.posts.allSatisfy { $0.body == body })
                let outcomes = try Self.outcomes(try await Self.records(db))
                #expect(outcomes.map(\.outcome) == ["failed", "failed", "delivered"])
                #expect(outcomes.map(\.attempt) == [1, 2, 3])
                #expect(outcomes.map(\.status) == [500, 500, 200])
                #expect(outcomes.prefix(2).allSatisfy { $0.retryAtUs != nil })
                #expect(outcomes.last?.retryAtUs == nil)
                try await Self.expectVerified(db)
            }
        }
    }

    @Test("Meta's redelivery of the same bytes is queued and relayed once")
    func redeliveryRelaysOnce() async throws {
        let downstream = RelayDownstream()
        try await downstream.run { url in
            try await withMigratedDatabase { db in
                try await Self.configure(db, url: url)
                let body = WebhookDeliveries.textDelivery(wamid: "wamid.relay-dup", phoneNumberID: Self.relayedNumber)
                try await Self.withRelayApp(db) { app in
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                    try await eventually("the downstream did not accept the relay", timeout: .seconds(30)) { downstream.accepted.count == 1 }
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { response in
                        #expect(response.status == .ok)
                        #expect(String(buffer: response.body).contains(#""new":0"#), "nothing new: neither the message nor the relay")
                    }
                    try await Task.sleep(for: .milliseconds(1000))
                }
                #expect(downstream.posts.count == 1)
                let records = try await Self.records(db)
                #expect(records.filter { $0.entry.fields.eventType == RelayEvents.queued }.count == 1)
                #expect(try Self.outcomes(records).map(\.outcome) == ["delivered"])
            }
        }
    }

    @Test("restart: a queued delivery, and a failed attempt, are picked up by new service instances working from the ledger alone")
    func survivesRestart() async throws {
        let downstream = RelayDownstream(failFirst: 1)
        try await downstream.run { url in
            try await withMigratedDatabase { db in
                try await Self.configure(db, url: url)
                let body = WebhookDeliveries.textDelivery(wamid: "wamid.relay-restart", phoneNumberID: Self.relayedNumber)
                // A process that records (and queues) but does not relay: it stops before relaying.
                try await Self.withRelayApp(db, runService: false) { app in
                    try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
                }
                #expect(downstream.posts.isEmpty)
                let start = LedgerTimestamp.now()
                // A new process: one failed attempt, then it stops.
                try await db.withStore { client, store in
                    _ = try await makeRunner(store).catchUpAll()
                    let service = Self.service(client: client, store: store)
                    let outcomes = try await service.runRound(now: { start })
                    #expect(outcomes.map(\.kind) == [.failed])
                }
                // Another new process: nothing due before the recorded retry time, delivered after it.
                try await db.withStore { client, store in
                    _ = try await makeRunner(store).catchUpAll()
                    let queue = PendingRelayQueue(store: store)
                    #expect(try await queue.due(ledger: "main", now: start, limit: 10).isEmpty, "not before its retry time")
                    let later = LedgerTimestamp(microseconds: start.microseconds + 2_000_000)
                    #expect(try await queue.due(ledger: "main", now: later, limit: 10).map(\.attempts) == [1])
                    let outcomes = try await Self.service(client: client, store: store).runRound(now: { later })
                    #expect(outcomes.map(\.kind) == [.delivered])
                    #expect(outcomes.first?.attempt == 2)
                    _ = try await makeRunner(store).catchUpAll()
                    #expect(try await queue.due(ledger: "main", now: later, limit: 10).isEmpty, "delivered: no longer queued")
                }
                #expect(downstream.accepted.map(\.body) == [body])
                try await Self.expectVerified(db)
            }
        }
    }

    @Test("a removed relay's queued deliveries are given up, and recorded so")
    func removedRelayGivesUp() async throws {
        try await withMigratedDatabase { db in
            try await Self.configure(db, url: "http://127.0.0.1:9/webhook")
            let body = WebhookDeliveries.textDelivery(wamid: "wamid.relay-removed", phoneNumberID: Self.relayedNumber)
            try await Self.withRelayApp(db, runService: false) { app in
                try await app.deliver(body, signature: WebhookDeliveries.signature(body)) { #expect($0.status == .ok) }
            }
            try await db.withStore { client, store in
                try await WebhookRelayStore.remove("legacy-bot", store: store, ledger: "main", actor: "test")
                _ = try await makeRunner(store).catchUpAll()
                let outcomes = try await Self.service(client: client, store: store).runRound()
                #expect(outcomes.map(\.kind) == [.gaveUp])
            }
            let records = try await Self.records(db)
            #expect(records.map(\.entry.fields.eventType).filter { $0.hasPrefix("relay.") } == [RelayEvents.configured, RelayEvents.removed])
            #expect(try Self.outcomes(records).map(\.outcome) == ["gave_up"])
        }
    }

    @Test("a master key rotation re-seals the relay secrets: they open with the new key only")
    func rotationReseals() async throws {
        try await withMigratedDatabase { db in
            try await Self.configure(db, url: "https://bot.agency.example/webhook")
            let old = ScratchDatabase.masterKey
            let new = MasterKey.generate()
            // A rotation runs as the schema owner: the service role may not change keys.
            try await db.asSuperuser { owner in
                let logger = ScratchDatabase.logger
                _ = try await DataKeyRing.rotate(client: owner, from: old, to: new, logger: logger) { connection in
                    try await WebhookRelayStore.rewrap(connection: connection, from: old, to: new, logger: logger)
                }
            }
            try await db.withStore { client, _ in
                let logger = ScratchDatabase.logger
                let underNew = try await WebhookRelayStore.targets(client: client, master: new, logger: logger)
                let underOld = try await WebhookRelayStore.targets(client: client, master: old, logger: logger)
                #expect(underNew.map(\.relay.name) == ["legacy-bot"])
                #expect(underOld.isEmpty)
            }
        }
    }

    @Test("the retry schedule doubles from 10 s to an hour, with jitter, and gives up 7 days after receipt")
    func retrySchedule() {
        let policy = RelayRetryPolicy(random: { 0.5 })
        #expect((1...10).map { policy.delay(afterAttempt: $0) } == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600].map { Duration.seconds($0) })
        let queued = LedgerTimestamp(microseconds: 1_000_000_000_000)
        #expect(
            policy.retryTime(afterAttempt: 1, retryAfter: nil, queuedAt: queued, now: queued) == LedgerTimestamp(microseconds: queued.microseconds + 10_000_000)
        )
        #expect(
            policy.retryTime(afterAttempt: 1, retryAfter: .seconds(120), queuedAt: queued, now: queued)
                == LedgerTimestamp(microseconds: queued.microseconds + 120_000_000), "a longer Retry-After is honoured")
        let low = RelayRetryPolicy(random: { 0 }).retryTime(afterAttempt: 1, retryAfter: nil, queuedAt: queued, now: queued)
        #expect(low == LedgerTimestamp(microseconds: queued.microseconds + 8_000_000), "jitter: 20 % shorter at the low end")
        let late = LedgerTimestamp(microseconds: queued.microseconds + 7 * 24 * 3_600_000_000 - 1_000_000)
        #expect(policy.retryTime(afterAttempt: 50, retryAfter: nil, queuedAt: queued, now: late) == nil, "past 7 days: give up")
    }

    // MARK: Helpers

    /// Configures relay `legacy-bot` for ``relayedNumber`` → `url`, as `recordkeeper relays add` does.
    static func configure(_ db: ScratchDatabase, url: String) async throws {
        try await db.withStore { _, store in
            let relay = try WebhookRelay(name: "legacy-bot", phoneNumberIDs: [relayedNumber], url: url)
            try await WebhookRelayStore.save(relay, secret: downstreamSecret, replace: false, store: store, ledger: "main", actor: "test")
        }
    }

    /// The real application with the webhook, the projections and the relay (fast timings).
    static func withRelayApp<T: Sendable>(
        _ db: ScratchDatabase, runService: Bool = true, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
        let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
        let relay = WebhookRelaySettings(
            reloadInterval: .milliseconds(200), pollInterval: .milliseconds(200), policy: fastPolicy, requestTimeout: .seconds(5))
        let background = Background(
            workers: WorkerSet.Settings(ledger: "main", relay: relay), running: runService, client: client, store: store, logger: testLogger)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: try ScratchDatabase.migrations(),
            projections: WorkerSet.projections,
            whatsApp: WebhookDeliveries.settings, conversations: ConversationSettings(ledger: "main"), relays: background.relays,
            background: background.services, logger: testLogger)
        return try await app.test(.live, test)
    }

    /// A relay service as a new process would build it.
    static func service(client: PostgresClient, store: LedgerStore) -> WebhookRelayService {
        let directory = WebhookRelayDirectory(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
        return WebhookRelayService(ledger: "main", store: store, directory: directory, policy: fastPolicy, logger: ScratchDatabase.logger)
    }

    static func records(_ db: ScratchDatabase) async throws -> [LedgerRecord] {
        try await db.withStore { _, store in
            var records: [LedgerRecord] = []
            for try await record in store.records(ledger: "main") { records.append(record) }
            return records
        }
    }

    struct Outcome {
        var outcome: String?
        var attempt: Int64?
        var status: Int64?
        var retryAtUs: Int64?
        var queuedPosition: Int64?
    }

    /// The `whatsapp.webhook.relayed` headers, in ledger order.
    static func outcomes(_ records: [LedgerRecord]) throws -> [Outcome] {
        try records.filter { $0.entry.fields.eventType == RelayEvents.relayed }.map { record in
            let header = try record.headerJSON()
            return Outcome(
                outcome: header.text("outcome"), attempt: header["attempt"]?.integer, status: header["http_status"]?.integer,
                retryAtUs: header["retry_at_us"]?.integer, queuedPosition: header["queued_position"]?.integer)
        }
    }

    static func expectVerified(_ db: ScratchDatabase) async throws {
        try await db.withStore { _, store in
            let report = try await store.verify(ledger: "main")
            #expect(report.failure == nil, "the ledger verifies")
        }
    }
}
