public import Ledger
public import LedgerStore
import PostgresNIO
import WhatsApp

/// How a relay's deliveries stand, read from the `relay_queue` projection's pending rows only
/// (the ones its partial index holds, so the read stays cheap however many were delivered).
public struct WebhookRelayHealth: Sendable, Hashable {
    /// The relay's name.
    public var relay: String
    /// Deliveries queued for it and not yet delivered or given up.
    public var pending: Int
    /// The latest failed attempt among those still pending; nil when none has failed yet.
    public var lastFailure: Failure?

    /// One failed attempt, as the relay service recorded it (`whatsapp.webhook.relayed`, outcome `failed`).
    public struct Failure: Sendable, Hashable {
        /// When the attempt was made.
        public var at: LedgerTimestamp
        /// The downstream's HTTP status; nil when it did not answer.
        public var httpStatus: Int?
        /// What happened, in a few words (never the body or the secret).
        public var detail: String?
    }

    public init(relay: String, pending: Int, lastFailure: Failure?) {
        self.relay = relay
        self.pending = pending
        self.lastFailure = lastFailure
    }

    /// The health of every relay with pending deliveries in `ledger`, by relay name (a relay
    /// missing from the result has none pending). Only as fresh as the projection.
    public static func pending(store: LedgerStore, ledger: String) async throws -> [String: WebhookRelayHealth] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [:] }
        var health: [String: WebhookRelayHealth] = [:]
        let counts = try await store.client.query(
            "SELECT relay, count(*)::int8 FROM relay_queue WHERE ledger_id = \(ref.id) AND state = 'pending' GROUP BY relay",
            logger: store.logger)
        for try await (relay, count) in counts.decode((String, Int64).self) {
            health[relay] = WebhookRelayHealth(relay: relay, pending: Int(count), lastFailure: nil)
        }
        let failures = try await store.client.query(
            """
            SELECT DISTINCT ON (relay) relay, last_attempt_at_us, last_http_status, last_detail
            FROM relay_queue
            WHERE ledger_id = \(ref.id) AND state = 'pending' AND attempts > 0 AND last_attempt_at_us IS NOT NULL
            ORDER BY relay, last_attempt_at_us DESC
            """, logger: store.logger)
        for try await (relay, at, status, detail) in failures.decode((String, Int64, Int32?, String?).self) {
            health[relay]?.lastFailure = Failure(at: LedgerTimestamp(microseconds: at), httpStatus: status.map(Int.init), detail: detail)
        }
        return health
    }
}

extension WebhookRelay {
    /// ``url`` without its query, as the `relay.configured` header records it: a query may carry
    /// a token, so pages show this form.
    public var redactedURL: String { WebhookRelayClient.redacted(url) }
}
