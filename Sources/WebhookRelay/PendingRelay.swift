public import Ledger

/// A queued delivery not yet relayed (the `relay_queue` projection): what the relay service
/// needs to read its bytes from the ledger and record the outcome.
public struct PendingRelay: Sendable, Hashable {
    /// The ledger the `relay_queued` event is in (and the outcome goes to).
    public var ledger: String
    /// The relay's name.
    public var relay: String
    /// The relay's stream (`wa-relay/<relay>`).
    public var stream: String
    /// The ledger position of the `whatsapp.webhook.relay_queued` event (its payload is the body).
    public var queuedPosition: Int64
    /// When the delivery was received: the relay gives up 7 days later, as Meta would.
    public var queuedAt: LedgerTimestamp
    /// Failed attempts so far.
    public var attempts: Int

    public init(ledger: String, relay: String, stream: String, queuedPosition: Int64, queuedAt: LedgerTimestamp, attempts: Int = 0) {
        self.ledger = ledger
        self.relay = relay
        self.stream = stream
        self.queuedPosition = queuedPosition
        self.queuedAt = queuedAt
        self.attempts = attempts
    }
}

/// One relay attempt's outcome, as recorded in `whatsapp.webhook.relayed`.
public struct RelayOutcome: Sendable, Hashable {
    public enum Kind: String, Sendable {
        /// The downstream app answered 2xx.
        case delivered
        /// It did not; another attempt is scheduled at ``RelayOutcome/retryAt``.
        case failed
        /// No further attempt (7 days passed, or the relay was removed).
        case gaveUp = "gave_up"
    }

    public var kind: Kind
    /// The attempt number (1-based; 0 when the relay gave up without trying).
    public var attempt: Int
    public var httpStatus: Int?
    public var retryAt: LedgerTimestamp?
    /// What happened, in a few words (never the body or the secret).
    public var detail: String
    /// The start of the downstream's answer body (kept in the encrypted payload only).
    public var responseExcerpt: String?
}
